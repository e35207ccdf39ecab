package dev.agora.core;

import dev.agora.chain.CausalChain;
import dev.agora.chain.ChainKey;
import dev.agora.chain.Entry;
import dev.agora.chain.Ledger;
import dev.agora.chain.Receipt;
import dev.agora.chain.ReceiptIssuer;
import dev.agora.chain.event.EventSink;
import dev.agora.chain.event.EventType;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ReceiptsSection;
import dev.agora.core.spi.Store;
import dev.agora.core.spi.StoreException;
import dev.agora.core.store.Stores;
import dev.agora.rtfs.Dict;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * One running Agora: the configured store, the node's signing key, the Causal Chain writing to that
 * store, and a marketplace whose every event and registration goes there. What {@code agora run},
 * {@code agora caps}, {@code agora chain} and {@code agora serve} start; closing it closes all of
 * it, in order (marketplace, then the ledger with its final checkpoint, then the store).
 */
public final class AgoraNode implements AutoCloseable {

  private final AgoraConfig config;
  private final Store store;
  private final Ledger ledger;
  private final CausalChain chain;
  private final Marketplace marketplace;

  private AgoraNode(AgoraConfig config, Store store, Ledger ledger, Marketplace marketplace) {
    this.config = config;
    this.store = store;
    this.ledger = ledger;
    this.chain = new CausalChain(ledger, config.chain().trustedKeys());
    this.marketplace = marketplace;
  }

  /**
   * Opens the store and key and builds the marketplace (not yet bootstrapped). {@code trace} also
   * receives every event (after the chain has it); {@code log} gets warnings.
   */
  public static AgoraNode open(AgoraConfig config, EventSink trace, Consumer<String> log) {
    Path dataDir = config.dataDirOrDefault();
    Store store = Stores.open(config.storage().type(), config.storage().settings(), dataDir);
    try {
      ChainKey key =
          config.storage().type().equals("memory")
              ? ChainKey.generate(defaultKeyName()) // nothing on disk for an in-memory node
              : ChainKey.loadOrCreate(dataDir, defaultKeyName());
      Ledger ledger = new Ledger(store.chain(), key, config.chain().settings(), log);
      EventSink sink = trace == EventSink.NONE ? ledger : EventSink.both(ledger, trace);
      Marketplace m =
          Marketplace.builder()
              .config(config)
              .sink(sink)
              .registryStore(store.registry(scope(config)))
              .approvalStore(store.approvals())
              .quotaStore(store.quotas())
              .pinStore(store.pins())
              .log(log)
              .receipts(new ReceiptIssuer(ReceiptsSection.of(config), key, ledger.origin()))
              .nodeKey(key)
              .build();
      return new AgoraNode(config, store, ledger, m);
    } catch (IOException e) {
      store.close();
      throw new StoreException("could not read or create the node key in " + dataDir, e);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /**
   * Whose runtime registrations these are: the configuration file's absolute path, or {@code ""}
   * without one — nodes with other configurations sharing the data directory keep theirs apart.
   */
  static String scope(AgoraConfig config) {
    return config.file() == null
        ? ""
        : Path.of(config.file()).toAbsolutePath().normalize().toString();
  }

  private static String defaultKeyName() {
    return "agora-" + HexFormat.of().toHexDigits(new SecureRandom().nextInt());
  }

  public AgoraConfig config() {
    return config;
  }

  public Marketplace marketplace() {
    return marketplace;
  }

  public CausalChain chain() {
    return chain;
  }

  public Ledger ledger() {
    return ledger;
  }

  public Store store() {
    return store;
  }

  /**
   * {@code r} completed by the inclusion proof of its entry against a checkpoint the node signs now
   * (one for every receipt completed until the log grows): what makes a batched receipt good, and
   * gives a signed one its place in the log. Writes what is queued first.
   */
  public Receipt complete(Receipt r) {
    ledger.flush();
    return r.withProof(chain.prove(r.action()));
  }

  /**
   * The receipt of a recorded call, made again from the log: {@code actionId} names the call's
   * {@code CapabilityCall} or its outcome. Unsigned and completed by the entry's inclusion proof,
   * which makes it good however receipts were made when the call ran; empty when there is no such
   * action, or it is not a call recorded with receipts on (its outcome binds no digests).
   */
  public Optional<Receipt> receipt(String actionId) {
    ledger.flush();
    Optional<Entry> found = chain.get(actionId);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    Stream<Entry> candidates =
        found.get().action().type() == EventType.CapabilityCall
            ? chain.children(actionId).stream()
            : Stream.of(found.get());
    return candidates
        .filter(e -> e.action().metadata().get(Receipt.BINDING) instanceof Dict)
        .findFirst()
        .map(
            e ->
                complete(
                    new ReceiptIssuer(Receipt.Mode.BATCHED, ledger.key(), ledger.origin())
                        .issue(
                            e.action(),
                            new EventSink.Placed(e.index(), e.leafHash()),
                            e.action().parentId())));
  }

  @Override
  public void close() {
    try {
      marketplace.close();
    } finally {
      try {
        ledger.close();
      } finally {
        store.close();
      }
    }
  }
}
