package dev.agora.core.call.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Which capabilities may run, when, and within which limits. Build one from configuration ({@code
 * policy:} in agora.yaml) or with {@link #allowAll()} and the {@code with…} methods.
 *
 * <p>Deny wins: a capability is refused if any deny rule (global or of a namespace it is in)
 * matches, whatever the allow rules say. Otherwise it must match a global allow rule and the allow
 * rules of every namespace policy it falls under, and be inside one of the time windows that apply
 * to it, if any do. Once its input is valid, the argument-aware {@code rules} that apply to it are
 * evaluated ({@link Authorize#checkArguments}).
 *
 * @param defaultTimeout the deadline of a call when nothing narrower applies
 * @param rules conditions over a call's arguments, caller and time that deny it or require approval
 * @param quotas calls and cost units per window, per caller, tenant or all ({@link Quotas})
 */
public record IsolationPolicy(
    List<Rule> allow,
    List<Rule> deny,
    List<NamespacePolicy> namespaces,
    List<TimeWindow> windows,
    List<LimitRule> limits,
    Duration defaultTimeout,
    Egress egress,
    List<ArgumentRule> rules,
    List<QuotaRule> quotas) {

  public IsolationPolicy {
    allow = List.copyOf(allow);
    deny = List.copyOf(deny);
    namespaces = List.copyOf(namespaces);
    windows = List.copyOf(windows);
    limits = List.copyOf(limits);
    egress = egress == null ? Egress.DEFAULT : egress;
    rules = List.copyOf(rules);
    quotas = List.copyOf(quotas);
  }

  /** Allows every capability, calls at most 30 s. */
  public static IsolationPolicy allowAll() {
    return new IsolationPolicy(
        List.of(Rule.of("*", "policy.allow[0]")),
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        Duration.ofSeconds(30),
        Egress.DEFAULT,
        List.of(),
        List.of());
  }

  public IsolationPolicy withAllow(String... patterns) {
    return new IsolationPolicy(
        rules("policy.allow", patterns),
        deny,
        namespaces,
        windows,
        limits,
        defaultTimeout,
        egress,
        rules,
        quotas);
  }

  public IsolationPolicy withDeny(String... patterns) {
    return new IsolationPolicy(
        allow,
        rules("policy.deny", patterns),
        namespaces,
        windows,
        limits,
        defaultTimeout,
        egress,
        rules,
        quotas);
  }

  public IsolationPolicy withNamespace(NamespacePolicy ns) {
    List<NamespacePolicy> all = new ArrayList<>(namespaces);
    all.add(ns);
    return new IsolationPolicy(
        allow, deny, all, windows, limits, defaultTimeout, egress, rules, quotas);
  }

  public IsolationPolicy withWindow(TimeWindow w) {
    List<TimeWindow> all = new ArrayList<>(windows);
    all.add(w);
    return new IsolationPolicy(
        allow, deny, namespaces, all, limits, defaultTimeout, egress, rules, quotas);
  }

  public IsolationPolicy withLimit(LimitRule l) {
    List<LimitRule> all = new ArrayList<>(limits);
    all.add(l);
    return new IsolationPolicy(
        allow, deny, namespaces, windows, all, defaultTimeout, egress, rules, quotas);
  }

  public IsolationPolicy withDefaultTimeout(Duration d) {
    return new IsolationPolicy(allow, deny, namespaces, windows, limits, d, egress, rules, quotas);
  }

  public IsolationPolicy withEgress(Egress e) {
    return new IsolationPolicy(
        allow, deny, namespaces, windows, limits, defaultTimeout, e, rules, quotas);
  }

  /** This policy with {@code more} argument-aware rules after its own. */
  public IsolationPolicy withRules(ArgumentRule... more) {
    List<ArgumentRule> all = new ArrayList<>(rules);
    all.addAll(List.of(more));
    return new IsolationPolicy(
        allow, deny, namespaces, windows, limits, defaultTimeout, egress, all, quotas);
  }

  /** This policy with {@code more} quotas after its own. */
  public IsolationPolicy withQuotas(QuotaRule... more) {
    List<QuotaRule> all = new ArrayList<>(quotas);
    all.addAll(List.of(more));
    return new IsolationPolicy(
        allow, deny, namespaces, windows, limits, defaultTimeout, egress, rules, all);
  }

  private static List<Rule> rules(String where, String... patterns) {
    List<Rule> out = new ArrayList<>();
    for (int i = 0; i < patterns.length; i++) {
      out.add(Rule.of(patterns[i], where + "[" + i + "]"));
    }
    return out;
  }
}
