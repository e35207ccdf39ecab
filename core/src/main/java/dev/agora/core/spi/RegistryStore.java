package dev.agora.core.spi;

import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * The registry's manifests, kept so a restart has them again: each as its data form printed in RTFS
 * syntax (lossless — keywords, schemas and all — and what {@code Manifests} reads), keyed by id and
 * version.
 */
public interface RegistryStore {

  /** A stored manifest: its RTFS text, the source that registered it, and when. */
  record Stored(String id, String version, String source, String manifest, Instant registeredAt) {}

  void put(Stored manifest);

  /** Removes one version; returns whether it was there. */
  boolean remove(String id, String version);

  /** Every stored manifest, ordered by id then insertion. */
  List<Stored> all();

  /**
   * What changes whenever a manifest is stored or removed, for a node to see cheaply whether
   * another node on the store changed the registry (issue 18); null for a store no other node
   * shares.
   */
  default String fingerprint() {
    return null;
  }

  /**
   * Runs {@code onChange} soon after another node stores or removes a manifest (PostgreSQL:
   * LISTEN/NOTIFY), until the returned handle is closed; null when the store cannot tell, and the
   * node relies on its periodic look at the {@link #fingerprint}. Listening that fails is said to
   * {@code log}.
   */
  default AutoCloseable changes(Runnable onChange, Consumer<String> log) {
    return null;
  }
}
