package dev.agora.core.call.resilience;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventIds;
import dev.agora.chain.event.EventSink;
import dev.agora.chain.event.EventType;
import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Protects calls to remote capabilities with Resilience4j and Caffeine, as the {@link
 * ResiliencePolicy} says, from the outside in:
 *
 * <pre>
 *   fallback( cache( retry( circuit breaker( rate limiter( bulkhead( provider ))))))
 * </pre>
 *
 * A cached result of a pure capability answers without the provider; transient failures of an
 * idempotent or pure capability are retried with backoff and jitter within the call's deadline; the
 * circuit breaker counts the provider's own failures ({@link dev.agora.core.error.Fault#PROVIDER}:
 * 5xx, timeouts, resets — never a caller's refused input) and, while open, refuses at once; a full
 * bulkhead or an exhausted rate limit refuses with LimitExceeded; when all that still fails, the
 * fallback capabilities are called in order through the whole call path (their own policy checks
 * and records, with this call as parent). Every retry is a {@code CapabilityRetrying} action, every
 * circuit transition a {@code CircuitChanged} action, and cache hits and fallbacks are noted on the
 * call's result. Guards are kept per capability and rebuilt when the policy or the manifest
 * changes. The stage on the call path ({@code dev.agora.core.call}) asks for a capability's {@link
 * #guards} and, only when some apply, hands the call to them as a {@link GuardedCall}.
 */
public final class Resilience {

  /** The call being retried on this thread, for the retry's event and deadline hooks. */
  private static final ThreadLocal<GuardedCall> CURRENT = new ThreadLocal<>();

  private final Supplier<ResiliencePolicy> policy;
  private final EventSink sink;
  private final Clock clock;
  private final Consumer<String> log;
  private final Map<String, Guards> guards = new ConcurrentHashMap<>();
  private final ResilienceMetrics metrics;

  /**
   * @param policy the current resilience policy (read on every call; guards are rebuilt when it
   *     changes)
   * @param sink where retries and circuit transitions are recorded
   * @param clock timestamps, and the circuit breakers' time
   * @param log warnings that cannot be attached to a call
   */
  public Resilience(
      Supplier<ResiliencePolicy> policy,
      EventSink sink,
      Clock clock,
      Consumer<String> log,
      ResilienceMetrics metrics) {
    this.metrics = metrics;
    this.policy = policy;
    this.sink = sink;
    this.clock = clock;
    this.log = log;
  }

  /**
   * The guards of a capability version; null when nothing applies (the common, cheap case: the call
   * passes straight on).
   */
  public Guards guards(CapabilityManifest m) {
    ResiliencePolicy p = policy.get();
    Guards g = guards.get(m.id()); // by id: no allocation on the hot path; another version rebuilds
    if (g == null || g.policy != p || g.manifest != m) {
      g = new Guards(p, m, p.settingsFor(m), this);
      guards.put(m.id(), g);
    }
    return g.active ? g : null;
  }

  private Value fallback(GuardedCall call, ResilienceSettings s, AgoraError primary) {
    if (s.fallback().isEmpty()
        || primary instanceof AgoraError.NotRecorded
        || primary instanceof AgoraError.Cancelled) { // the caller no longer wants an answer
      throw primary;
    }
    List<Value> failed = new ArrayList<>();
    for (String id : s.fallback()) {
      Duration left = call.remaining();
      if (left.isNegative() || left.isZero()) {
        break;
      }
      try {
        Value v = call.fallback(id, left);
        call.note("fallback", Value.of(id));
        metrics.fallback(call.manifest().id(), call.manifest().provider().type());
        call.note("primary-error", Value.of(primary.getMessage()));
        return v;
      } catch (AgoraError e) {
        failed.add(Value.of(e.getMessage()));
      }
    }
    call.note("fallbacks-failed", Vec.of(failed));
    throw primary;
  }

  /** Whether {@code e} is evidence that the provider is unhealthy: what circuit breakers count. */
  static boolean providerFault(Throwable e) {
    return e instanceof AgoraError a && a.fault().countsAgainstProvider();
  }

  private void emit(Event e) {
    try {
      sink.accept(e);
    } catch (RuntimeException x) {
      log.accept(
          "warning: could not record "
              + e.type()
              + " for "
              + e.capabilityId()
              + ": "
              + x.getMessage());
    }
  }

  /** The Resilience4j and Caffeine pieces for one capability version. */
  public static final class Guards {

    private final ResiliencePolicy policy;
    private final CapabilityManifest manifest;
    private final ResilienceSettings settings;
    private final Retry retry;
    private final CircuitBreaker breaker;
    private final RateLimiter limiter;
    private final Bulkhead bulkhead;
    private final Cache<Value, Value> cache;

    /** Whether anything applies at all; when not, calls pass straight through. */
    private final boolean active;

    private final Resilience owner;

    Guards(ResiliencePolicy policy, CapabilityManifest m, ResilienceSettings s, Resilience owner) {
      this.owner = owner;
      this.policy = policy;
      this.manifest = m;
      this.settings = s;
      String name = m.id() + "@" + m.version();
      ResilienceSettings.Retry r = s.retry();
      if (r != null && r.maxAttempts() > 1 && m.idempotent()) {
        IntervalFunction backoff =
            IntervalFunction.ofExponentialRandomBackoff(
                r.backoff(), r.multiplier(), r.jitter(), r.maxBackoff());
        retry =
            Retry.of(
                name,
                RetryConfig.custom()
                    .maxAttempts(r.maxAttempts())
                    .intervalBiFunction(
                        (attempt, outcome) -> Math.min(backoff.apply(attempt), remainingMillis()))
                    .retryOnException(
                        e ->
                            e instanceof AgoraError.ProviderError pe
                                && pe.isTransient()
                                && remainingMillis() > 0)
                    .failAfterMaxAttempts(false)
                    .build());
        retry
            .getEventPublisher()
            .onRetry(
                ev -> {
                  GuardedCall c = CURRENT.get();
                  owner.metrics.retried(m.id(), m.provider().type());
                  if (c != null) {
                    owner.emit(
                        Event.of(
                                EventIds.next(),
                                EventType.CapabilityRetrying,
                                owner.clock.instant(),
                                c.callId(),
                                c.planId(),
                                c.caller())
                            .withCapability(m.id(), m.version())
                            .withError(
                                kind(ev.getLastThrowable()),
                                ev.getLastThrowable().getMessage(),
                                c.elapsed())
                            .withMetadata(
                                Dict.builder()
                                    .put("attempt", Value.of(ev.getNumberOfRetryAttempts()))
                                    .put("wait-ms", Value.of(ev.getWaitInterval().toMillis()))
                                    .build()));
                  }
                });
      } else {
        retry = null;
      }
      ResilienceSettings.CircuitBreaker cb = s.breaker();
      if (cb != null) {
        breaker =
            CircuitBreaker.of(
                name,
                CircuitBreakerConfig.custom()
                    .failureRateThreshold(cb.failureRatePercent())
                    .slidingWindowSize(cb.window())
                    .minimumNumberOfCalls(cb.minCalls())
                    .waitDurationInOpenState(cb.openFor())
                    .permittedNumberOfCallsInHalfOpenState(cb.halfOpenCalls())
                    .automaticTransitionFromOpenToHalfOpenEnabled(false)
                    .clock(
                        owner.clock) // the marketplace's clock: open_for passes as the node's time
                    // does
                    // Only the provider's own failures count (issue 12): a caller whose input the
                    // upstream refuses (4xx), or whom validation or policy refuses, must not open
                    // the circuit for everyone; such calls count neither way, so they cannot hold
                    // a failing provider's circuit closed either.
                    .recordException(Resilience::providerFault)
                    .ignoreException(e -> !providerFault(e))
                    .build());
        breaker
            .getEventPublisher()
            .onStateTransition(
                ev ->
                    owner.metrics.circuit(
                        m.id(),
                        m.provider().type(),
                        switch (ev.getStateTransition().getToState()) {
                          case OPEN, FORCED_OPEN -> ResilienceMetrics.OPEN;
                          case HALF_OPEN -> ResilienceMetrics.HALF_OPEN;
                          default -> ResilienceMetrics.CLOSED;
                        }));
        owner.metrics.circuit(m.id(), m.provider().type(), ResilienceMetrics.CLOSED);
        breaker
            .getEventPublisher()
            .onStateTransition(
                ev ->
                    owner.emit(
                        Event.of(
                                EventIds.next(),
                                EventType.CircuitChanged,
                                owner.clock.instant(),
                                null,
                                null,
                                "agora")
                            .withCapability(m.id(), m.version())
                            .withMetadata(
                                Dict.builder()
                                    .put(
                                        "from",
                                        Value.keyword(
                                            ev.getStateTransition()
                                                .getFromState()
                                                .name()
                                                .toLowerCase(Locale.ROOT)))
                                    .put(
                                        "to",
                                        Value.keyword(
                                            ev.getStateTransition()
                                                .getToState()
                                                .name()
                                                .toLowerCase(Locale.ROOT)))
                                    .build())));
      } else {
        breaker = null;
      }
      ResilienceSettings.RateLimit rl = s.rateLimit();
      limiter =
          rl == null
              ? null
              : RateLimiter.of(
                  name,
                  RateLimiterConfig.custom()
                      .limitForPeriod(rl.perSecond())
                      .limitRefreshPeriod(Duration.ofSeconds(1))
                      .timeoutDuration(rl.maxWait())
                      .build());
      ResilienceSettings.Bulkhead bh = s.bulkhead();
      bulkhead =
          bh == null
              ? null
              : Bulkhead.of(
                  name,
                  BulkheadConfig.custom()
                      .maxConcurrentCalls(bh.maxConcurrent())
                      .maxWaitDuration(bh.maxWait())
                      .build());
      ResilienceSettings.Cache c = s.cache();
      cache =
          c == null || !m.isPure()
              ? null
              : Caffeine.newBuilder().expireAfterWrite(c.ttl()).maximumSize(c.maxSize()).build();
      active =
          !s.fallback().isEmpty()
              || retry != null
              || breaker != null
              || limiter != null
              || bulkhead != null
              || cache != null;
    }

    /**
     * Runs the call through the guards and, when it still fails, through the fallbacks; throws the
     * primary error when none of them answers.
     */
    public Value apply(GuardedCall call) {
      try {
        return run(call);
      } catch (AgoraError primary) {
        return owner.fallback(call, settings, primary);
      }
    }

    private Value run(GuardedCall call) {
      ResilienceMetrics metrics = owner.metrics;
      Value key = call.input();
      if (cache != null) {
        Value hit = cache.getIfPresent(key);
        if (hit != null) {
          call.note("cache", Value.keyword("hit"));
          metrics.cacheHit(manifest.id(), manifest.provider().type());
          return hit;
        }
      }
      Value v = retry == null ? attempt(call) : retried(call);
      if (cache != null) {
        cache.put(key, v);
      }
      return v;
    }

    private Value retried(GuardedCall call) {
      Retry.Context<Value> ctx = retry.context();
      GuardedCall outer = CURRENT.get();
      CURRENT.set(call);
      int attempts = 1;
      try {
        while (true) {
          try {
            Value v = attempt(call);
            ctx.onComplete();
            return v;
          } catch (AgoraError e) {
            try {
              ctx.onError(
                  e); // waits the backoff and returns when another attempt is allowed, else throws
              // e
            } catch (AgoraError same) {
              throw same;
            } catch (Exception other) {
              throw e;
            }
            attempts++;
          }
        }
      } finally {
        CURRENT.set(outer);
        if (attempts > 1) {
          call.note("attempts", Value.of(attempts));
        }
      }
    }

    private Value attempt(GuardedCall call) {
      String id = call.manifest().id();
      if (limiter != null && !limiter.acquirePermission()) {
        throw new AgoraError.LimitExceeded(
            id,
            "at most "
                + settings.rateLimit().perSecond()
                + " calls per second (resilience rate_limit)");
      }
      if (breaker != null && !breaker.tryAcquirePermission()) {
        call.note("circuit", Value.keyword("open"));
        throw AgoraError.ProviderError.circuitOpen(id, settings.circuitBreaker().openFor());
      }
      if (bulkhead != null && !bulkhead.tryAcquirePermission()) {
        if (breaker != null) {
          breaker.releasePermission();
        }
        throw new AgoraError.LimitExceeded(
            id,
            "at most "
                + settings.bulkhead().maxConcurrent()
                + " concurrent calls (resilience bulkhead)");
      }
      long start = System.nanoTime();
      try {
        Value v = call.proceed();
        if (breaker != null) {
          breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
        return v;
      } catch (RuntimeException e) { // anything but a provider fault releases the permission
        if (breaker != null) {
          breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
        }
        throw e;
      } finally {
        if (bulkhead != null) {
          bulkhead.onComplete();
        }
      }
    }

    private static long remainingMillis() {
      GuardedCall c = CURRENT.get();
      return c == null ? Long.MAX_VALUE : Math.max(0, c.remaining().toMillis());
    }

    private static String kind(Throwable t) {
      return t instanceof AgoraError e ? e.kind().name() : t.getClass().getSimpleName();
    }
  }
}
