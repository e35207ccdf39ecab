package dev.agora.chain.event;

/** What an {@link Event} records. Names follow the CCOS Causal Chain's action types. */
public enum EventType {
  PlanStarted,
  PlanCompleted,
  PlanAborted,
  PlanStepStarted,
  PlanStepCompleted,
  PlanStepFailed,
  PlanStepRetrying,
  CapabilityCall,
  CapabilityResult,
  PolicyDenied,
  CapabilityRetrying,
  CircuitChanged,
  CapabilityRegistered,
  CapabilityUpdated,
  CapabilityRemoved,
  DiscoveryCompleted,
  /** A manifest the trust policy refused (unsigned, tampered, expired, unknown authority …). */
  CapabilityRefused,
  /** A pinned definition that changed: not listed, not callable until approved. */
  CapabilityQuarantined,
  /** A changed definition approved and pinned again, by whom. */
  CapabilityApproved,
  // Approvals bound to one call (issue 14); new types go at the end: the chain stores names.
  ApprovalRequested,
  ApprovalGranted,
  ApprovalDenied,
  ApprovalUsed
}
