package dev.agora.core.call;

import dev.agora.chain.ReceiptIssuer;
import dev.agora.chain.event.EventSink;
import dev.agora.core.approval.Approvals;
import dev.agora.core.call.policy.Authorize;
import dev.agora.core.call.policy.PolicyEngine;
import dev.agora.core.call.policy.Quotas;
import dev.agora.core.call.resilience.Resilience;
import dev.agora.core.call.resilience.ResiliencePolicy;
import dev.agora.core.error.AgoraError;
import dev.agora.core.registry.Registry;
import dev.agora.core.telemetry.Telemetry;
import dev.agora.rtfs.Value;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The one way any capability runs. Every surface builds a {@link CallRequest} and calls {@link
 * #call}; the stages are fixed, in this order:
 *
 * <pre>
 *   RecordEvents(Resolve(Authorize(ValidateInput(CheckArguments(ValidateOutput(Govern(
 *       Resilience(Execute))))))))
 *
 *   resolve → isolation policy → security context → input validation → argument-aware rules
 *   and approvals → limits (deadline,
 *   concurrency, quotas, egress) → cache, retry, circuit breaker, rate limit, bulkhead, fallback →
 *   provider → output validation → record → result
 * </pre>
 *
 * Recording is outermost so that denials, NotFound and timeouts are recorded too; output validation
 * wraps the governed execution so a provider's bad result is caught whatever its provider. Composed
 * once; a call allocates its {@link Call} and its events, nothing more. With telemetry on, each
 * call and each stage is a span as well ({@link Traced}, docs/TELEMETRY.md).
 */
public final class CallPath {

  private final Stage.Next chain;
  private final Stage record;
  private final LongSupplier ticker;

  /**
   * @param policy the current policy engine (read on every call, so a reloaded policy applies at
   *     once)
   * @param clock timestamps and time windows
   * @param ticker nanoseconds, for durations and deadlines
   * @param resilience the current resilience policy (retry, circuit breakers, cache, fallbacks …)
   * @param approvals where calls that need a human's approval get it
   * @param log warnings the stages cannot attach to a call
   * @param metrics where calls, errors, latencies, retries, cache hits, fallbacks and circuits are
   *     counted
   * @param receipts makes the receipts of {@link #callWithReceipt} (null: none; issue 14)
   * @param telemetry when on, a span per call and per stage ({@link Traced}); when off, the stages
   *     are composed as if there were no tracing
   * @param quotas what {@code policy.quotas} have counted (kept across policy reloads)
   */
  public CallPath(
      Registry registry,
      Supplier<PolicyEngine> policy,
      Supplier<ResiliencePolicy> resilience,
      Providers providers,
      Approvals approvals,
      EventSink sink,
      Clock clock,
      LongSupplier ticker,
      Consumer<String> log,
      CallMetrics metrics,
      ReceiptIssuer receipts,
      Telemetry telemetry,
      Quotas quotas) {
    this.ticker = ticker;
    boolean on = telemetry.on();
    Stage recordEvents = new RecordEvents(sink, clock, metrics, receipts, on);
    Authorize authorize = new Authorize(policy, clock);
    Traced t = new Traced(telemetry); // when off, each stage stays as it is
    List<Stage> stages =
        List.of(
            t.call(recordEvents),
            t.before("agora.resolve", new Resolve(registry)),
            t.before("agora.policy", authorizing(authorize)),
            t.before("agora.validate.input", new ValidateInput()),
            t.before("agora.policy.arguments", new CheckArguments(authorize, approvals)),
            t.after("agora.validate.output", new ValidateOutput()),
            t.around("agora.execute", new Govern(policy, quotas)),
            new Guarded(new Resilience(resilience, sink, clock, log, metrics), this::call));
    this.record = stages.getFirst();
    Stage.Next next = new Execute(providers, on);
    for (int i = stages.size() - 1; i >= 0; i--) {
      Stage stage = stages.get(i);
      Stage.Next inner = next;
      next = c -> stage.apply(c, inner);
    }
    this.chain = next;
  }

  /** The Authorize stage: the policy and the caller's context decide ({@link Authorize}). */
  private static Stage authorizing(Authorize authorize) {
    return (call, next) -> {
      authorize.check(call.manifest, call.request.caller());
      return next.invoke(call);
    };
  }

  /** Runs a call through every stage; a failure is an {@link dev.agora.core.error.AgoraError}. */
  public Value call(CallRequest request) {
    return chain.invoke(new Call(request, ticker));
  }

  /**
   * {@link #call}, and the call's receipt (issue 14): signed or to be completed by a proof, as the
   * issuer's mode says; none when receipts are off.
   */
  public Receipted callWithReceipt(CallRequest request) {
    Call c = new Call(request, ticker);
    c.wantsReceipt = true;
    Value result = chain.invoke(c);
    return new Receipted(result, c.receipt);
  }

  /**
   * A call a surface refused before it could make it — arguments it could not turn into an input —
   * recorded by the same outermost stage as every other refusal (the caller, the capability, why),
   * and returned: the error to answer with ({@link AgoraError.NotRecorded} if recording failed).
   */
  public AgoraError refuse(CallRequest request, AgoraError why) {
    try {
      record.apply(
          new Call(request, ticker),
          refused -> {
            throw why;
          });
    } catch (AgoraError e) {
      return e;
    }
    throw new IllegalStateException(
        "a refused call returned a value"); // the inner stage only throws
  }
}
