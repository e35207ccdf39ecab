package dev.agora.core.call;

import dev.agora.core.call.policy.PolicyEngine;
import dev.agora.core.error.AgoraError;
import dev.agora.rtfs.Value;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Sets the call's deadline — the narrowest of the call's own, the manifest's, the policy's for the
 * capability and its namespaces, and the policy default — and admits it through the concurrency
 * limits, refusing it at once (LimitExceeded, naming the rule) when one is full. Hands the policy's
 * egress rules to the provider.
 */
final class Govern implements Stage {

  private final Supplier<PolicyEngine> policy;

  Govern(Supplier<PolicyEngine> policy) {
    this.policy = policy;
  }

  @Override
  public Value apply(Call call, Next next) {
    PolicyEngine engine = policy.get();
    PolicyEngine.Verdict v = engine.verdict(call.manifest.id());
    Duration t = engine.policy().defaultTimeout();
    t = narrower(t, v.timeout());
    t = narrower(t, call.manifest.timeout());
    t = narrower(t, call.request.timeout());
    call.timeout = t;
    call.deadline = call.started + t.toNanos();
    call.egress = engine.policy().egress();
    List<PolicyEngine.Gate> gates = v.gates();
    int admitted = 0;
    try {
      for (PolicyEngine.Gate g : gates) {
        if (!g.permits().tryAcquire()) {
          throw new AgoraError.LimitExceeded(
              call.manifest.id(), "at most " + g.max() + " concurrent calls (" + g.rule() + ")");
        }
        admitted++;
      }
      return next.invoke(call);
    } finally {
      for (int i = 0; i < admitted; i++) {
        gates.get(i).permits().release();
      }
    }
  }

  private static Duration narrower(Duration current, Duration candidate) {
    return candidate != null && candidate.compareTo(current) < 0 ? candidate : current;
  }
}
