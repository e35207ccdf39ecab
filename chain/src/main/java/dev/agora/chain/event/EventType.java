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
  // Approvals bound to one call (issue 14); new types go at the end: the chain stores names.
  ApprovalRequested,
  ApprovalGranted,
  ApprovalDenied,
  ApprovalUsed
}
