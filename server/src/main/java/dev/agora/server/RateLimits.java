package dev.agora.server;

import dev.agora.core.spi.StoreException;
import dev.agora.server.ServerSettings.Limit;
import dev.agora.server.ServerSettings.Limits;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * {@code server.limits} at work: each caller's allowance of requests and request bytes, two token
 * buckets refilled at the configured rates. A request is let in while its caller has a whole call
 * and some bytes left; its body's bytes are charged once read (so a body larger than the burst
 * passes on a full allowance and leaves a debt to wait out). Refusing costs nothing, so a caller
 * over its limit cannot slow the others down. With {@link SharedBuckets} (several nodes on
 * PostgreSQL) each request costs one transaction instead, and a refusal is remembered on the node
 * until its retry time; while the database is away, the node's own buckets stand in.
 */
final class RateLimits {

  /** A refusal: when the caller may try again, in whole seconds (for Retry-After). */
  record Refusal(Limit limit, long retryAfterSeconds) {}

  private final Limits limits;
  private final LongSupplier nanos;
  private final Map<String, Allowance> allowances = new ConcurrentHashMap<>();
  private final Map<String, Allowance> tenants = new ConcurrentHashMap<>();

  /** The buckets every node shares (issue 18), or null: each node's own, above. */
  private final SharedBuckets shared;

  private final Consumer<String> log;
  private final AtomicBoolean sharedFailing = new AtomicBoolean();

  RateLimits(Limits limits) {
    this(limits, System::nanoTime);
  }

  RateLimits(Limits limits, LongSupplier nanos) {
    this(limits, nanos, null);
  }

  /**
   * Limits kept in {@code shared} when not null: every node on it takes from the same buckets, so a
   * caller's rate holds across the nodes.
   */
  RateLimits(Limits limits, LongSupplier nanos, SharedBuckets shared) {
    this(limits, nanos, shared, l -> {});
  }

  /** {@code log}: where it says that the shared buckets cannot be reached. */
  RateLimits(Limits limits, LongSupplier nanos, SharedBuckets shared, Consumer<String> log) {
    this.limits = limits;
    this.nanos = nanos;
    this.shared = shared;
    this.log = log;
  }

  /**
   * The limit of the caller named {@code caller}: {@code <context>/<key name>} for a key (with
   * {@code <tenant>:} before it for a tenant's key), the context's name for anonymous callers.
   */
  Limit limitOf(String caller) {
    int slash = caller.indexOf('/');
    String head = slash < 0 ? caller : caller.substring(0, slash);
    String context = head.substring(head.indexOf(':') + 1); // after a tenant's name
    Limit byKey = slash < 0 ? null : limits.keys().get(caller.substring(slash + 1));
    if (byKey != null) {
      return byKey;
    }
    return limits.contexts().getOrDefault(context, limits.fallback());
  }

  /**
   * Takes one call from the allowance {@code tenant}'s callers share ({@code limit}), or says when
   * to come back.
   */
  Refusal takeTenant(String tenant, Limit limit) {
    if (shared != null) {
      try {
        return sharedAgain(shared.take("tenant", tenant, limit));
      } catch (StoreException e) {
        sharedFailed(e);
      }
    }
    return tenants
        .computeIfAbsent(tenant, t -> new Allowance(limit, nanos.getAsLong()))
        .take(nanos.getAsLong());
  }

  /** Takes one call from {@code caller}'s allowance, or says when to come back. */
  Refusal take(String caller) {
    if (shared != null) {
      try {
        return sharedAgain(shared.take("caller", caller, limitOf(caller)));
      } catch (StoreException e) { // the database is away: this node's own buckets meanwhile
        sharedFailed(e);
      }
    }
    return allowance(caller).take(nanos.getAsLong());
  }

  /** Passes {@code r} on, saying so when the shared buckets answer again after failing. */
  private Refusal sharedAgain(Refusal r) {
    if (sharedFailing.getAndSet(false)) {
      log.accept("agora: rate limits shared again");
    }
    return r;
  }

  /** Says once, until the store answers again, that the shared buckets are not reachable. */
  private void sharedFailed(StoreException e) {
    if (!sharedFailing.getAndSet(true)) {
      log.accept("agora: rate limits kept on this node (the shared ones fail): " + e.getMessage());
    }
  }

  /** Charges {@code bytes} of request body to {@code caller}. */
  void charge(String caller, long bytes) {
    if (shared != null) {
      shared.charge(caller, bytes);
      return;
    }
    allowance(caller).charge(nanos.getAsLong(), bytes);
  }

  /**
   * Callers whose allowance is full again are forgotten once this many are kept: a full allowance
   * is what a new caller gets, so forgetting it changes nothing — and callers named by tokens (one
   * per {@code sub}) cannot grow the map without bound. (A caller forgotten while one of its
   * requests is being let in may get that one request for free.)
   */
  static final int PRUNE_ABOVE = 10_000;

  private Allowance allowance(String caller) {
    Allowance a = allowances.get(caller);
    if (a != null) {
      return a;
    }
    if (allowances.size() >= PRUNE_ABOVE) {
      long now = nanos.getAsLong();
      allowances.values().removeIf(x -> x.full(now));
    }
    return allowances.computeIfAbsent(caller, c -> new Allowance(limitOf(c), nanos.getAsLong()));
  }

  /** How many callers' allowances are kept. */
  int callers() {
    return allowances.size();
  }

  /** One caller's two buckets in this node's memory; full at first. */
  private static final class Allowance {
    private final Limit limit;
    private Buckets left;
    private long at;

    Allowance(Limit limit, long now) {
      this.limit = limit;
      this.left = Buckets.full(limit);
      this.at = now;
    }

    synchronized Refusal take(long now) {
      refill(now);
      if (left.admits()) {
        left = left.taken();
        return null;
      }
      return new Refusal(limit, left.retryAfterSeconds(limit));
    }

    synchronized boolean full(long now) {
      refill(now);
      return left.isFull(limit);
    }

    synchronized void charge(long now, long n) {
      refill(now);
      left = left.charged(n);
    }

    private void refill(long now) {
      left = left.refilled(limit, Math.max(0, now - at) / 1e9);
      at = now;
    }
  }
}
