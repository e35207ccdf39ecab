package dev.agora.core.call.policy;

import dev.agora.core.call.policy.QuotaStore.Counter;
import dev.agora.core.call.policy.QuotaStore.Key;
import dev.agora.core.error.AgoraError;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code policy.quotas} ({@link QuotaRule}) have counted: for each rule and scope, the calls
 * and cost units of the current window, kept in a {@link QuotaStore} — the node's memory, or the
 * database every node shares (issue 18), so that a quota holds across them. Kept by the node, not
 * by the policy, so a reloaded policy gives no one a fresh allowance: a rule is known by its name.
 */
public final class Quotas {

  /**
   * What one counter has used of its rule in the current window, and when that window ends.
   *
   * @param scope whose calls it counts: a caller's identity, a tenant's name, or {@code *}
   */
  public record Usage(QuotaRule rule, String scope, long calls, double cost, Instant renews) {}

  private final Clock clock;
  private final QuotaStore store;

  /** Counting in this node's memory. */
  public Quotas(Clock clock) {
    this(clock, new MemoryQuotaStore());
  }

  public Quotas(Clock clock, QuotaStore store) {
    this.clock = clock;
    this.store = store;
  }

  /**
   * Charges one call of {@code cost} units to {@code caller}'s counter of each of {@code rules}, or
   * to none: when one would go over, the call is refused ({@link AgoraError.LimitExceeded}, naming
   * the rule and when it renews) and nothing is charged.
   *
   * @return what each rule that counts the caller has used now, the call included
   */
  public List<Usage> charge(List<QuotaRule> rules, String id, SecurityContext caller, double cost) {
    long now = clock.millis();
    List<QuotaRule> counting = counting(rules, caller);
    if (counting.isEmpty()) {
      return List.of();
    }
    store.forget(now);
    List<Key> keys = keys(counting, caller);
    List<Counter> after =
        store.update(
            keys,
            before -> {
              List<Counter> next = new ArrayList<>(before.size());
              for (int i = 0; i < before.size(); i++) {
                QuotaRule r = counting.get(i);
                Counter c = current(r, before.get(i), now);
                if ((r.calls() != null && c.calls() + 1 > r.calls())
                    || (r.cost() != null && c.cost() + cost > r.cost())) {
                  throw refusal(id, r, keys.get(i).scope(), c);
                }
                next.add(
                    new Counter(c.windowStart(), c.windowEnd(), c.calls() + 1, c.cost() + cost));
              }
              return next;
            });
    return usages(counting, keys, after);
  }

  /** What {@code caller} has used of each of {@code rules} that counts its calls. */
  public List<Usage> usage(List<QuotaRule> rules, SecurityContext caller) {
    long now = clock.millis();
    List<QuotaRule> counting = counting(rules, caller);
    List<Key> keys = keys(counting, caller);
    List<Counter> read = store.read(keys);
    List<Counter> current = new ArrayList<>(read.size());
    for (int i = 0; i < read.size(); i++) {
      current.add(current(counting.get(i), read.get(i), now));
    }
    return usages(counting, keys, current);
  }

  /** The rules of {@code rules} that count {@code caller}'s calls. */
  private static List<QuotaRule> counting(List<QuotaRule> rules, SecurityContext caller) {
    return rules.stream().filter(r -> r.scope(caller) != null).toList();
  }

  private static List<Key> keys(List<QuotaRule> counting, SecurityContext caller) {
    return counting.stream().map(r -> new Key(r.name(), r.scope(caller))).toList();
  }

  /**
   * {@code c} if its window is {@code r}'s window now — or a later one, which a node whose clock is
   * ahead of this one's opened on a shared store: a window never moves back, so nodes whose clocks
   * differ by a little count into the same window instead of resetting each other's — else that
   * window afresh.
   */
  private static Counter current(QuotaRule r, Counter c, long now) {
    long length = r.window().toMillis();
    long start = now - Math.floorMod(now, length);
    return c.windowStart() >= start && c.windowEnd() - c.windowStart() == length
        ? c
        : new Counter(start, start + length, 0, 0);
  }

  private static AgoraError.LimitExceeded refusal(String id, QuotaRule r, String scope, Counter c) {
    return new AgoraError.LimitExceeded(
        id,
        "quota "
            + r.name()
            + " used up ("
            + r.describe()
            + ": "
            + c.calls()
            + " calls, "
            + c.cost()
            + " cost units so far by '"
            + scope
            + "'); it renews at "
            + Instant.ofEpochMilli(c.windowEnd()));
  }

  private static List<Usage> usages(List<QuotaRule> rules, List<Key> keys, List<Counter> counters) {
    List<Usage> out = new ArrayList<>(rules.size());
    for (int i = 0; i < rules.size(); i++) {
      Counter c = counters.get(i);
      out.add(
          new Usage(
              rules.get(i),
              keys.get(i).scope(),
              c.calls(),
              c.cost(),
              Instant.ofEpochMilli(c.windowEnd())));
    }
    return out;
  }
}
