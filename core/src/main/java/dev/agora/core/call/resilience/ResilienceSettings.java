package dev.agora.core.call.resilience;

import java.time.Duration;
import java.util.List;

/**
 * How calls to one capability are protected; a null part is off. Built by {@link ResiliencePolicy}
 * from the defaults, the provider's section and the matching capability rules.
 *
 * @param fallback capabilities to call, in order, when this one fails or its circuit is open
 */
public record ResilienceSettings(
    Retry retry,
    CircuitBreaker circuitBreaker,
    Bulkhead bulkhead,
    RateLimit rateLimit,
    Cache cache,
    List<String> fallback) {

  public static final ResilienceSettings NONE =
      new ResilienceSettings(null, null, null, null, null, List.of());

  public ResilienceSettings {
    fallback = fallback == null ? List.of() : List.copyOf(fallback);
  }

  /**
   * Retry of transient failures, only for capabilities that are idempotent or pure: exponential
   * backoff from {@code backoff}, times {@code multiplier} per attempt, capped at {@code
   * maxBackoff}, each wait randomised by ±{@code jitter} (a fraction), and never past the call's
   * deadline.
   */
  public record Retry(
      int maxAttempts, Duration backoff, Duration maxBackoff, double multiplier, double jitter) {
    public static final Retry DEFAULT =
        new Retry(3, Duration.ofMillis(100), Duration.ofSeconds(2), 2.0, 0.5);

    /** Written {@code retry: off}: no retry, whatever a wider level says. */
    public static final Retry OFF =
        new Retry(1, DEFAULT.backoff, DEFAULT.maxBackoff, DEFAULT.multiplier, 0);
  }

  /**
   * Opens when at least {@code failureRatePercent} of the last {@code window} calls failed (once
   * {@code minCalls} were made); refuses calls for {@code openFor}, then lets {@code halfOpenCalls}
   * probes through and closes again if they succeed.
   */
  public record CircuitBreaker(
      int failureRatePercent, int window, int minCalls, Duration openFor, int halfOpenCalls) {
    public static final CircuitBreaker DEFAULT =
        new CircuitBreaker(50, 20, 10, Duration.ofSeconds(30), 3);

    /** Written {@code circuit_breaker: off}. */
    public static final CircuitBreaker OFF = new CircuitBreaker(100, 1, 1, Duration.ofMillis(1), 1);
  }

  /** At most {@code maxConcurrent} calls at once; a call waits up to {@code maxWait} for a slot. */
  public record Bulkhead(int maxConcurrent, Duration maxWait) {}

  /**
   * At most {@code perSecond} calls per second; a call waits up to {@code maxWait} for a permit.
   */
  public record RateLimit(int perSecond, Duration maxWait) {}

  /** Results of a pure capability kept for {@code ttl}, at most {@code maxSize} of them. */
  public record Cache(Duration ttl, long maxSize) {}

  /** These settings with the parts {@code narrower} sets replacing this one's. */
  public ResilienceSettings with(ResilienceSettings narrower) {
    return new ResilienceSettings(
        narrower.retry != null ? narrower.retry : retry,
        narrower.circuitBreaker != null ? narrower.circuitBreaker : circuitBreaker,
        narrower.bulkhead != null ? narrower.bulkhead : bulkhead,
        narrower.rateLimit != null ? narrower.rateLimit : rateLimit,
        narrower.cache != null ? narrower.cache : cache,
        !narrower.fallback.isEmpty() ? narrower.fallback : fallback);
  }

  /** The circuit breaker, or null when off. */
  public CircuitBreaker breaker() {
    return circuitBreaker == CircuitBreaker.OFF ? null : circuitBreaker;
  }

  public boolean isEmpty() {
    return (retry == null || retry.maxAttempts() <= 1)
        && breaker() == null
        && bulkhead == null
        && rateLimit == null
        && cache == null
        && fallback.isEmpty();
  }
}
