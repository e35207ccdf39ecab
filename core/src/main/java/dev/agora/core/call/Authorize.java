package dev.agora.core.call;

import dev.agora.core.error.AgoraError;
import dev.agora.core.policy.PolicyEngine;
import dev.agora.rtfs.Value;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * The isolation policy (deny wins, namespaces, time windows), then the caller's security context
 * (level, effects, permissions). Either refusal names its reason; the policy's names the rule.
 */
final class Authorize implements Stage {

  private final Supplier<PolicyEngine> policy;
  private final Clock clock;

  Authorize(Supplier<PolicyEngine> policy, Clock clock) {
    this.policy = policy;
    this.clock = clock;
  }

  @Override
  public Value apply(Call call, Next next) {
    String id = call.manifest.id();
    PolicyEngine.Verdict v = policy.get().verdict(id);
    String denial =
        v.denial() != null ? v.denial() : PolicyEngine.outsideWindows(v.windows(), clock.instant());
    if (denial != null) {
      throw new AgoraError.AccessDenied(id, denial);
    }
    String refusal = call.request.caller().refusal(call.manifest);
    if (refusal != null) {
      throw new AgoraError.SecurityViolation(id, call.request.caller().identity(), refusal);
    }
    return next.invoke(call);
  }
}
