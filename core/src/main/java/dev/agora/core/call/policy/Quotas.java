package dev.agora.core.call.policy;

import dev.agora.core.error.AgoraError;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code policy.quotas} ({@link QuotaRule}) have counted so far: for each rule and scope, the
 * calls and cost units of the current window. Kept by the node, not by the policy, so a reloaded
 * policy does not give anyone a fresh allowance; a rule is known by its name. Counting is in
 * memory: a restart starts every window afresh.
 */
public final class Quotas {

  /**
   * What one counter has used of its rule in the current window, and when that window ends.
   *
   * @param scope whose calls it counts: a caller's identity, a tenant's name, or {@code *}
   */
  public record Usage(QuotaRule rule, String scope, long calls, double cost, Instant renews) {}

  /** A counter's window: its start and end (epoch millis) and what was charged in it. */
  private static final class Window {
    long start;
    long end;
    long calls;
    double cost;
  }

  /** Counters whose window ended are dropped once this many are kept. */
  static final int PRUNE_ABOVE = 10_000;

  private final Clock clock;
  private final Map<String, Window> counters = new HashMap<>();

  public Quotas(Clock clock) {
    this.clock = clock;
  }

  /**
   * Charges one call of {@code cost} units to {@code caller}'s counter of each of {@code rules}, or
   * to none: when one would go over, the call is refused ({@link AgoraError.LimitExceeded}, naming
   * the rule and when it renews) and nothing is charged.
   *
   * @return what each rule has used now, the call included
   */
  public synchronized List<Usage> charge(
      List<QuotaRule> rules, String id, SecurityContext caller, double cost) {
    long now = clock.millis();
    List<Window> windows = new ArrayList<>(rules.size());
    List<String> scopes = new ArrayList<>(rules.size());
    for (QuotaRule r : rules) {
      String scope = r.scope(caller);
      Window w = scope == null ? null : current(r, scope, now);
      if (w != null
          && ((r.calls() != null && w.calls + 1 > r.calls())
              || (r.cost() != null && w.cost + cost > r.cost()))) {
        throw new AgoraError.LimitExceeded(
            id,
            "quota "
                + r.name()
                + " used up ("
                + r.describe()
                + ": "
                + used(w)
                + " so far by '"
                + scope
                + "'); it renews at "
                + Instant.ofEpochMilli(w.end));
      }
      windows.add(w);
      scopes.add(scope);
    }
    List<Usage> out = new ArrayList<>(rules.size());
    for (int i = 0; i < rules.size(); i++) {
      Window w = windows.get(i);
      if (w != null) {
        w.calls++;
        w.cost += cost;
        out.add(usage(rules.get(i), scopes.get(i), w));
      }
    }
    return out;
  }

  /** What {@code caller} has used of each of {@code rules} that counts its calls. */
  public synchronized List<Usage> usage(List<QuotaRule> rules, SecurityContext caller) {
    long now = clock.millis();
    List<Usage> out = new ArrayList<>();
    for (QuotaRule r : rules) {
      String scope = r.scope(caller);
      if (scope != null) {
        out.add(usage(r, scope, current(r, scope, now)));
      }
    }
    return out;
  }

  /** The counter of {@code r} for {@code scope}, started afresh when its window ended. */
  private Window current(QuotaRule r, String scope, long now) {
    long length = r.window().toMillis();
    long start = now - Math.floorMod(now, length);
    if (counters.size() > PRUNE_ABOVE) {
      counters.values().removeIf(w -> w.end <= now);
    }
    Window w = counters.computeIfAbsent(r.name() + '\u0000' + scope, k -> new Window());
    if (w.start != start) {
      w.start = start;
      w.end = start + length;
      w.calls = 0;
      w.cost = 0;
    }
    return w;
  }

  private static Usage usage(QuotaRule r, String scope, Window w) {
    return new Usage(r, scope, w.calls, w.cost, Instant.ofEpochMilli(w.end));
  }

  private static String used(Window w) {
    return w.calls + " calls, " + w.cost + " cost units";
  }
}
