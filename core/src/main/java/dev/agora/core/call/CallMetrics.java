package dev.agora.core.call;

import dev.agora.core.call.resilience.ResilienceMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The call path's Micrometer meters, per capability and provider type (Prometheus names):
 *
 * <pre>
 *   agora_calls_total{capability, provider, outcome="ok"|"error", error="&lt;kind&gt;"|""}
 *   agora_call_duration_seconds{capability, provider}     a histogram (…_bucket, …_count, …_sum)
 *   agora_retries_total{capability, provider}
 *   agora_cache_hits_total{capability, provider}
 *   agora_fallbacks_total{capability, provider}
 *   agora_circuit_state{capability, provider}             0 closed, 1 open, 2 half-open
 * </pre>
 *
 * Meters are made on a capability's first call and kept in a map, so a call costs a lookup and a
 * few increments.
 */
public final class CallMetrics implements ResilienceMetrics {

  private final MeterRegistry registry;
  private final Map<String, Meters> byCapability = new ConcurrentHashMap<>();

  public CallMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The meters of one capability, all tagged with it and its provider type. */
  private final class Meters {
    final String id;
    final String provider;
    final Counter ok;
    final Timer duration;
    final Map<String, Counter> errors = new ConcurrentHashMap<>();
    volatile Counter retries;
    volatile Counter cacheHits;
    volatile Counter fallbacks;
    volatile AtomicInteger circuit;

    Meters(String id, String provider) {
      this.id = id;
      this.provider = provider;
      ok =
          Counter.builder("agora.calls")
              .tags("capability", id, "provider", provider, "outcome", "ok", "error", "")
              .description("Capability calls by outcome")
              .register(registry);
      duration =
          Timer.builder("agora.call.duration")
              .tags("capability", id, "provider", provider)
              .description("Time from entering the call path to its result")
              .publishPercentileHistogram()
              .register(registry);
    }

    Counter error(String kind) {
      return errors.computeIfAbsent(
          kind,
          k ->
              Counter.builder("agora.calls")
                  .tags("capability", id, "provider", provider, "outcome", "error", "error", k)
                  .register(registry));
    }

    Counter counter(String name, String description) {
      return Counter.builder(name)
          .tags("capability", id, "provider", provider)
          .description(description)
          .register(registry);
    }
  }

  private Meters of(String id, String provider) {
    Meters m = byCapability.get(id);
    if (m == null || !m.provider.equals(provider)) {
      m = new Meters(id, provider);
      byCapability.put(id, m);
    }
    return m;
  }

  /** A call finished: {@code errorKind} is null for success. */
  void completed(String id, String provider, long nanos, String errorKind) {
    Meters m = of(id, provider);
    m.duration.record(nanos, TimeUnit.NANOSECONDS);
    if (errorKind == null) {
      m.ok.increment();
    } else {
      m.error(errorKind).increment();
    }
  }

  @Override
  public void retried(String id, String provider) {
    Meters m = of(id, provider);
    if (m.retries == null) {
      m.retries = m.counter("agora.retries", "Attempts repeated after a transient failure");
    }
    m.retries.increment();
  }

  @Override
  public void cacheHit(String id, String provider) {
    Meters m = of(id, provider);
    if (m.cacheHits == null) {
      m.cacheHits = m.counter("agora.cache.hits", "Calls answered from the result cache");
    }
    m.cacheHits.increment();
  }

  @Override
  public void fallback(String id, String provider) {
    Meters m = of(id, provider);
    if (m.fallbacks == null) {
      m.fallbacks = m.counter("agora.fallbacks", "Calls answered by a fallback capability");
    }
    m.fallbacks.increment();
  }

  @Override
  public void circuit(String id, String provider, int state) {
    Meters m = of(id, provider);
    if (m.circuit == null) {
      AtomicInteger holder = new AtomicInteger(state);
      Gauge.builder("agora.circuit.state", holder, AtomicInteger::get)
          .tags("capability", id, "provider", provider)
          .description("Circuit breaker: 0 closed, 1 open, 2 half-open")
          .register(registry);
      m.circuit = holder;
    }
    m.circuit.set(state);
  }
}
