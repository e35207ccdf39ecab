package dev.agora.core.call.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.core.Marketplace;
import dev.agora.core.call.CallRequest;
import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.rtfs.Value;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Random policies × random ids, through the real call path: a provider is reached exactly when an
 * independently written oracle (globs as anchored regexes, deny wins, namespaces on boundaries)
 * allows the id — so in particular a denied id never reaches a provider. The seed is printed.
 */
class PolicyPropertyTest {

  private static final String[] SEGMENTS = {"a", "b", "ab", "ccos", "math", "x"};

  @Test
  void a_denied_id_never_reaches_a_provider() {
    long seed = Long.getLong("policy.seed", System.nanoTime());
    System.out.println("PolicyPropertyTest seed: " + seed);
    SplittableRandom r = new SplittableRandom(seed);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      ids.add(id(r));
    }
    Set<String> reached = new HashSet<>();
    try (Marketplace m = Marketplace.builder().log(line -> {}).build()) {
      for (String id : new HashSet<>(ids)) {
        m.registerLocal(
            CapabilityManifest.builder(id).effects("pure").build(),
            (in, call) -> {
              reached.add(call.capabilityId());
              return Value.NIL;
            },
            true,
            "test");
      }
      for (int round = 0; round < 500; round++) {
        IsolationPolicy p = policy(r);
        m.setPolicy(p);
        for (String id : ids) {
          reached.clear();
          boolean allowed = oracleAllows(p, id);
          try {
            m.call(CallRequest.of(id, Value.NIL, SecurityContext.full("prop")));
          } catch (AgoraError.AccessDenied e) {
            // checked below
          }
          assertThat(reached.contains(id))
              .as("seed %d round %d id %s policy %s", seed, round, id, p)
              .isEqualTo(allowed);
        }
      }
    }
  }

  private static String id(SplittableRandom r) {
    int n = 1 + r.nextInt(4);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : ".").append(SEGMENTS[r.nextInt(SEGMENTS.length)]);
    }
    return sb.toString();
  }

  private static String pattern(SplittableRandom r) {
    return switch (r.nextInt(6)) {
      case 0 -> "*";
      case 1 -> id(r) + ".*";
      case 2 -> "*." + SEGMENTS[r.nextInt(SEGMENTS.length)];
      case 3 -> id(r).replace('a', '?');
      case 4 -> SEGMENTS[r.nextInt(SEGMENTS.length)] + "*";
      default -> id(r);
    };
  }

  private static IsolationPolicy policy(SplittableRandom r) {
    IsolationPolicy p = IsolationPolicy.allowAll();
    p = p.withAllow(patterns(r, 1 + r.nextInt(3)));
    p = p.withDeny(patterns(r, r.nextInt(3)));
    for (int i = r.nextInt(3); i > 0; i--) {
      String ns = id(r);
      List<Rule> allow = r.nextBoolean() ? null : rules(r, r.nextInt(3), "ns.allow");
      p =
          p.withNamespace(
              new NamespacePolicy(
                  ns, allow, rules(r, r.nextInt(2), "ns.deny"), null, null, "ns." + ns));
    }
    return p;
  }

  private static String[] patterns(SplittableRandom r, int n) {
    String[] out = new String[n];
    for (int i = 0; i < n; i++) {
      out[i] = pattern(r);
    }
    return out;
  }

  private static List<Rule> rules(SplittableRandom r, int n, String name) {
    List<Rule> out = new ArrayList<>();
    for (String p : patterns(r, n)) {
      out.add(Rule.of(p, name));
    }
    return out;
  }

  // ---- The oracle: written from the documented rules, sharing no code with the policy engine ----

  private static boolean oracleAllows(IsolationPolicy p, String id) {
    for (Rule d : p.deny()) {
      if (regex(d.pattern().pattern()).matcher(id).matches()) {
        return false;
      }
    }
    for (NamespacePolicy ns : p.namespaces()) {
      boolean inside = id.equals(ns.namespace()) || id.startsWith(ns.namespace() + ".");
      if (!inside) {
        continue;
      }
      for (Rule d : ns.deny()) {
        if (regex(d.pattern().pattern()).matcher(id).matches()) {
          return false;
        }
      }
      if (ns.allow() != null
          && ns.allow().stream()
              .noneMatch(a -> regex(a.pattern().pattern()).matcher(id).matches())) {
        return false;
      }
    }
    return p.allow().stream().anyMatch(a -> regex(a.pattern().pattern()).matcher(id).matches());
  }

  private static Pattern regex(String glob) {
    StringBuilder sb = new StringBuilder("^");
    for (char c : glob.toCharArray()) {
      sb.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
    }
    return Pattern.compile(sb.append('$').toString());
  }
}
