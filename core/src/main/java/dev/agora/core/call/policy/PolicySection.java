package dev.agora.core.call.policy;

import dev.agora.core.doc.Fields;
import dev.agora.core.manifest.Glob;
import dev.agora.core.manifest.Ids;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the policy's parts of agora.yaml — {@code policy:} (allow and deny rules, namespaces, time
 * windows, limits, egress, argument-aware rules) and {@code contexts:} — collecting every problem
 * with its line, as the rest of the loader does (docs/CONFIGURATION.md).
 */
public final class PolicySection {

  private PolicySection() {}

  /** The {@code policy:} section; absent, a policy that allows everything with 30 s deadlines. */
  public static IsolationPolicy policy(Fields p) {
    List<Rule> allow =
        p.has("allow")
            ? rules(p, "allow", "policy.allow")
            : List.of(Rule.of("*", "policy.allow[0]"));
    List<Rule> deny = rules(p, "deny", "policy.deny");
    Duration defaultTimeout = p.duration("default_timeout", Duration.ofSeconds(30));
    List<NamespacePolicy> namespaces = new ArrayList<>();
    Fields nsMap = p.map("namespaces");
    for (String ns : nsMap.keys()) {
      if (Ids.problem(ns) != null) {
        nsMap.problem(ns, "'" + ns + "' is not a namespace: " + Ids.problem(ns));
        continue;
      }
      Fields n = nsMap.map(ns);
      String where = "policy.namespaces." + ns;
      List<Rule> nsAllow = n.has("allow") ? rules(n, "allow", where + ".allow") : null;
      List<Rule> nsDeny = rules(n, "deny", where + ".deny");
      Duration timeout = n.duration("timeout", null);
      long max = n.integer("max_concurrent", 0, 1, 100_000);
      n.rejectUnknown();
      namespaces.add(
          new NamespacePolicy(ns, nsAllow, nsDeny, timeout, max == 0 ? null : (int) max, where));
    }
    List<TimeWindow> windows = new ArrayList<>();
    int w = 0;
    for (Fields t : p.items("time_windows")) {
      TimeWindow tw = window(t, "policy.time_windows[" + w++ + "]");
      if (tw != null) {
        windows.add(tw);
      }
    }
    List<LimitRule> limits = new ArrayList<>();
    int l = 0;
    for (Fields lf : p.items("limits")) {
      String where = "policy.limits[" + l++ + "]";
      Glob pattern = Glob.required(lf, "capabilities");
      Duration timeout = lf.duration("timeout", null);
      long max = lf.integer("max_concurrent", 0, 1, 100_000);
      lf.rejectUnknown();
      if (pattern != null) {
        limits.add(new LimitRule(pattern, timeout, max == 0 ? null : (int) max, where));
      }
    }
    Egress egress = egress(p.map("egress"));
    List<ArgumentRule> rules = new ArrayList<>();
    int r = 0;
    for (Fields rf : p.items("rules")) {
      ArgumentRule rule = argumentRule(rf, "policy.rules[" + r++ + "]");
      if (rule != null) {
        rules.add(rule);
      }
    }
    List<QuotaRule> quotas = new ArrayList<>();
    Set<String> names = new HashSet<>();
    int q = 0;
    for (Fields qf : p.items("quotas")) {
      QuotaRule quota = quota(qf, "policy.quotas[" + q++ + "]");
      if (quota != null && !names.add(quota.name())) {
        qf.problem("name", "another quota is named '" + quota.name() + "'");
      } else if (quota != null) {
        quotas.add(quota);
      }
    }
    p.rejectUnknown();
    return new IsolationPolicy(
        allow, deny, namespaces, windows, limits, defaultTimeout, egress, rules, quotas);
  }

  /**
   * policy.quotas[i]: {name, capabilities (default all), per (caller, tenant or all; default
   * caller), calls and/or cost, window}.
   */
  private static QuotaRule quota(Fields f, String where) {
    String name = f.string("name", where);
    Glob pattern = f.has("capabilities") ? Glob.required(f, "capabilities") : Glob.of("*");
    String perKey = f.string("per", "caller");
    QuotaRule.Per per = null;
    for (QuotaRule.Per candidate : QuotaRule.Per.values()) {
      if (candidate.name().toLowerCase(Locale.ROOT).equals(perKey)) {
        per = candidate;
      }
    }
    if (per == null) {
      f.problem("per", "'" + perKey + "' is not whose calls to count; use caller, tenant or all");
    }
    Long calls = f.has("calls") ? f.integer("calls", 0, 0, Long.MAX_VALUE) : null;
    Double cost = f.has("cost") ? f.number("cost", 0, 0, Double.MAX_VALUE) : null;
    if (calls == null && cost == null) {
      f.problem("a quota needs 'calls', 'cost' or both: what it allows per window");
    }
    Duration window = f.duration("window", null);
    if (window == null && !f.has("window")) {
      f.problem("a quota needs a 'window' such as 1h or 1d");
    } else if (window != null && window.toMillis() < 1) {
      f.problem("window", "a quota's window is at least 1ms");
      window = null;
    }
    f.rejectUnknown();
    return pattern == null || per == null || (calls == null && cost == null) || window == null
        ? null
        : new QuotaRule(name, pattern, per, calls, cost, window);
  }

  /**
   * policy.rules[i]: {capabilities, when (CEL, compiled and type-checked here), action (deny or
   * require_approval), reason}.
   */
  private static ArgumentRule argumentRule(Fields f, String where) {
    Glob pattern = Glob.required(f, "capabilities");
    String when = f.required("when");
    Condition condition = null;
    if (when != null) {
      try {
        condition = Condition.compile(when);
      } catch (IllegalArgumentException e) {
        f.problem("when", e.getMessage());
      }
    }
    String actionKey = f.required("action");
    ArgumentRule.Action action = actionKey == null ? null : ArgumentRule.Action.of(actionKey);
    if (actionKey != null && action == null) {
      f.problem("action", "'" + actionKey + "' is not an action; use deny or require_approval");
    }
    String reason = f.string("reason", null);
    f.rejectUnknown();
    return pattern == null || condition == null || action == null
        ? null
        : new ArgumentRule(pattern, condition, action, reason, where);
  }

  /** policy.egress: {allow: [hosts], private: [hosts that may resolve to non-public addresses]}. */
  private static Egress egress(Fields e) {
    List<String> allow = e.has("allow") ? hostPatterns(e, "allow") : Egress.DEFAULT.allow();
    List<String> privateHosts = e.has("private") ? hostPatterns(e, "private") : List.of();
    e.rejectUnknown();
    return new Egress(allow, privateHosts);
  }

  private static List<String> hostPatterns(Fields f, String key) {
    List<String> out = new ArrayList<>();
    for (String h : f.strings(key)) {
      String problem = Egress.problem(h);
      if (problem != null) {
        f.problem(key, problem);
      } else {
        out.add(h.strip());
      }
    }
    return out;
  }

  private static List<Rule> rules(Fields f, String key, String where) {
    List<Rule> out = new ArrayList<>();
    List<String> patterns = f.strings(key);
    for (int i = 0; i < patterns.size(); i++) {
      try {
        out.add(Rule.of(patterns.get(i), where + "[" + i + "]"));
      } catch (IllegalArgumentException e) {
        f.problem(key, e.getMessage());
      }
    }
    return out;
  }

  private static TimeWindow window(Fields t, String where) {
    String zoneName = t.required("zone");
    ZoneId zone = null;
    if (zoneName != null) {
      try {
        zone = ZoneId.of(zoneName);
      } catch (DateTimeException e) {
        t.problem(
            "zone", "unknown time zone '" + zoneName + "'; use an IANA name such as Europe/Oslo");
      }
    }
    Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    for (String d : t.strings("days")) {
      DayOfWeek day = day(d);
      if (day == null) {
        t.problem("days", "'" + d + "' is not a day; use mon, tue, wed, thu, fri, sat, sun");
      } else {
        days.add(day);
      }
    }
    String hours = t.string("hours", "00:00-24:00");
    LocalTime[] range = hours(hours);
    if (range == null) {
      t.problem("hours", "'" + hours + "' is not a range of local times such as \"08:00-18:00\"");
    }
    List<Glob> applies = Glob.list(t, "capabilities");
    t.rejectUnknown();
    return zone == null || range == null
        ? null
        : new TimeWindow(zone, days, range[0], range[1], applies, where);
  }

  private static DayOfWeek day(String d) {
    for (DayOfWeek day : DayOfWeek.values()) {
      String full = day.name().toLowerCase(Locale.ROOT);
      if (full.equals(d.toLowerCase(Locale.ROOT))
          || full.substring(0, 3).equals(d.toLowerCase(Locale.ROOT))) {
        return day;
      }
    }
    return null;
  }

  /** {@code "08:00-18:00"}; {@code 24:00} means the end of the day. */
  private static LocalTime[] hours(String s) {
    String[] parts = s.split("-");
    if (parts.length != 2) {
      return null;
    }
    try {
      LocalTime from = LocalTime.parse(parts[0].strip());
      LocalTime to =
          parts[1].strip().equals("24:00") ? LocalTime.MAX : LocalTime.parse(parts[1].strip());
      return from.equals(to) ? null : new LocalTime[] {from, to};
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  // ---- contexts ----

  /**
   * The {@code contexts:} section, in the order written: a controlled context must list what it may
   * call ({@code allow: []} for nothing).
   */
  public static Map<String, SecurityContext> contexts(Fields all) {
    Map<String, SecurityContext> out = new LinkedHashMap<>();
    for (String name : all.keys()) {
      Fields c = all.map(name);
      String level = c.string("level", "controlled").toUpperCase(Locale.ROOT);
      SecurityContext.Level l;
      try {
        l = SecurityContext.Level.valueOf(level);
      } catch (IllegalArgumentException e) {
        c.problem(
            "level",
            "'"
                + level.toLowerCase(Locale.ROOT)
                + "' is not a level; use pure, controlled or full");
        l = SecurityContext.Level.PURE;
      }
      // An absent list is a mistake; an empty one is a context that may call nothing (deny-all).
      boolean listsAllowed = c.has("allow");
      List<Glob> allowed = Glob.list(c, "allow");
      if (l == SecurityContext.Level.CONTROLLED && !listsAllowed) {
        c.problem("a controlled context needs 'allow': the capabilities it may call ([] for none)");
      }
      Set<String> effects =
          c.has("effects")
              ? new HashSet<>(c.strings("effects").stream().map(Ids::effect).toList())
              : null;
      Set<String> permissions =
          new HashSet<>(
              c.has("permissions")
                  ? c.strings("permissions")
                  : l == SecurityContext.Level.FULL ? List.of("*") : List.of());
      c.rejectUnknown();
      out.put(name, new SecurityContext(name, l, allowed, effects, permissions));
    }
    return out;
  }
}
