package dev.agora.core.call.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Quota counters in this process's memory: what one node counts alone. Updates take one lock for
 * the store, so the counters of one call change together or not at all.
 */
final class MemoryQuotaStore implements QuotaStore {

  /** Counters whose window has ended are dropped once this many are kept. */
  static final int PRUNE_ABOVE = 10_000;

  private final Map<Key, Counter> counters = new HashMap<>();

  @Override
  public synchronized List<Counter> update(List<Key> keys, UnaryOperator<List<Counter>> next) {
    List<Counter> after = next.apply(read(keys));
    if (after.size() != keys.size()) {
      throw new IllegalArgumentException(
          keys.size() + " counters read, " + after.size() + " given back");
    }
    for (int i = 0; i < keys.size(); i++) {
      counters.put(keys.get(i), after.get(i));
    }
    return after;
  }

  @Override
  public synchronized List<Counter> read(List<Key> keys) {
    List<Counter> out = new ArrayList<>(keys.size());
    for (Key k : keys) {
      out.add(counters.getOrDefault(k, Counter.NONE));
    }
    return out;
  }

  /** Drops the counters whose window has ended, once more than {@link #PRUNE_ABOVE} are kept. */
  @Override
  public synchronized void forget(long now) {
    if (counters.size() > PRUNE_ABOVE) {
      counters.values().removeIf(c -> c.windowEnd() <= now);
    }
  }

  /** How many counters are kept. */
  synchronized int size() {
    return counters.size();
  }
}
