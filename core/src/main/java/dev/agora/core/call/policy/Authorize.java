package dev.agora.core.call.policy;

import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.Attestation;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.rtfs.Value;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Authorisation, the call path's Authorize stage: a passport still valid, the isolation policy
 * (deny wins, namespaces, time windows), then the caller's security context (level, effects,
 * permissions). Either refusal names its reason; the policy's names the rule. The stage in {@code
 * dev.agora.core.call} hands every call here, and again once its input is valid for the
 * argument-aware rules ({@link #checkArguments}); gateways ask {@link #mayCall} what to list.
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
   * The argument-aware rules ({@code policy.rules}) that apply to {@code m}, evaluated for this
   * call's input, caller and time in the order written. Deny wins: a deny rule that holds refuses
   * the call whatever rule before it asked for approval; a condition that cannot be evaluated (a
   * missing key, a value of another type) refuses it too — rules fail closed.
   *
   * @return the first rule that holds and requires approval, or null when none does
   * @throws AgoraError.AccessDenied naming the rule that denied the call or could not be evaluated
   */
  public ArgumentRule checkArguments(CapabilityManifest m, Value input, SecurityContext caller) {
    List<ArgumentRule> rules = policy.get().verdict(m.id()).rules();
    if (rules.isEmpty()) {
      return null;
    }
    Map<String, Object> vars = Condition.variables(m.id(), input, caller, clock.instant());
    ArgumentRule approval = null;
    for (ArgumentRule r : rules) {
      boolean holds;
      try {
        holds = r.when().test(vars);
      } catch (Condition.EvaluationError e) {
        throw new AgoraError.AccessDenied(m.id(), e.getMessage(), r.toString());
      }
      if (holds && r.action() == ArgumentRule.Action.DENY) {
        throw new AgoraError.AccessDenied(m.id(), r.toString());
      }
      if (holds && approval == null) {
        approval = r;
      }
    }
    return approval;
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
