package dev.agora.core;

import dev.agora.chain.CausalChain;
import dev.agora.chain.ChainKey;
import dev.agora.chain.Verifier;
import dev.agora.chain.VerifierKey;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.spi.Store;
import dev.agora.core.spi.StoreException;
import dev.agora.core.store.Stores;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A node's Causal Chain at rest, checked without starting the node ({@code agora chain verify}).
 * The store is opened read-only and the node's public key is read, never created: a deleted store,
 * a missing key or a database without the chain's tables is an error, not a fresh empty log that
 * verifies.
 */
public final class StoredChain {

  private StoredChain() {}

  /**
   * Verifies the configured store against the node's key and {@code chain.trusted_keys}, requiring
   * a checkpoint signed by one of them ({@link CausalChain#audit}). Nothing to verify — no store,
   * no key, no chain in the database — is a {@link StoreException} or {@code ChainFormatException}
   * saying which.
   */
  public static Verifier.Report verify(AgoraConfig config) {
    Path dataDir = config.dataDirOrDefault();
    try (Store store =
        Stores.openReadOnly(config.storage().type(), config.storage().settings(), dataDir)) {
      VerifierKey key = ChainKey.readVerifier(dataDir);
      String origin =
          store
              .chain()
              .storedOrigin()
              .orElseThrow(
                  () ->
                      new StoreException(
                          store.describe()
                              + " names no log (no origin in chain_meta): no node has written to"
                              + " it, or its rows were removed"));
      List<VerifierKey> trusted =
          Stream.concat(Stream.of(key), config.chain().trustedKeys().stream()).distinct().toList();
      return CausalChain.audit(store.chain(), origin, trusted);
    } catch (IOException e) {
      throw new StoreException("could not read the node key in " + dataDir, e);
    }
  }
}
