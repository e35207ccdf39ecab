package dev.agora.core.store;

import dev.agora.core.chain.ChainHead;
import dev.agora.core.chain.ChainQuery;
import dev.agora.core.chain.Checkpoint;
import dev.agora.core.chain.Entry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Everything in memory, gone at exit: for tests, benchmarks and {@code storage: memory}. Queries
 * filter the whole list (the SQL stores use indexes).
 */
public final class MemoryStore implements Store, ChainStore {

  private final ReentrantLock lock = new ReentrantLock();
  private final List<Entry> entries = new ArrayList<>();
  private final Map<String, Entry> byId = new java.util.HashMap<>();
  private final List<Checkpoint> checkpoints = new ArrayList<>();
  private final Map<String, RegistryStore.Stored> manifests = new LinkedHashMap<>();
  private ChainHead head = ChainHead.EMPTY;
  private String origin;

  @Override
  public ChainStore chain() {
    return this;
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

  @Override
  public ChainHead.Extension append(Function<ChainHead, ChainHead.Extension> extend) {
    lock.lock();
    try {
      ChainHead.Extension x = extend.apply(head);
      for (Entry e : x.entries()) {
        entries.add(e);
        byId.putIfAbsent(e.columns().actionId(), e);
      }
      head = x.head();
      return x;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public ChainHead head() {
    lock.lock();
    try {
      return head;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void scan(long from, long to, Consumer<Entry> each) {
    for (Entry e :
        snapshot((int) Math.min(from, Integer.MAX_VALUE), (int) Math.min(to, Integer.MAX_VALUE))) {
      each.accept(e);
    }
  }

  private List<Entry> snapshot(int from, int to) {
    lock.lock();
    try {
      return new ArrayList<>(
          entries.subList(Math.min(from, entries.size()), Math.min(to, entries.size())));
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<Entry> query(ChainQuery q) {
    if (q.actionId() != null) {
      Entry e;
      lock.lock();
      try {
        e = byId.get(q.actionId());
      } finally {
        lock.unlock();
      }
      return e != null && q.matches(e) ? List.of(e) : List.of();
    }
    List<Entry> out = new ArrayList<>();
    for (Entry e : snapshot(0, Integer.MAX_VALUE)) {
      if (q.matches(e)) {
        out.add(e);
        if (q.limit() > 0 && out.size() == q.limit()) {
          break;
        }
      }
    }
    return out;
  }

  @Override
  public List<byte[]> leafHashes(long from, long to) {
    return snapshot((int) from, (int) Math.min(to, Integer.MAX_VALUE)).stream()
        .map(Entry::leafHash)
        .toList();
  }

  @Override
  public void addCheckpoint(Checkpoint c) {
    lock.lock();
    try {
      if (!checkpoints.contains(c)) {
        checkpoints.add(c);
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<Checkpoint> checkpoints() {
    lock.lock();
    try {
      return List.copyOf(checkpoints);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String origin(String proposed) {
    lock.lock();
    try {
      if (origin == null) {
        origin = proposed;
      }
      return origin;
    } finally {
      lock.unlock();
    }
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
        .sorted(java.util.Comparator.comparing(RegistryStore.Stored::id))
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
    public Store open(Map<String, String> settings, java.nio.file.Path dataDir) {
      return new MemoryStore();
    }
  }
}
