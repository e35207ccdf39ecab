package dev.agora.core.call.resilience;

import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Glob;
import java.util.List;
import java.util.Map;

/**
 * The resilience settings of every capability: {@code defaults} for every remote one (any provider
 * but {@code local}), then the section of its provider type, then every capability rule that
 * matches it, in order — each part a narrower level sets replaces the wider one's. Local
 * capabilities get only what capability rules give them.
 *
 * @param providers provider type ({@code http}, {@code mcp} …) → its settings
 */
public record ResiliencePolicy(
    ResilienceSettings defaults, Map<String, ResilienceSettings> providers, List<Rule> rules) {

  /** Retry (3 attempts) and a circuit breaker for remote capabilities; nothing else. */
  public static final ResiliencePolicy DEFAULT =
      new ResiliencePolicy(
          new ResilienceSettings(
              ResilienceSettings.Retry.DEFAULT,
              ResilienceSettings.CircuitBreaker.DEFAULT,
              null,
              null,
              null,
              List.of()),
          Map.of(),
          List.of());

  /** A capability rule: {@code where} names it in agora.yaml for messages and events. */
  public record Rule(Glob pattern, ResilienceSettings settings, String where) {}

  public ResiliencePolicy {
    providers = Map.copyOf(providers);
    rules = List.copyOf(rules);
  }

  /** What applies to {@code m}. */
  public ResilienceSettings settingsFor(CapabilityManifest m) {
    String type = m.provider().type();
    ResilienceSettings s = ResilienceSettings.NONE;
    if (!type.equals("local")) {
      s = defaults;
      ResilienceSettings p = providers.get(type);
      if (p != null) {
        s = s.with(p);
      }
    }
    for (Rule r : rules) {
      if (r.pattern().matches(m.id())) {
        s = s.with(r.settings());
      }
    }
    return s;
  }
}
