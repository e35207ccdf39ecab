package dev.agora.chain;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventSink;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.util.Objects;

/**
 * Makes the {@link Receipt} of a recorded call: with {@link Receipt.Mode#IMMEDIATE} signed by the
 * node's key at once (one Ed25519 signature per call), with {@link Receipt.Mode#BATCHED} unsigned,
 * to be completed by an inclusion proof against a checkpoint the node signs once for many calls.
 */
public final class ReceiptIssuer {

  private final Receipt.Mode mode;
  private final ChainKey key;
  private final String log;

  /**
   * @param log the origin of the log the calls are recorded in ({@link Ledger#origin})
   */
  public ReceiptIssuer(Receipt.Mode mode, ChainKey key, String log) {
    this.mode = Objects.requireNonNull(mode, "mode");
    this.key = Objects.requireNonNull(key, "key");
    this.log = Objects.requireNonNull(log, "log");
  }

  public Receipt.Mode mode() {
    return mode;
  }

  /** The key that signs receipts and checkpoints. */
  public VerifierKey verifier() {
    return key.verifier();
  }

  /**
   * {@code outcome} carrying, in its metadata under {@code :receipt}, the digests its receipt will
   * name ({@link Receipt#binding}): recorded with the entry, so an inclusion proof of the entry
   * binds them as a signature would. {@code outcome} itself when receipts are off.
   *
   * @param definition the capability's definition digest, or null
   */
  public Event bind(Event outcome, Value arguments, Value result, String definition) {
    if (mode == Receipt.Mode.OFF) {
      return outcome;
    }
    Dict b = Receipt.binding(Receipt.digest(arguments), Receipt.digest(result), definition);
    return outcome.withMetadata(outcome.metadata().toBuilder().put(Receipt.BINDING, b).build());
  }

  /**
   * The receipt of a call whose outcome, {@linkplain #bind bound}, was recorded where {@code
   * placed} says (null from a sink that keeps no log: then the leaf is of the event as given and
   * there is no index); null when receipts are off.
   *
   * @param callId the id of the call's {@code CapabilityCall} event
   */
  public Receipt issue(Event outcome, EventSink.Placed placed, String callId) {
    if (mode == Receipt.Mode.OFF) {
      return null;
    }
    Dict b = (Dict) outcome.metadata().get(Receipt.BINDING);
    Value definition = b.get("definition");
    Receipt r =
        new Receipt(
            log,
            outcome.id(),
            callId,
            outcome.capabilityId(),
            outcome.capabilityVersion(),
            outcome.at(),
            placed == null ? -1 : placed.index(),
            placed == null ? Hashes.leaf(Canonical.encode(outcome)) : placed.leafHash(),
            ((Value.Str) b.get("arguments")).value(),
            ((Value.Str) b.get("result")).value(),
            definition == null ? null : ((Value.Str) definition).value(),
            null,
            null);
    return mode == Receipt.Mode.IMMEDIATE ? r.signed(key) : r;
  }
}
