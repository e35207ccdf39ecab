package dev.agora.core.call.policy;

import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.Attestation;
import dev.agora.core.manifest.CapabilityManifest;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * Authorisation, the call path's Authorize stage: a passport still valid, the isolation policy
 * (deny wins, namespaces, time windows), then the caller's security context (level, effects,
 * permissions). Either refusal names its reason; the policy's names the rule. The stage in {@code
 * dev.agora.core.call} hands every call here; gateways ask {@link #mayCall} what to list.
 */
public final class Authorize {

  private final Supplier<PolicyEngine> policy;
  private final Clock clock;

  /**
   * @param policy the current policy engine (read on every call, so a replaced policy applies at
   *     once)
   * @param clock for time windows
   */
  public Authorize(Supplier<PolicyEngine> policy, Clock clock) {
    this.policy = policy;
    this.clock = clock;
  }

  /**
   * Returns when {@code caller} may call {@code m} now; otherwise throws {@link
   * AgoraError.AccessDenied} (the policy) or {@link AgoraError.SecurityViolation} (the context).
   */
  public void check(CapabilityManifest m, SecurityContext caller) {
    String id = m.id();
    String expired = Attestation.expiry(m, clock.instant());
    if (expired != null) {
      throw new AgoraError.AccessDenied(id, expired, "trust");
    }
    PolicyEngine.Verdict v = policy.get().verdict(id);
    String denial =
        v.denial() != null ? v.denial() : PolicyEngine.outsideWindows(v.windows(), clock.instant());
    if (denial != null) {
      throw new AgoraError.AccessDenied(id, denial);
    }
    String refusal = caller.refusal(m);
    if (refusal != null) {
      throw new AgoraError.SecurityViolation(id, caller.identity(), refusal);
    }
  }

  /**
   * Whether {@code caller} may call {@code m} as far as can be known before calling: the policy's
   * static allow/deny, the caller's context and an unexpired passport. Time windows and limits are
   * checked at call time.
   */
  public boolean mayCall(SecurityContext caller, CapabilityManifest m) {
    return policy.get().verdict(m.id()).denial() == null
        && caller.refusal(m) == null
        && Attestation.expiry(m, clock.instant()) == null;
  }
}
