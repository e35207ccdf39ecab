package dev.agora.core.call.policy;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Where the counters of {@code policy.quotas} are kept: in the node's memory, or in the database
 * the nodes share, so that a quota holds across every node on it (issue 18). A counter is named by
 * its rule and scope (a caller, a tenant, or {@code *}) and holds the start of its window and what
 * was charged in it; what the numbers mean is the caller's business ({@code
 * dev.agora.core.call.policy.Quotas}).
 */
public interface QuotaStore {

  /** A counter's name. */
  record Key(String rule, String scope) {}

  /**
   * A counter: its window (epoch millis, from inclusive, to exclusive) and the calls and cost units
   * charged in it.
   */
  record Counter(long windowStart, long windowEnd, long calls, double cost) {
    /** A counter never charged. */
    public static final Counter NONE = new Counter(Long.MIN_VALUE, Long.MIN_VALUE, 0, 0);
  }

  /**
   * Atomically for all of {@code keys} together, against every other update on the store: reads
   * their counters ({@link Counter#NONE} for one never charged), asks {@code next} for their new
   * values (in the same order), and stores them. When {@code next} throws, nothing is stored and
   * the exception passes through.
   *
   * @return the counters stored
   */
  List<Counter> update(List<Key> keys, UnaryOperator<List<Counter>> next);

  /** The counters of {@code keys} now ({@link Counter#NONE} for one never charged). */
  List<Counter> read(List<Key> keys);

  /**
   * May drop the counters whose window ended at or before {@code now} (they would start afresh
   * anyway); a store may keep them.
   */
  default void forget(long now) {}
}
