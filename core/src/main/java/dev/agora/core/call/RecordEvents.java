package dev.agora.core.call;

import dev.agora.chain.Failures;
import dev.agora.chain.ReceiptIssuer;
import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventIds;
import dev.agora.chain.event.EventSink;
import dev.agora.chain.event.EventType;
import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.trust.Passports;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.time.Clock;
import java.time.Duration;

/**
 * Records every call attempt, whatever happens to it: a {@code CapabilityCall} event as it enters,
 * then a {@code CapabilityResult} (success or error, with duration and cost) or, when the policy or
 * the security context refused it, a {@code PolicyDenied} — and counts it in the metrics. The
 * outermost stage, so it sees every failure of the stages inside. A call that asked for a receipt
 * gets one made from where its result was recorded (issue 14).
 */
final class RecordEvents implements Stage {

  /** The metadata keys naming the definition that ran and its passport. */
  static final Value DEFINITION = Value.keyword("definition");

  static final Value ATTESTATION = Value.keyword("attestation");

  private final EventSink sink;
  private final Clock clock;
  private final CallMetrics metrics;
  private final ReceiptIssuer receipts;
  private final boolean traced;

  /**
   * {@code receipts}: makes the receipt of a call that asks for one (null: none is made); {@code
   * traced}: the call runs under its span ({@link Traced}), whose ids the call's event carries.
   */
  RecordEvents(
      EventSink sink, Clock clock, CallMetrics metrics, ReceiptIssuer receipts, boolean traced) {
    this.sink = sink;
    this.clock = clock;
    this.metrics = metrics;
    this.receipts = receipts;
    this.traced = traced;
  }

  @Override
  public Value apply(Call call, Next next) {
    CallRequest r = call.request;
    call.callId = EventIds.next();
    Event called =
        Event.of(
                call.callId,
                EventType.CapabilityCall,
                clock.instant(),
                r.parentId(),
                r.planId(),
                r.caller().identity())
            .withCapability(r.capabilityId(), r.version())
            .withArguments(r.input());
    if (traced) {
      called = Traced.traced(called);
    }
    // Held by a durable chain and committed with the outcome: one commit per call (issue 13).
    record(called, true, r, "the call was not made");
    Value result;
    try {
      result = next.invoke(call);
    } catch (AgoraError e) {
      metrics.completed(r.capabilityId(), provider(call), call.elapsed(), e.kind().name());
      EventType type =
          e instanceof AgoraError.AccessDenied || e instanceof AgoraError.SecurityViolation
              ? EventType.PolicyDenied
              : EventType.CapabilityResult;
      record(
          outcome(call, type)
              .withError(e.kind().name(), e.getMessage(), Duration.ofNanos(call.elapsed())),
          false,
          r,
          "it failed with: " + e.getMessage());
      throw e;
    }
    metrics.completed(r.capabilityId(), provider(call), call.elapsed(), null);
    Event done =
        outcome(call, EventType.CapabilityResult)
            .withResult(
                result, Duration.ofNanos(call.elapsed()), call.manifest.sla().costPerCall());
    boolean receipt = call.wantsReceipt && receipts != null;
    if (receipt) { // the receipt's digests are recorded with the result (issue 14)
      done = receipts.bind(done, r.input(), result, definition(call));
    }
    EventSink.Placed placed = record(done, false, r, "the call ran but its result is withheld");
    if (receipt) {
      call.receipt = receipts.issue(done, placed, call.callId);
    }
    return result;
  }

  private static String definition(Call call) {
    return call.manifest.provenance() == null ? null : call.manifest.provenance().contentHash();
  }

  private static String provider(Call call) {
    return call.manifest == null ? "none" : call.manifest.provider().type();
  }

  /**
   * Records an event; a sink that cannot record makes the call fail with {@link
   * AgoraError.NotRecorded} — out of memory too, named as such whatever the JDK wrapped it in (a
   * "Self-suppression not permitted" of a try-with-resources that met the JVM's shared
   * OutOfMemoryError twice, issue 12). Other Errors pass as themselves.
   */
  private EventSink.Placed record(Event e, boolean withNext, CallRequest r, String consequence) {
    try {
      if (withNext) {
        sink.acceptWithNext(e);
        return null;
      }
      return sink.acceptPlaced(e);
    } catch (RuntimeException | OutOfMemoryError failure) {
      throw new AgoraError.NotRecorded(
          r.capabilityId(),
          "the Causal Chain could not record "
              + e.type()
              + " ("
              + Failures.describe(failure)
              + "); "
              + consequence,
          failure);
    }
  }

  private Event outcome(Call call, EventType type) {
    CallRequest r = call.request;
    String version = call.manifest == null ? r.version() : call.manifest.version();
    Event e =
        Event.of(
                EventIds.next(),
                type,
                clock.instant(),
                call.callId,
                r.planId(),
                r.caller().identity())
            .withCapability(r.capabilityId(), version);
    Dict notes = call.notes();
    Dict meta = definition(call.manifest, notes == null ? Dict.EMPTY : notes);
    return meta.isEmpty() ? e : e.withMetadata(meta);
  }

  /**
   * Which definition ran: the digest of the manifest ({@code definition}) and the id of the
   * passport that vouched for it ({@code attestation}), so the chain proves what was behind the id.
   */
  private static Dict definition(CapabilityManifest m, Dict notes) {
    if (m == null || m.provenance() == null) {
      return notes;
    }
    Dict.Builder b = notes.toBuilder().put(DEFINITION, Value.of(m.provenance().contentHash()));
    String passport = Passports.id(m.attestation());
    if (passport != null) {
      b.put(ATTESTATION, Value.of(passport));
    }
    return b.build();
  }
}
