package dev.agora.core.call.policy;

import dev.agora.core.manifest.Ids;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.stream.Collectors;

/**
 * Evaluates an {@link IsolationPolicy} for capability ids. Everything that depends only on the id —
 * the allow/deny verdict, the time windows, argument-aware rules, deadline and limits that apply —
 * is worked out once per id and cached ({@link Verdict}); only the time windows are checked against
 * the clock on each call. A new policy gets a new engine.
 */
public final class PolicyEngine {

  /** A concurrency limit: a semaphore and the rule it comes from. */
  public record Gate(Semaphore permits, int max, String rule) {}

  /**
   * What the policy says about one id.
   *
   * @param denial the rule that refuses it, or null
   * @param windows the time windows that apply (the call must fall in one)
   * @param timeout the narrowest policy deadline for it
   * @param gates the concurrency limits a call must pass, narrowest first
   * @param rules the argument-aware rules that apply, in the order written
   * @param quotas the quotas its calls count towards, in the order written
   */
  public record Verdict(
      String denial,
      List<TimeWindow> windows,
      Duration timeout,
      List<Gate> gates,
      List<ArgumentRule> rules,
      List<QuotaRule> quotas) {}

  private final IsolationPolicy policy;
  private final Map<String, Verdict> verdicts = new ConcurrentHashMap<>();
  private final Map<String, Gate> namespaceGates = new ConcurrentHashMap<>();

  public PolicyEngine(IsolationPolicy policy) {
    this.policy = policy;
  }

  public IsolationPolicy policy() {
    return policy;
  }

  /** The cached verdict for {@code id}. */
  public Verdict verdict(String id) {
    Verdict v = verdicts.get(id);
    return v != null ? v : verdicts.computeIfAbsent(id, this::compile);
  }

  /** Null if {@code id} may be called at {@code now}, else the rule that refuses it. */
  public String denial(String id, Instant now) {
    Verdict v = verdict(id);
    if (v.denial() != null) {
      return v.denial();
    }
    return outsideWindows(v.windows(), now);
  }

  /** Null if {@code now} is inside one of {@code windows} (or there are none), else why not. */
  public static String outsideWindows(List<TimeWindow> windows, Instant now) {
    if (windows.isEmpty()) {
      return null;
    }
    for (TimeWindow w : windows) {
      if (w.contains(now)) {
        return null;
      }
    }
    return windows.stream()
            .map(w -> w.name() + " (" + w.describe() + ")")
            .collect(Collectors.joining(", "))
        + ": outside the allowed time";
  }

  // ---- Compiling a verdict ----

  private Verdict compile(String id) {
    return new Verdict(
        staticDenial(id),
        windowsFor(id),
        timeoutFor(id),
        gatesFor(id),
        policy.rules().stream().filter(r -> r.appliesTo(id)).toList(),
        policy.quotas().stream().filter(q -> q.appliesTo(id)).toList());
  }

  private String staticDenial(String id) {
    for (Rule r : policy.deny()) {
      if (r.matches(id)) {
        return r.toString();
      }
    }
    for (NamespacePolicy ns : policy.namespaces()) {
      if (!Ids.inNamespace(id, ns.namespace())) {
        continue;
      }
      for (Rule r : ns.deny()) {
        if (r.matches(id)) {
          return r.toString();
        }
      }
      if (ns.allow() != null && ns.allow().stream().noneMatch(r -> r.matches(id))) {
        return ns.name()
            + ".allow ("
            + patterns(ns.allow())
            + ", which '"
            + id
            + "' does not match)";
      }
    }
    if (policy.allow().stream().noneMatch(r -> r.matches(id))) {
      return "policy.allow (" + patterns(policy.allow()) + ", which '" + id + "' does not match)";
    }
    return null;
  }

  private List<TimeWindow> windowsFor(String id) {
    return policy.windows().stream().filter(w -> w.appliesTo(id)).toList();
  }

  private Duration timeoutFor(String id) {
    Duration t = null;
    for (LimitRule l : policy.limits()) {
      if (l.timeout() != null && l.pattern().matches(id)) {
        t = min(t, l.timeout());
      }
    }
    for (NamespacePolicy ns : policy.namespaces()) {
      if (ns.timeout() != null && Ids.inNamespace(id, ns.namespace())) {
        t = min(t, ns.timeout());
      }
    }
    return t;
  }

  private List<Gate> gatesFor(String id) {
    List<Gate> gates = new ArrayList<>();
    for (LimitRule l : policy.limits()) {
      if (l.maxConcurrent() != null && l.pattern().matches(id)) {
        // per capability: every id matching the rule gets its own semaphore, cached with its
        // verdict
        gates.add(
            new Gate(
                new Semaphore(l.maxConcurrent()),
                l.maxConcurrent(),
                l.name() + " '" + l.pattern() + "'"));
        break;
      }
    }
    for (NamespacePolicy ns : policy.namespaces()) {
      if (ns.maxConcurrent() != null && Ids.inNamespace(id, ns.namespace())) {
        gates.add(
            namespaceGates.computeIfAbsent(
                ns.namespace(),
                k -> new Gate(new Semaphore(ns.maxConcurrent()), ns.maxConcurrent(), ns.name())));
      }
    }
    return List.copyOf(gates);
  }

  private static String patterns(List<Rule> rules) {
    return rules.isEmpty()
        ? "no patterns"
        : rules.stream().map(r -> "'" + r.pattern() + "'").collect(Collectors.joining(" "));
  }

  private static Duration min(Duration a, Duration b) {
    return a == null || b.compareTo(a) < 0 ? b : a;
  }
}
