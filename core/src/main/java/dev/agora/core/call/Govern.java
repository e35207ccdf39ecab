package dev.agora.core.call;

import dev.agora.core.call.policy.PolicyEngine;
import dev.agora.core.call.policy.QuotaRule;
import dev.agora.core.call.policy.Quotas;
import dev.agora.core.error.AgoraError;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Sets the call's deadline — the narrowest of the call's own, the manifest's, the policy's for the
 * capability and its namespaces, and the policy default — and admits it through the concurrency
 * limits, refusing it at once (LimitExceeded, naming the rule) when one is full, then charges it to
 * the quotas that count it (LimitExceeded when one is used up). Hands the policy's egress rules to
 * the provider.
 */
final class Govern implements Stage {

  private final Supplier<PolicyEngine> policy;
  private final Quotas quotas;

  Govern(Supplier<PolicyEngine> policy, Quotas quotas) {
    this.policy = policy;
    this.quotas = quotas;
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
      if (!v.quotas().isEmpty()) {
        charge(call, v.quotas());
      }
      return next.invoke(call);
    } finally {
      for (int i = 0; i < admitted; i++) {
        gates.get(i).permits().release();
      }
    }
  }

  /**
   * Charges the call to the quotas that count it (refused when one is used up); what each has used
   * is noted for the call's record.
   */
  private void charge(Call call, List<QuotaRule> rules) {
    double cost = call.manifest.sla().costPerCall();
    Dict.Builder used = Dict.builder();
    for (Quotas.Usage u : quotas.charge(rules, call.manifest.id(), call.request.caller(), cost)) {
      used.put(
          u.rule().name(),
          Dict.builder()
              .put("scope", Value.of(u.scope()))
              .put("calls", Value.of(u.calls()))
              .put("cost", Value.of(u.cost()))
              .build());
    }
    Dict d = used.build();
    if (!d.isEmpty()) {
      call.note("quotas", d);
    }
  }

  private static Duration narrower(Duration current, Duration candidate) {
    return candidate != null && candidate.compareTo(current) < 0 ? candidate : current;
  }
}
