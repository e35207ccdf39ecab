package dev.agora.core.call.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.core.manifest.Glob;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyTest {

  private static final Instant NOON = Instant.parse("2026-06-03T12:00:00Z");

  private static String denial(IsolationPolicy p, String id) {
    return new PolicyEngine(p).denial(id, NOON);
  }

  @Test
  void globs_are_anchored_on_the_whole_id() {
    IsolationPolicy p = IsolationPolicy.allowAll().withAllow("ccos.math.*");
    assertThat(denial(p, "ccos.math.add")).isNull();
    assertThat(denial(p, "evil.ccos.math.add"))
        .isEqualTo("policy.allow ('ccos.math.*', which 'evil.ccos.math.add' does not match)");
    assertThat(denial(p, "ccosXmathYadd")).isNotNull();
  }

  @Test
  void deny_wins_over_allow() {
    IsolationPolicy p =
        IsolationPolicy.allowAll().withAllow("ccos.*").withDeny("ccos.system.*", "*.secret");
    assertThat(denial(p, "ccos.echo")).isNull();
    assertThat(denial(p, "ccos.system.get-env")).isEqualTo("policy.deny[0] 'ccos.system.*'");
    assertThat(denial(p, "ccos.vault.secret")).isEqualTo("policy.deny[1] '*.secret'");
  }

  @Test
  void namespace_policies_apply_on_segment_boundaries() {
    IsolationPolicy p =
        IsolationPolicy.allowAll()
            .withNamespace(
                new NamespacePolicy(
                    "ccos",
                    List.of(Rule.of("ccos.echo", "ns.allow[0]")),
                    List.of(Rule.of("ccos.math.*", "ns.deny[0]")),
                    null,
                    null,
                    "policy.namespaces.ccos"));
    assertThat(denial(p, "ccos.echo")).isNull();
    assertThat(denial(p, "ccos.math.add")).isEqualTo("ns.deny[0] 'ccos.math.*'");
    assertThat(denial(p, "ccos.io.log"))
        .isEqualTo(
            "policy.namespaces.ccos.allow ('ccos.echo', which 'ccos.io.log' does not match)");
    assertThat(denial(p, "ccosx.tool")).as("not in namespace ccos").isNull();
  }

  @Test
  void an_empty_namespace_allow_list_allows_nothing_there() {
    IsolationPolicy p =
        IsolationPolicy.allowAll()
            .withNamespace(
                new NamespacePolicy(
                    "locked", List.of(), List.of(), null, null, "policy.namespaces.locked"));
    assertThat(denial(p, "locked.x")).startsWith("policy.namespaces.locked.allow (no patterns");
    assertThat(denial(p, "open.x")).isNull();
  }

  @Test
  void a_time_window_keeps_wall_clock_hours_across_a_dst_change() {
    // Oslo moves from UTC+1 to UTC+2 at 01:00 UTC on 29 March 2026.
    TimeWindow nineToFive =
        new TimeWindow(
            ZoneId.of("Europe/Oslo"),
            Set.of(),
            LocalTime.of(9, 0),
            LocalTime.of(17, 0),
            List.of(Glob.of("billing.*")),
            "policy.time_windows[0]");
    IsolationPolicy p = IsolationPolicy.allowAll().withWindow(nineToFive);
    PolicyEngine e = new PolicyEngine(p);
    assertThat(e.denial("billing.run", Instant.parse("2026-03-28T07:30:00Z")))
        .as("08:30 CET")
        .isNotNull();
    assertThat(e.denial("billing.run", Instant.parse("2026-03-29T07:30:00Z")))
        .as("09:30 CEST")
        .isNull();
    assertThat(e.denial("billing.run", Instant.parse("2026-03-28T15:30:00Z")))
        .as("16:30 CET")
        .isNull();
    assertThat(e.denial("billing.run", Instant.parse("2026-03-29T15:30:00Z")))
        .as("17:30 CEST")
        .isNotNull();
    assertThat(e.denial("billing.run", Instant.parse("2026-10-25T07:59:00Z")))
        .as("08:59 CET after the change back")
        .isNotNull();
    assertThat(e.denial("billing.run", Instant.parse("2026-10-25T08:00:00Z")))
        .as("09:00 CET")
        .isNull();
    assertThat(e.denial("other.run", Instant.parse("2026-03-28T02:00:00Z")))
        .as("the window applies to billing only")
        .isNull();
    assertThat(e.denial("billing.run", Instant.parse("2026-03-28T07:30:00Z")))
        .isEqualTo(
            "policy.time_windows[0] (09:00-17:00 every day Europe/Oslo): outside the allowed time");
  }

  @Test
  void days_of_the_week_and_windows_over_midnight() {
    TimeWindow weekdays =
        new TimeWindow(
            ZoneId.of("UTC"),
            EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY),
            LocalTime.of(0, 0),
            LocalTime.MAX,
            List.of(),
            "w");
    assertThat(weekdays.contains(Instant.parse("2026-06-05T10:00:00Z"))).as("a Friday").isTrue();
    assertThat(weekdays.contains(Instant.parse("2026-06-06T10:00:00Z"))).as("a Saturday").isFalse();
    TimeWindow night =
        new TimeWindow(
            ZoneId.of("UTC"),
            EnumSet.of(DayOfWeek.FRIDAY),
            LocalTime.of(22, 0),
            LocalTime.of(6, 0),
            List.of(),
            "n");
    assertThat(night.contains(Instant.parse("2026-06-05T23:00:00Z"))).as("Friday 23:00").isTrue();
    assertThat(night.contains(Instant.parse("2026-06-06T05:00:00Z")))
        .as("Saturday 05:00, Friday's night")
        .isTrue();
    assertThat(night.contains(Instant.parse("2026-06-06T23:00:00Z")))
        .as("Saturday 23:00")
        .isFalse();
    assertThat(night.contains(Instant.parse("2026-06-05T12:00:00Z"))).isFalse();
  }

  @Test
  void several_windows_any_one_suffices() {
    IsolationPolicy p =
        IsolationPolicy.allowAll()
            .withWindow(
                new TimeWindow(
                    ZoneId.of("UTC"),
                    Set.of(),
                    LocalTime.of(8, 0),
                    LocalTime.of(9, 0),
                    List.of(),
                    "a"))
            .withWindow(
                new TimeWindow(
                    ZoneId.of("UTC"),
                    Set.of(),
                    LocalTime.of(11, 0),
                    LocalTime.of(13, 0),
                    List.of(),
                    "b"));
    assertThat(denial(p, "x.y")).isNull();
    assertThat(new PolicyEngine(p).denial("x.y", Instant.parse("2026-06-03T10:00:00Z")))
        .startsWith("a (08:00-09:00");
  }

  @Test
  void the_narrowest_timeout_and_every_concurrency_gate_apply() {
    IsolationPolicy p =
        IsolationPolicy.allowAll()
            .withDefaultTimeout(Duration.ofSeconds(30))
            .withLimit(
                new LimitRule(Glob.of("slow.*"), Duration.ofSeconds(5), 2, "policy.limits[0]"))
            .withLimit(
                new LimitRule(
                    Glob.of("slow.very"), Duration.ofSeconds(1), null, "policy.limits[1]"))
            .withNamespace(
                new NamespacePolicy(
                    "slow", null, List.of(), Duration.ofSeconds(3), 10, "policy.namespaces.slow"));
    PolicyEngine e = new PolicyEngine(p);
    assertThat(e.verdict("slow.very").timeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(e.verdict("slow.other").timeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(e.verdict("fast.x").timeout()).isNull();
    assertThat(e.verdict("slow.other").gates())
        .extracting(PolicyEngine.Gate::rule)
        .containsExactly("policy.limits[0] 'slow.*'", "policy.namespaces.slow");
    assertThat(e.verdict("slow.other").gates().get(0))
        .as("per capability")
        .isNotSameAs(e.verdict("slow.very").gates().get(0));
    assertThat(e.verdict("slow.other").gates().get(1))
        .as("one per namespace")
        .isSameAs(e.verdict("slow.very").gates().get(1));
  }
}
