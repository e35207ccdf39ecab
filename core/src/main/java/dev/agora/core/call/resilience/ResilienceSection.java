package dev.agora.core.call.resilience;

import dev.agora.core.doc.Fields;
import dev.agora.core.manifest.Glob;
import dev.agora.core.manifest.Ids;
import dev.agora.rtfs.Value;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The {@code resilience} section of agora.yaml:
 *
 * <pre>
 * resilience:
 *   defaults: S                      # every remote capability (on top of the built-in retry and circuit breaker)
 *   providers: {http: S, mcp: S}     # by provider type
 *   capabilities:                    # by capability pattern, in order; local capabilities too
 *     - {capabilities: "weather.*", …S}
 * </pre>
 *
 * where S has any of {@code retry}, {@code circuit_breaker}, {@code bulkhead}, {@code rate_limit},
 * {@code cache} (each a map, or {@code off}) and {@code fallback} (capability ids). A part written
 * at a narrower level replaces the wider one's whole; fields it leaves out take the built-in
 * values.
 */
public final class ResilienceSection {

  private ResilienceSection() {}

  public static ResiliencePolicy read(Fields r) {
    ResilienceSettings defaults = ResiliencePolicy.DEFAULT.defaults();
    if (r.has("defaults")) {
      defaults = defaults.with(settings(r.map("defaults")));
    }
    Map<String, ResilienceSettings> providers = new LinkedHashMap<>();
    Fields p = r.map("providers");
    for (String type : p.keys()) {
      providers.put(type, settings(p.map(type)));
    }
    List<ResiliencePolicy.Rule> rules = new ArrayList<>();
    int i = 0;
    for (Fields c : r.items("capabilities")) {
      String where = "resilience.capabilities[" + i++ + "]";
      Glob pattern = Glob.required(c, "capabilities");
      ResilienceSettings s = settings(c);
      if (pattern != null) {
        rules.add(new ResiliencePolicy.Rule(pattern, s, where));
      }
    }
    r.rejectUnknown();
    return new ResiliencePolicy(defaults, providers, rules);
  }

  private static ResilienceSettings settings(Fields f) {
    ResilienceSettings.Retry retry =
        part(
            f,
            "retry",
            ResilienceSettings.Retry.OFF,
            x -> {
              ResilienceSettings.Retry d = ResilienceSettings.Retry.DEFAULT;
              return new ResilienceSettings.Retry(
                  (int) x.integer("max_attempts", d.maxAttempts(), 1, 100),
                  x.duration("backoff", d.backoff()),
                  x.duration("max_backoff", d.maxBackoff()),
                  x.number("multiplier", d.multiplier(), 1, 10),
                  x.number("jitter", d.jitter(), 0, 1));
            });
    ResilienceSettings.CircuitBreaker breaker =
        part(
            f,
            "circuit_breaker",
            ResilienceSettings.CircuitBreaker.OFF,
            x -> {
              ResilienceSettings.CircuitBreaker d = ResilienceSettings.CircuitBreaker.DEFAULT;
              int window = (int) x.integer("window", d.window(), 1, 10_000);
              return new ResilienceSettings.CircuitBreaker(
                  (int) x.integer("failure_rate", d.failureRatePercent(), 1, 100),
                  window,
                  (int) x.integer("min_calls", Math.min(d.minCalls(), window), 1, 10_000),
                  x.duration("open_for", d.openFor()),
                  (int) x.integer("half_open_calls", d.halfOpenCalls(), 1, 1_000));
            });
    ResilienceSettings.Bulkhead bulkhead =
        part(
            f,
            "bulkhead",
            null,
            x ->
                new ResilienceSettings.Bulkhead(
                    (int) x.integer("max_concurrent", 16, 1, 100_000), maxWait(x)));
    ResilienceSettings.RateLimit rate =
        part(
            f,
            "rate_limit",
            null,
            x ->
                new ResilienceSettings.RateLimit(
                    (int) x.integer("per_second", 100, 1, 1_000_000), maxWait(x)));
    ResilienceSettings.Cache cache =
        part(
            f,
            "cache",
            null,
            x ->
                new ResilienceSettings.Cache(
                    x.duration("ttl", Duration.ofMinutes(1)),
                    x.integer("max_size", 10_000, 1, 100_000_000)));
    List<String> fallback = new ArrayList<>();
    if (f.has("fallback")) {
      for (String id : f.strings("fallback")) {
        String problem = Ids.problem(id);
        if (problem != null) {
          f.problem("fallback", "'" + id + "' is not a capability id: " + problem);
        } else {
          fallback.add(id);
        }
      }
    }
    f.rejectUnknown();
    return new ResilienceSettings(retry, breaker, bulkhead, rate, cache, fallback);
  }

  /**
   * A part: absent → null; {@code off} or false → {@code off}; a map → what {@code read} makes of
   * it.
   */
  private static <T> T part(Fields f, String key, T off, Function<Fields, T> read) {
    Value v = f.get(key);
    if (v == null) {
      return null;
    }
    if (off != null
        && (v instanceof Value.Bool b && !b.value()
            || v instanceof Value.Str s && s.value().equals("off")
            || v instanceof Value.Keyword k && k.name().equals("off"))) {
      return off;
    }
    Fields x = f.map(key);
    T t = read.apply(x);
    x.rejectUnknown();
    return t;
  }

  private static Duration maxWait(Fields x) {
    return x.has("max_wait") ? x.duration("max_wait", Duration.ZERO) : Duration.ZERO;
  }
}
