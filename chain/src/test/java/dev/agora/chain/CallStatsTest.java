package dev.agora.chain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventType;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The per-capability summary {@code agora caps stats} prints, from recorded actions in any order.
 */
class CallStatsTest {

  private static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");
  private int n;

  private Event action(EventType type, String capability, Instant at) {
    return Event.of("a" + n++, type, at, null, "p", "tester").withCapability(capability, "1.0.0");
  }

  private Event ok(String capability, long millis) {
    return action(EventType.CapabilityResult, capability, T0)
        .withResult(Value.NIL, Duration.ofMillis(millis), 0);
  }

  @Test
  void callsFailuresLatencyPercentilesAndNotes() {
    List<Event> actions = new ArrayList<>();
    for (int ms = 1; ms <= 20; ms++) {
      actions.add(ok("svc.a", ms));
    }
    actions.add(
        action(EventType.CapabilityResult, "svc.a", T0)
            .withError("Timeout", "slow", Duration.ofMillis(100)));
    actions.add(
        action(EventType.CapabilityResult, "svc.a", T0)
            .withError("Timeout", "slow", Duration.ofMillis(100)));
    actions.add(action(EventType.PolicyDenied, "svc.a", T0));
    actions.add(action(EventType.CapabilityRetrying, "svc.a", T0));
    actions.add(ok("svc.a", 5).withMetadata(Dict.of(Value.keyword("cache"), Value.keyword("hit"))));
    actions.add(ok("svc.a", 5).withMetadata(Dict.of(Value.keyword("fallback"), Value.of("svc.b"))));
    actions.add(action(EventType.CapabilityCall, "svc.a", T0)); // a call's start: not counted twice
    actions.add(
        Event.of("plan", EventType.PlanStarted, T0, null, "p", "tester")); // no capability: ignored

    CallStats.Row row = CallStats.of(actions).getFirst();
    assertThat(row.capability()).isEqualTo("svc.a");
    assertThat(row.calls()).isEqualTo(25);
    assertThat(row.failed()).isEqualTo(3);
    assertThat(row.errors()).isEqualTo(Map.of("Timeout", 2L, "AccessDenied", 1L));
    assertThat(row.p50()).isEqualTo(Duration.ofMillis(10));
    assertThat(row.p95()).isEqualTo(Duration.ofMillis(100));
    assertThat(row.max()).isEqualTo(Duration.ofMillis(100));
    assertThat(row.retries()).isEqualTo(1);
    assertThat(row.cacheHits()).isEqualTo(1);
    assertThat(row.fallbacks()).isEqualTo(1);
    assertThat(row.circuit()).isNull();
  }

  @Test
  void theCircuitShownIsTheLatestTransitionWhateverTheOrder() {
    Event opened =
        action(EventType.CircuitChanged, "svc.b", T0.plusSeconds(10))
            .withMetadata(Dict.of(Value.keyword("to"), Value.keyword("open")));
    Event closed =
        action(EventType.CircuitChanged, "svc.b", T0.plusSeconds(20))
            .withMetadata(Dict.of(Value.keyword("to"), Value.keyword("closed")));
    Event odd = action(EventType.CircuitChanged, "svc.c", T0);
    assertThat(CallStats.of(List.of(closed, opened, odd)))
        .satisfiesExactly(
            b -> {
              assertThat(b.capability()).isEqualTo("svc.b");
              assertThat(b.circuit()).isEqualTo("closed");
              assertThat(b.calls()).isZero();
              assertThat(b.p50()).isNull();
              assertThat(b.max()).isNull();
            },
            c -> assertThat(c.circuit()).as("a transition without its state").isEqualTo("?"));
  }

  @Test
  void capabilitiesWithNeitherCallsNorACircuitAreLeftOut() {
    assertThat(
            CallStats.of(
                List.of(
                    action(EventType.CapabilityRetrying, "svc.d", T0),
                    action(EventType.CapabilityRegistered, "svc.e", T0))))
        .isEmpty();
    assertThat(CallStats.of(List.of(ok("svc.f", 7))))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.p50()).isEqualTo(Duration.ofMillis(7));
              assertThat(r.p95()).isEqualTo(Duration.ofMillis(7));
            });
    Event noDuration =
        new Event(
            "x",
            null,
            "p",
            EventType.CapabilityResult,
            T0,
            "svc.g",
            "1.0.0",
            "t",
            null,
            null,
            true,
            null,
            null,
            0,
            null,
            null);
    assertThat(CallStats.of(List.of(noDuration)))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.calls()).isEqualTo(1);
              assertThat(r.p50()).isNull();
            });
  }
}
