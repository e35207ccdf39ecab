package dev.agora.server;

import dev.agora.core.call.policy.QuotaStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * {@code server.limits} kept where every node on one database takes from them (issue 18): each
 * caller's (and tenant's) two token buckets are one counter of the shared {@link QuotaStore}, read,
 * refilled and taken from in one transaction — so a caller's rate holds across all the nodes behind
 * a load balancer, as on one node. A counter holds the time of the last refill ({@code
 * windowStart}, epoch millis), when the bucket is full again at the latest ({@code windowEnd},
 * after which the counter may be forgotten: a full bucket is what a new caller gets), the calls
 * left ({@code cost}) and the bytes left ({@code calls}).
 *
 * <p>A request's body bytes are charged with its caller's next request rather than in a transaction
 * of their own (one round trip per request); a body larger than the burst still leaves a debt to
 * wait out.
 */
final class SharedBuckets {

  /** A bucket after a take: its new counter, and 0 if the call was let in, else when to retry. */
  record Taken(QuotaStore.Counter counter, long retryAfterSeconds) {}

  private final QuotaStore store;
  private final LongSupplier millis;
  private final Map<String, AtomicLong> unchargedBytes = new ConcurrentHashMap<>();

  /** A refusal, and until when (epoch millis) it stands. */
  private record Waiting(RateLimits.Refusal refusal, long until) {}

  private final Map<String, Waiting> refused = new ConcurrentHashMap<>();

  SharedBuckets(QuotaStore store, LongSupplier millis) {
    this.store = store;
    this.millis = millis;
  }

  /**
   * Takes one call from the buckets of {@code who} ({@code kind}: caller or tenant). A caller
   * refused is refused here, without asking the database, until the time it was told to come back.
   */
  RateLimits.Refusal take(String kind, String who, ServerSettings.Limit limit) {
    String name = kind + " " + who;
    RateLimits.Refusal waiting = refusedUntil(name);
    if (waiting != null) {
      return waiting;
    }
    RateLimits.Refusal r = takeShared(kind, who, limit);
    if (r != null) {
      if (refused.size() >= RateLimits.PRUNE_ABOVE) {
        long now = millis.getAsLong();
        refused.values().removeIf(x -> x.until() <= now);
      }
      refused.put(name, new Waiting(r, millis.getAsLong() + r.retryAfterSeconds() * 1000));
    }
    return r;
  }

  private RateLimits.Refusal refusedUntil(String name) {
    Waiting w = refused.get(name);
    if (w == null) {
      return null;
    }
    long now = millis.getAsLong();
    if (now >= w.until()) {
      refused.remove(name, w);
      return null;
    }
    return new RateLimits.Refusal(w.refusal().limit(), Math.max(1, (w.until() - now + 999) / 1000));
  }

  private RateLimits.Refusal takeShared(String kind, String who, ServerSettings.Limit limit) {
    AtomicLong owed = kind.equals("caller") ? unchargedBytes.get(who) : null;
    long bytes = owed == null ? 0 : owed.getAndSet(0);
    long now = millis.getAsLong();
    store.forget(now); // buckets full again a while ago go (at most once a minute, by the store)
    Taken[] taken = new Taken[1];
    store.update(
        List.of(new QuotaStore.Key("rate:" + kind, who)),
        counters -> {
          taken[0] = taken(counters.getFirst(), limit, now, bytes);
          return List.of(taken[0].counter());
        });
    long retry = taken[0].retryAfterSeconds();
    return retry == 0 ? null : new RateLimits.Refusal(limit, retry);
  }

  /** Charges {@code bytes} of a request body to {@code caller}, with its next request. */
  void charge(String caller, long bytes) {
    if (unchargedBytes.size() >= RateLimits.PRUNE_ABOVE) { // those charged since owe nothing
      unchargedBytes.values().removeIf(a -> a.get() == 0);
    }
    unchargedBytes.computeIfAbsent(caller, c -> new AtomicLong()).addAndGet(bytes);
  }

  /**
   * The bucket {@code c} at {@code now}: refilled, less {@code bytes}, and less one call if there
   * is one and the bytes are not over.
   */
  static Taken taken(QuotaStore.Counter c, ServerSettings.Limit limit, long now, long bytes) {
    Buckets left;
    if (c.windowStart() == Long.MIN_VALUE) { // never taken from: full
      left = Buckets.full(limit);
    } else {
      // a node whose clock is behind another's counts from the latest refill: never refills twice
      now = Math.max(now, c.windowStart());
      left = new Buckets(c.cost(), c.calls()).refilled(limit, (now - c.windowStart()) / 1e3);
    }
    left = left.charged(bytes); // a body's bytes are owed even when this call is refused
    long retry = 0;
    if (left.admits()) {
      left = left.taken();
    } else {
      retry = left.retryAfterSeconds(limit);
    }
    return new Taken(
        new QuotaStore.Counter(
            now,
            now + (long) Math.ceil(left.fullIn(limit) * 1e3),
            (long) Math.floor(left.bytes()),
            left.calls()),
        retry);
  }
}
