package dev.agora.chain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A Causal Chain in memory, gone at exit: for tests, benchmarks and {@code storage: memory}.
 * Queries filter the whole list (the SQL stores use indexes).
 */
public final class MemoryChainStore implements ChainStore {

  private final ReentrantLock lock = new ReentrantLock();
  private final List<Entry> entries = new ArrayList<>();
  private final Map<String, Entry> byId = new HashMap<>();
  private final List<Checkpoint> checkpoints = new ArrayList<>();
  private ChainHead head = ChainHead.EMPTY;
  private String origin;

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
  public Optional<String> storedOrigin() {
    lock.lock();
    try {
      return Optional.ofNullable(origin);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long storedEnd() {
    lock.lock();
    try {
      return entries.stream().mapToLong(e -> e.index() + 1).max().orElse(0);
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
}
