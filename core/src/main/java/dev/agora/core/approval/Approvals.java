package dev.agora.core.approval;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventIds;
import dev.agora.chain.event.EventSink;
import dev.agora.chain.event.EventType;
import dev.agora.core.error.AgoraError;
import dev.agora.core.json.Json;
import dev.agora.core.json.JsonException;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Approvals bound to the exact call ({@link Approval}): the call path asks {@link #admit} before a
 * call that needs one runs; operators {@link #approve} or {@link #deny}. Every step is recorded in
 * the Causal Chain — {@code ApprovalRequested}, {@code ApprovalGranted}, {@code ApprovalDenied},
 * {@code ApprovalUsed} — with the approval's id in the event's metadata.
 */
public final class Approvals {

  /** How a waiting call passes the time between two looks at the store. */
  @FunctionalInterface
  public interface Pause {
    void pause(Duration d) throws InterruptedException;
  }

  private static final Duration POLL = Duration.ofMillis(200);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ApprovalStore store;
  private final Supplier<ApprovalSettings> settings;
  private final EventSink sink;
  private final Clock clock;
  private final Pause pause;

  /**
   * @param settings read on every call, so a reloaded configuration applies at once
   * @param pause how a waiting call waits ({@link Thread#sleep(Duration)} outside tests)
   */
  public Approvals(
      ApprovalStore store,
      Supplier<ApprovalSettings> settings,
      EventSink sink,
      Clock clock,
      Pause pause) {
    this.store = store;
    this.settings = settings;
    this.sink = sink;
    this.clock = clock;
    this.pause = pause;
  }

  /**
   * Lets a call that needs approval through once: when an unexpired approval of exactly this call
   * (capability, definition, arguments, caller) has been given, it is used up and the call runs.
   * Otherwise the call waits up to the configured time for a pending approval (asking for one if
   * there is none) and then fails.
   *
   * @param why what asks for the approval (a rule's name, {@code approval: required})
   * @param callId the recorded call, the parent of the approval's events
   * @throws AgoraError.ApprovalRequired naming the approval to ask an operator for
   * @throws AgoraError.AccessDenied when an operator denied this very call
   */
  public void admit(
      CapabilityManifest m, Value args, String caller, String why, String callId, String planId) {
    String canonical;
    try {
      canonical = Json.canonical(args);
    } catch (JsonException e) {
      throw new AgoraError.AccessDenied(
          m.id(), "its arguments have no JSON form to bind an approval to", why);
    }
    Binding b = Binding.of(m, canonical, caller);
    Instant giveUp = clock.instant().plus(settings.get().maxWait());
    Approval a = current(b);
    if (a == null) {
      a = request(b, canonical, why, callId, planId);
    }
    while (true) {
      switch (a.status()) {
        case APPROVED -> {
          if (store.transition(
              Approval.Status.APPROVED, a.with(Approval.Status.USED, a.decidedBy(), null))) {
            record(EventType.ApprovalUsed, a, callId, planId, caller);
            return;
          }
        }
        case DENIED ->
            throw new AgoraError.AccessDenied(
                m.id(),
                "approval " + a.id() + " was denied by " + a.decidedBy() + ": " + a.note(),
                why);
        default -> {
          Duration left = Duration.between(clock.instant(), giveUp);
          if (left.isNegative() || left.isZero()) {
            throw new AgoraError.ApprovalRequired(m.id(), a.id(), why);
          }
          waitFor(m.id(), left.compareTo(POLL) < 0 ? left : POLL);
        }
      }
      Approval now = current(b);
      a = now == null ? request(b, canonical, why, callId, planId) : now;
    }
  }

  /** The latest approval of {@code b} that can still be decided or used, or null. */
  private Approval current(Binding b) {
    Approval a = store.latest(b.digest()).orElse(null);
    return a == null || a.status() == Approval.Status.USED || a.expired(clock.instant()) ? null : a;
  }

  private Approval request(Binding b, String canonical, String why, String callId, String planId) {
    Instant now = clock.instant();
    Approval a =
        new Approval(
            HexFormat.of().formatHex(id()),
            b,
            why,
            canonical,
            now,
            now.plus(settings.get().ttl()),
            Approval.Status.PENDING,
            null,
            null);
    store.add(a);
    record(EventType.ApprovalRequested, a, callId, planId, b.caller());
    return a;
  }

  private static byte[] id() {
    byte[] bytes = new byte[8];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  private void waitFor(String capabilityId, Duration d) {
    try {
      pause.pause(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AgoraError.Cancelled(capabilityId, "interrupted while waiting for approval");
    }
  }

  /** Every approval, most recent first. */
  public List<Approval> list() {
    return store.all();
  }

  /**
   * Approves {@code id} for its one call.
   *
   * @throws ApprovalException when there is no such approval, it has expired, or it was already
   *     decided or used
   */
  public Approval approve(String id, String by) {
    return decide(id, Approval.Status.APPROVED, by, null, EventType.ApprovalGranted);
  }

  /** Denies {@code id}: the call it is for fails with {@code reason}; as {@link #approve}. */
  public Approval deny(String id, String by, String reason) {
    return decide(id, Approval.Status.DENIED, by, reason, EventType.ApprovalDenied);
  }

  private Approval decide(String id, Approval.Status to, String by, String note, EventType type) {
    Approval a =
        store
            .get(id)
            .orElseThrow(
                () ->
                    new ApprovalException(
                        ApprovalException.Reason.UNKNOWN, id, "no approval '" + id + "'"));
    if (a.status() == Approval.Status.PENDING && a.expired(clock.instant())) {
      throw new ApprovalException(
          ApprovalException.Reason.EXPIRED,
          id,
          "approval " + id + " expired at " + a.expiresAt() + "; the caller must ask again");
    }
    Approval next = a.with(to, by, note);
    if (a.status() != Approval.Status.PENDING || !store.transition(Approval.Status.PENDING, next)) {
      Approval now = store.get(id).orElse(a);
      throw now.status() == Approval.Status.USED
          ? new ApprovalException(
              ApprovalException.Reason.USED, id, "approval " + id + " was already used")
          : new ApprovalException(
              ApprovalException.Reason.DECIDED,
              id,
              "approval "
                  + id
                  + " was already "
                  + now.status().name().toLowerCase(Locale.ROOT)
                  + " by "
                  + now.decidedBy());
    }
    record(type, next, null, null, by);
    return next;
  }

  private void record(EventType type, Approval a, String parentId, String planId, String caller) {
    Binding b = a.binding();
    Dict.Builder meta =
        Dict.builder()
            .put("approval", Value.of(a.id()))
            .put("why", Value.of(a.why()))
            .put("definition_digest", Value.of(b.definitionDigest()))
            .put("arguments_digest", Value.of(b.argumentsDigest()))
            .put("caller", Value.of(b.caller()))
            .put("expires_at", Value.of(a.expiresAt().toString()));
    if (a.note() != null) {
      meta.put("reason", Value.of(a.note()));
    }
    sink.accept(
        Event.of(EventIds.next(), type, clock.instant(), parentId, planId, caller)
            .withCapability(b.capabilityId(), null)
            .withMetadata(meta.build()));
  }
}
