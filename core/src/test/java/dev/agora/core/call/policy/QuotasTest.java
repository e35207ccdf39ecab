package dev.agora.core.call.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventType;
import dev.agora.chain.event.MemorySink;
import dev.agora.core.Marketplace;
import dev.agora.core.call.CallRequest;
import dev.agora.core.config.ConfigLoader;
import dev.agora.core.doc.DocumentException;
import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Glob;
import dev.agora.core.manifest.Sla;
import dev.agora.rtfs.Value;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quotas (issue 17): calls and cost units per window, per caller, per tenant or for all, enforced
 * on the call path, refusals recorded, windows renewed on time, usage kept across policy reloads.
 */
class QuotasTest {

  static final Instant T0 = Instant.parse("2026-12-05T10:15:00Z");

  /** A clock the test moves. */
  static final class Hands extends Clock {
    final AtomicReference<Instant> now = new AtomicReference<>(T0);

    @Override
    public Instant instant() {
      return now.get();
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  static QuotaRule rule(String name, String pattern, QuotaRule.Per per, Long calls, Double cost) {
    return new QuotaRule(name, Glob.of(pattern), per, calls, cost, Duration.ofHours(1));
  }

  static Marketplace market(MemorySink sink, Hands clock, QuotaRule... quotas) {
    Marketplace m = Marketplace.builder().sink(sink).clock(clock).log(l -> {}).build();
    m.bootstrap();
    m.registerLocal(
        CapabilityManifest.builder("paid.lookup")
            .input(":any")
            .output(":any")
            .effects("pure")
            .sla(new Sla(2.5, null, 0))
            .build(),
        (in, c) -> in,
        true,
        "test");
    m.setPolicy(IsolationPolicy.allowAll().withQuotas(quotas));
    return m;
  }

  static Value call(Marketplace m, String id, SecurityContext who) {
    return m.call(CallRequest.of(id, Value.of(1), who));
  }

  @Test
  void callsPerWindowAreCountedForEachCallerAndRenewOnTheHour() {
    MemorySink sink = new MemorySink(1_000);
    Hands clock = new Hands();
    SecurityContext ann = SecurityContext.full("agent/ann");
    SecurityContext bob = SecurityContext.full("agent/bob");
    try (Marketplace m =
        market(sink, clock, rule("hourly", "ccos.*", QuotaRule.Per.CALLER, 2L, null))) {
      call(m, "ccos.echo", ann);
      call(m, "ccos.echo", ann);
      assertThatThrownBy(() -> call(m, "ccos.echo", ann))
          .isInstanceOf(AgoraError.LimitExceeded.class)
          .hasMessageContaining("quota hourly used up")
          .hasMessageContaining("2 calls per 1h for each caller: 2 calls, 0.0 cost units so far")
          .hasMessageContaining("by 'agent/ann'")
          .hasMessageContaining("it renews at 2026-12-05T11:00:00Z");
      call(m, "ccos.echo", bob); // bob counts apart
      call(m, "paid.lookup", ann); // not counted by the rule
      assertThat(m.quotaUsage(ann))
          .singleElement()
          .satisfies(
              u -> {
                assertThat(u.calls()).isEqualTo(2);
                assertThat(u.scope()).isEqualTo("agent/ann");
                assertThat(u.renews()).isEqualTo(Instant.parse("2026-12-05T11:00:00Z"));
              });
      clock.now.set(Instant.parse("2026-12-05T11:00:00Z"));
      assertThat(call(m, "ccos.echo", ann)).isEqualTo(Value.of(1));
      assertThat(m.quotaUsage(ann).getFirst().calls()).isEqualTo(1);
      // a reloaded policy keeps what was counted
      m.setPolicy(
          IsolationPolicy.allowAll()
              .withQuotas(rule("hourly", "ccos.*", QuotaRule.Per.CALLER, 1L, null)));
      assertThatThrownBy(() -> call(m, "ccos.echo", ann)).hasMessageContaining("quota hourly");
    }
    // the refusal is recorded as the call's error, the charges with the results
    assertThat(sink.events())
        .filteredOn(
            e -> e.type() == EventType.CapabilityResult && "LimitExceeded".equals(e.errorKind()))
        .extracting(e -> e.caller() + ": " + e.error())
        .hasSize(2)
        .allMatch(line -> line.startsWith("agent/ann: ") && line.contains("quota hourly used up"));
    Event counted =
        sink.events().stream()
            .filter(e -> e.type() == EventType.CapabilityResult && "agent/bob".equals(e.caller()))
            .findFirst()
            .orElseThrow();
    assertThat(counted.metadata().get("quotas").toString()).contains("hourly");
  }

  @Test
  void costUnitsComeFromTheManifestsSlaAndATenantsCallersShareTheirCounter() {
    MemorySink sink = new MemorySink(1_000);
    SecurityContext.Tenant acme = new SecurityContext.Tenant("acme", List.of(Glob.of("*")));
    SecurityContext ann = SecurityContext.full("agent/ann").in(acme);
    SecurityContext bob = SecurityContext.full("agent/bob").in(acme);
    SecurityContext root = SecurityContext.full("root");
    try (Marketplace m =
        market(
            sink,
            new Hands(),
            rule("budget", "*", QuotaRule.Per.TENANT, null, 5.0),
            rule("all", "paid.*", QuotaRule.Per.ALL, 100L, null))) {
      call(m, "paid.lookup", ann); // 2.5
      call(m, "paid.lookup", bob); // 5.0
      assertThatThrownBy(() -> call(m, "paid.lookup", ann))
          .hasMessageContaining("quota budget used up (5.0 cost units per 1h for each tenant")
          .hasMessageContaining("by 'acme'");
      call(m, "ccos.echo", bob); // free: cost 0 fits
      // a caller of no tenant is not counted by a per-tenant rule; the rule for all counts it
      for (int i = 0; i < 3; i++) {
        call(m, "paid.lookup", root);
      }
      assertThat(m.quotaUsage(root))
          .singleElement()
          .satisfies(
              u -> {
                assertThat(u.rule().name()).isEqualTo("all");
                assertThat(u.calls()).as("two of acme's, three of root's").isEqualTo(5);
              });
      assertThat(m.quotaUsage(ann))
          .extracting(u -> u.rule().name() + "=" + u.cost())
          .containsExactly("budget=5.0", "all=12.5");
    }
  }

  @Test
  void aRefusalChargesNoRuleAndOldCountersArePruned() {
    Hands clock = new Hands();
    MemoryQuotaStore store = new MemoryQuotaStore();
    Quotas q = new Quotas(clock, store);
    QuotaRule wide = rule("wide", "*", QuotaRule.Per.CALLER, 10L, null);
    QuotaRule tight = rule("tight", "*", QuotaRule.Per.CALLER, 1L, null);
    SecurityContext me = SecurityContext.full("me");
    q.charge(List.of(wide, tight), "x", me, 0);
    assertThatThrownBy(() -> q.charge(List.of(wide, tight), "x", me, 0))
        .hasMessageContaining("quota tight");
    assertThat(q.usage(List.of(wide), me).getFirst().calls()).as("not charged").isEqualTo(1);
    for (int i = 0; i <= MemoryQuotaStore.PRUNE_ABOVE; i++) {
      q.charge(List.of(tight), "x", SecurityContext.full("caller-" + i), 0);
    }
    clock.now.set(T0.plus(Duration.ofHours(2)));
    assertThat(store.size()).isEqualTo(MemoryQuotaStore.PRUNE_ABOVE + 3);
    q.charge(List.of(tight), "x", me, 0); // prunes every ended window, then counts afresh
    assertThat(store.size()).as("only the counter just charged").isEqualTo(1);
    assertThat(q.usage(List.of(wide, tight), me))
        .extracting(Quotas.Usage::calls)
        .containsExactly(0L, 1L);
  }

  @Test
  void quotasAreReadFromThePolicyAndEveryMistakeIsNamed(@TempDir Path dir) throws IOException {
    Path ok = dir.resolve("ok.yaml");
    Files.writeString(
        ok,
        """
        policy:
          quotas:
            - {name: hourly, capabilities: "ccos.*", calls: 1000, window: 1h}
            - {per: tenant, cost: 50.5, window: 1d}
        """);
    List<QuotaRule> read = ConfigLoader.load(ok).policy().quotas();
    assertThat(read)
        .containsExactly(
            rule("hourly", "ccos.*", QuotaRule.Per.CALLER, 1000L, null),
            new QuotaRule(
                "policy.quotas[1]",
                Glob.of("*"),
                QuotaRule.Per.TENANT,
                null,
                50.5,
                Duration.ofDays(1)));
    assertThat(read.get(1).describe()).isEqualTo("50.5 cost units per 24h for each tenant");
    assertThat(rule("a", "*", QuotaRule.Per.ALL, 3L, 1.0).describe())
        .isEqualTo("3 calls and 1.0 cost units per 1h for all callers together");
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(
        bad,
        """
        policy:
          quotas:
            - {name: a, per: planet, calls: 1, window: 1h}
            - {name: b, window: 1h}
            - {name: c, calls: 1}
            - {name: a, calls: -1, window: soon, colour: red}
            - {name: e, calls: 1, window: 1h, capabilities: "(x)"}
            - {name: f, calls: 1, window: 1h}
            - {name: f, calls: 2, window: 1h}
        """);
    DocumentException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            DocumentException.class, () -> ConfigLoader.load(bad));
    assertThat(e.problems())
        .extracting(p -> p.toString().replace(bad.toString(), "bad.yaml"))
        .containsExactly(
            "bad.yaml:3: policy.quotas[0].per: 'planet' is not whose calls to count; use caller,"
                + " tenant or all",
            "bad.yaml:4: policy.quotas[1]: a quota needs 'calls', 'cost' or both: what it allows"
                + " per window",
            "bad.yaml:5: policy.quotas[2]: a quota needs a 'window' such as 1h or 1d",
            "bad.yaml:6: policy.quotas[3].calls: expected an integer from 0 to 9223372036854775807,"
                + " found -1 (integer)",
            "bad.yaml:6: policy.quotas[3].window: expected a positive duration such as \"500ms\","
                + " \"30s\" or \"5m\", found \"soon\" (string)",
            "bad.yaml:6: policy.quotas[3].colour: unknown key 'colour'; known keys are name,"
                + " capabilities, per, calls, cost, window",
            "bad.yaml:7: policy.quotas[4].capabilities: '(x)' contains '('; patterns use id"
                + " characters and the wildcards * and ?",
            "bad.yaml:9: policy.quotas[6].name: another quota is named 'f'");
  }

  @Test
  void nodesWhoseClocksDifferCountIntoTheSameWindowInsteadOfResettingIt() {
    MemoryQuotaStore shared = new MemoryQuotaStore();
    Hands ahead = new Hands();
    Hands behind = new Hands();
    ahead.now.set(Instant.parse("2026-12-05T11:00:01Z")); // already in the 11:00 window
    behind.now.set(Instant.parse("2026-12-05T10:59:59Z")); // still in the 10:00 one
    Quotas a = new Quotas(ahead, shared);
    Quotas b = new Quotas(behind, shared);
    QuotaRule three = rule("three", "*", QuotaRule.Per.ALL, 3L, null);
    SecurityContext me = SecurityContext.full("me");
    a.charge(List.of(three), "x", me, 0);
    b.charge(List.of(three), "x", me, 0); // into 11:00, not a fresh 10:00 window
    a.charge(List.of(three), "x", me, 0);
    assertThatThrownBy(() -> b.charge(List.of(three), "x", me, 0))
        .hasMessageContaining("3 calls, 0.0 cost units so far")
        .hasMessageContaining("renews at 2026-12-05T12:00:00Z");
    assertThatThrownBy(() -> a.charge(List.of(three), "x", me, 0))
        .hasMessageContaining("quota three used up");
  }

  @Test
  void aUsageWithoutACounterIsEmptyForACallerOfNoTenant() {
    Quotas q = new Quotas(new Hands());
    QuotaRule perTenant = rule("t", "*", QuotaRule.Per.TENANT, 1L, null);
    SecurityContext me = SecurityContext.full("me");
    assertThat(q.usage(List.of(perTenant), me)).isEmpty();
    assertThat(q.charge(List.of(perTenant), "x", me, 0)).isEmpty();
  }
}
