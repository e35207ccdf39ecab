package dev.agora.core.store;

import dev.agora.chain.ChainStore;
import dev.agora.chain.MemoryChainStore;
import dev.agora.core.approval.ApprovalStore;
import dev.agora.core.approval.MemoryApprovalStore;
import dev.agora.core.spi.RegistryStore;
import dev.agora.core.spi.Store;
import dev.agora.core.spi.StoreException;
import dev.agora.core.spi.StoreProvider;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything in memory, gone at exit: for tests, benchmarks and {@code storage: memory}. The chain
 * is a {@link MemoryChainStore}.
 */
public final class MemoryStore implements Store {

  private final MemoryChainStore chain = new MemoryChainStore();
  private final Map<String, RegistryStore.Stored> manifests = new LinkedHashMap<>();
  private final MemoryApprovalStore approvals = new MemoryApprovalStore();

  @Override
  public ApprovalStore approvals() {
    return approvals;
  }

  @Override
  public ChainStore chain() {
    return chain;
  }

  @Override
  public RegistryStore registry(String scope) {
    return new RegistryStore() {
      @Override
      public void put(Stored m) {
        MemoryStore.this.put(scope, m);
      }

      @Override
      public boolean remove(String id, String version) {
        return MemoryStore.this.remove(scope, id, version);
      }

      @Override
      public List<Stored> all() {
        return MemoryStore.this.all(scope);
      }
    };
  }

  @Override
  public String describe() {
    return "memory";
  }

  // ---- Registry: scope + "|" + id + "@" + version ----

  private synchronized void put(String scope, RegistryStore.Stored m) {
    manifests.put(scope + "|" + m.id() + "@" + m.version(), m);
  }

  private synchronized boolean remove(String scope, String id, String version) {
    boolean mine = manifests.remove(scope + "|" + id + "@" + version) != null;
    return manifests.remove("*|" + id + "@" + version) != null || mine;
  }

  private synchronized List<RegistryStore.Stored> all(String scope) {
    return manifests.entrySet().stream()
        .filter(e -> e.getKey().startsWith(scope + "|") || e.getKey().startsWith("*|"))
        .map(Map.Entry::getValue)
        .sorted(Comparator.comparing(RegistryStore.Stored::id))
        .toList();
  }

  @Override
  public void close() {}

  /** The {@code memory} store type. */
  public static final class Provider implements StoreProvider {
    @Override
    public String type() {
      return "memory";
    }

    @Override
    public Store open(Map<String, String> settings, Path dataDir) {
      return new MemoryStore();
    }

    @Override
    public Store openReadOnly(Map<String, String> settings, Path dataDir) {
      throw new StoreException(
          "storage type 'memory' keeps nothing between runs: there is no stored Causal Chain to"
              + " read");
    }
  }
}
