package dev.agora.core.call.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventType;
import dev.agora.chain.event.MemorySink;
import dev.agora.core.Marketplace;
import dev.agora.core.TestClock;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.error.AgoraError;
import dev.agora.core.error.Fault;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Glob;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.core.spi.CallContext;
import dev.agora.core.spi.Provider;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.Value;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The resilience stage on the real call path, with a provider of type {@code http} written here
 * whose behaviour each test scripts (the HTTP provider's own tests do the same against a real
 * server): retry, circuit breaker, bulkhead, rate limit, cache, fallback, and their records.
 */
@Timeout(30)
class ResilienceTest {

  /** What each scripted capability does on its n-th call (1-based). */
  interface Script {
    Value run(int n, Value input) throws Exception;
  }

  final Map<String, Script> scripts = new ConcurrentHashMap<>();
  final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  final MemorySink sink = new MemorySink(10_000);
  Marketplace market;

  final Provider scripted =
      new Provider() {
        @Override
        public String type() {
          return "http";
        }

        @Override
        public Value execute(CapabilityManifest m, Value input, CallContext call) throws Exception {
          int n = calls.computeIfAbsent(m.id(), k -> new AtomicInteger()).incrementAndGet();
          return scripts.get(m.id()).run(n, input);
        }
      };

  /** The marketplace's clock, which circuit breakers follow too. */
  final TestClock clock = new TestClock("2026-11-21T12:00:00Z");

  void start(ResiliencePolicy policy) {
    market = Marketplace.builder().sink(sink).clock(clock).log(l -> {}).provider(scripted).build();
    market.setResilience(policy);
  }

  @AfterEach
  void stop() {
    if (market != null) {
      market.close();
    }
  }

  void register(String id, boolean idempotent, boolean pure, Script script) {
    Dict options = idempotent ? Dict.builder().put("idempotent", Value.TRUE).build() : Dict.EMPTY;
    CapabilityManifest.Builder b =
        CapabilityManifest.builder(id)
            .provider(new ProviderSpec.Http("http://scripted.invalid/" + id, "GET", options));
    if (!pure) {
      b.effects("network");
    }
    market.register(b.build(), "test");
    scripts.put(id, script);
  }

  Value call(String id, Value input) {
    return market.call(CallRequest.of(id, input, SecurityContext.full("tester")));
  }

  int calls(String id) {
    AtomicInteger n = calls.get(id);
    return n == null ? 0 : n.get();
  }

  static AgoraError.ProviderError flaky(String id) {
    return AgoraError.ProviderError.transientFailure(id, "HTTP 503 from GET scripted", null);
  }

  static ResiliencePolicy policy(ResilienceSettings defaults, ResiliencePolicy.Rule... rules) {
    return new ResiliencePolicy(defaults, Map.of(), List.of(rules));
  }

  static final ResilienceSettings.Retry FAST_RETRY =
      new ResilienceSettings.Retry(3, Duration.ofMillis(1), Duration.ofMillis(5), 2.0, 0.5);

  static ResilienceSettings only(ResilienceSettings.Retry r) {
    return new ResilienceSettings(r, null, null, null, null, List.of());
  }

  List<Event> events(EventType type, String id) {
    return sink.events(type).stream().filter(e -> id.equals(e.capabilityId())).toList();
  }

  Event result(String id) {
    return events(EventType.CapabilityResult, id).getLast();
  }

  @Test
  void transientFailuresOfAnIdempotentCapabilityAreRetriedAndRecorded() {
    start(policy(only(FAST_RETRY)));
    register(
        "t.flaky",
        true,
        false,
        (n, in) -> {
          if (n <= 2) {
            throw flaky("t.flaky");
          }
          return Value.of("third time");
        });
    assertThat(call("t.flaky", Value.NIL)).isEqualTo(Value.of("third time"));
    assertThat(calls("t.flaky")).isEqualTo(3);
    List<Event> retries = events(EventType.CapabilityRetrying, "t.flaky");
    assertThat(retries).hasSize(2);
    Event called = events(EventType.CapabilityCall, "t.flaky").getFirst();
    assertThat(retries)
        .allSatisfy(
            r -> {
              assertThat(r.parentId()).isEqualTo(called.id());
              assertThat(r.error()).contains("HTTP 503");
            });
    assertThat(Printer.print(retries.get(1).metadata())).contains(":attempt 2");
    assertThat(Printer.print(result("t.flaky").metadata())).contains(":attempts 3");
  }

  @Test
  void retriesStopAtTheBoundAndNeverTouchANonIdempotentCall() {
    start(policy(only(FAST_RETRY)));
    register(
        "t.down",
        true,
        false,
        (n, in) -> {
          throw flaky("t.down");
        });
    register(
        "t.post",
        false,
        false,
        (n, in) -> {
          throw flaky("t.post");
        });
    register(
        "t.bad-request",
        true,
        false,
        (n, in) -> {
          throw new AgoraError.ProviderError("t.bad-request", "HTTP 400", null);
        });
    assertThatThrownBy(() -> call("t.down", Value.NIL))
        .isInstanceOf(AgoraError.ProviderError.class);
    assertThat(calls("t.down")).isEqualTo(3);
    assertThatThrownBy(() -> call("t.post", Value.NIL))
        .isInstanceOf(AgoraError.ProviderError.class);
    assertThat(calls("t.post")).isEqualTo(1);
    assertThat(events(EventType.CapabilityRetrying, "t.post")).isEmpty();
    assertThatThrownBy(() -> call("t.bad-request", Value.NIL)).hasMessageContaining("HTTP 400");
    assertThat(calls("t.bad-request")).isEqualTo(1); // not transient: the caller must fix it
  }

  @Test
  void retryingNeverRunsPastTheDeadline() {
    ResilienceSettings.Retry slow =
        new ResilienceSettings.Retry(50, Duration.ofMillis(40), Duration.ofMillis(40), 1.0, 0);
    start(policy(only(slow)));
    register(
        "t.down",
        true,
        false,
        (n, in) -> {
          throw flaky("t.down");
        });
    long t0 = System.nanoTime();
    assertThatThrownBy(
            () ->
                market.call(
                    new CallRequest(
                        "t.down",
                        null,
                        Value.NIL,
                        SecurityContext.full("t"),
                        null,
                        null,
                        Duration.ofMillis(300))))
        .isInstanceOf(AgoraError.class);
    assertThat(calls("t.down")).isLessThan(50);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aCircuitOpensOnFailuresRefusesAtOnceAndRecovers() {
    ResilienceSettings.CircuitBreaker cb =
        new ResilienceSettings.CircuitBreaker(50, 4, 4, Duration.ofMillis(200), 1);
    start(policy(new ResilienceSettings(null, cb, null, null, null, List.of())));
    AtomicInteger healthyFrom = new AtomicInteger(Integer.MAX_VALUE);
    register(
        "t.svc",
        true,
        false,
        (n, in) -> {
          if (n < healthyFrom.get()) {
            throw flaky("t.svc");
          }
          return Value.of("ok");
        });
    for (int i = 0; i < 4; i++) {
      assertThatThrownBy(() -> call("t.svc", Value.NIL)).hasMessageContaining("HTTP 503");
    }
    assertThatThrownBy(() -> call("t.svc", Value.NIL))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("its circuit breaker is open");
    assertThat(calls("t.svc")).isEqualTo(4); // refused without reaching the provider
    assertThat(Printer.print(result("t.svc").metadata())).contains(":circuit :open");
    assertThat(events(EventType.CircuitChanged, "t.svc"))
        .extracting(e -> Printer.print(e.metadata()))
        .containsExactly("{:from :closed :to :open}");
    healthyFrom.set(5);
    clock.advance(Duration.ofMillis(199));
    assertThatThrownBy(() -> call("t.svc", Value.NIL))
        .hasMessageContaining("circuit breaker is open");
    assertThat(calls("t.svc")).isEqualTo(4);
    clock.advance(
        Duration.ofMillis(
            2)); // open_for has passed: one probe goes through, succeeds, and closes it
    assertThat(call("t.svc", Value.NIL)).isEqualTo(Value.of("ok"));
    assertThat(call("t.svc", Value.NIL)).isEqualTo(Value.of("ok"));
    assertThat(events(EventType.CircuitChanged, "t.svc"))
        .extracting(e -> Printer.print(e.metadata()))
        .containsExactly(
            "{:from :closed :to :open}",
            "{:from :open :to :half_open}",
            "{:from :half_open :to :closed}");
  }

  /**
   * Issue 12: any caller could open a circuit for everyone with input the upstream refuses. Errors
   * that are the caller's (refused input, a policy refusal) or Agora's own count neither as
   * failures nor as successes; only the provider's own failures (transient 5xx, timeouts, broken
   * answers) open the circuit — and a half-open probe refused for the caller's sake does not close
   * it.
   */
  @Test
  void onlyTheProvidersOwnFailuresOpenTheCircuit_issue12() {
    ResilienceSettings.CircuitBreaker cb =
        new ResilienceSettings.CircuitBreaker(50, 4, 4, Duration.ofMillis(200), 1);
    start(policy(new ResilienceSettings(null, cb, null, null, null, List.of())));
    register(
        "t.svc",
        false,
        false,
        (n, in) -> {
          String mode = ((Value.Str) in).value();
          throw switch (mode) {
            case "400" -> AgoraError.ProviderError.refused("t.svc", "HTTP 400 from GET x", null);
            case "policy" -> new AgoraError.AccessDenied("t.svc", "no", "policy.egress");
            case "limit" -> new AgoraError.LimitExceeded("t.svc", "full");
            case "bug" -> new IllegalStateException("a provider bug");
            case "broken" -> new AgoraError.ProviderError("t.svc", "not valid JSON", null);
            default -> flaky("t.svc");
          };
        });
    for (int i = 0; i < 20; i++) {
      for (String mode : List.of("400", "policy", "limit")) {
        assertThatThrownBy(() -> call("t.svc", Value.of(mode)))
            .as(mode)
            .satisfies(e -> assertThat(e.getMessage()).doesNotContain("circuit breaker is open"));
      }
    }
    assertThat(calls("t.svc")).isEqualTo(60); // every one reached the provider
    assertThat(events(EventType.CircuitChanged, "t.svc")).isEmpty();
    // ignored calls do not dilute the window either: a 503, a provider bug, a broken answer and
    // another 503 open it
    for (String mode : List.of("503", "400", "bug", "broken", "400", "503")) {
      assertThatThrownBy(() -> call("t.svc", Value.of(mode)))
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("circuit breaker is open"));
    }
    assertThatThrownBy(() -> call("t.svc", Value.of("400")))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("its circuit breaker is open")
        .satisfies(e -> assertThat(((AgoraError) e).fault()).isEqualTo(Fault.AGORA));
    assertThat(calls("t.svc")).isEqualTo(66);
    clock.advance(Duration.ofMillis(201)); // half-open: a probe the caller spoils closes nothing
    assertThatThrownBy(() -> call("t.svc", Value.of("400"))).hasMessageContaining("HTTP 400");
    assertThat(events(EventType.CircuitChanged, "t.svc"))
        .extracting(e -> Printer.print(e.metadata()))
        .containsExactly("{:from :closed :to :open}", "{:from :open :to :half_open}");
  }

  @Test
  void aFullBulkheadAndAnExhaustedRateLimitRefuse() throws Exception {
    ResilienceSettings s =
        new ResilienceSettings(
            null, null, new ResilienceSettings.Bulkhead(1, Duration.ZERO), null, null, List.of());
    ResilienceSettings r =
        new ResilienceSettings(
            null, null, null, new ResilienceSettings.RateLimit(2, Duration.ZERO), null, List.of());
    start(
        policy(
            ResilienceSettings.NONE,
            new ResiliencePolicy.Rule(Glob.of("t.one"), s, "rule[0]"),
            new ResiliencePolicy.Rule(Glob.of("t.limited"), r, "rule[1]")));
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    register(
        "t.one",
        false,
        false,
        (n, in) -> {
          inside.countDown();
          release.await();
          return Value.of(n);
        });
    register("t.limited", false, false, (n, in) -> Value.of(n));
    CompletableFuture<Value> first = CompletableFuture.supplyAsync(() -> call("t.one", Value.NIL));
    inside.await();
    assertThatThrownBy(() -> call("t.one", Value.NIL))
        .isInstanceOf(AgoraError.LimitExceeded.class)
        .hasMessageContaining("at most 1 concurrent calls (resilience bulkhead)");
    release.countDown();
    assertThat(first.get()).isEqualTo(Value.of(1));
    call("t.limited", Value.NIL);
    call("t.limited", Value.NIL);
    // a third within the same second (the test would need > 1 s between the calls above to see a
    // refill)
    assertThatThrownBy(() -> call("t.limited", Value.NIL))
        .isInstanceOf(AgoraError.LimitExceeded.class)
        .hasMessageContaining("at most 2 calls per second (resilience rate_limit)");
  }

  @Test
  void pureResultsAreCachedPerInput() {
    ResilienceSettings cached =
        new ResilienceSettings(
            null,
            null,
            null,
            null,
            new ResilienceSettings.Cache(Duration.ofMinutes(1), 100),
            List.of());
    start(policy(cached));
    register("t.pure", false, true, (n, in) -> Value.of("computed " + n));
    register("t.impure", false, false, (n, in) -> Value.of("computed " + n));
    assertThat(call("t.pure", Value.of(1))).isEqualTo(Value.of("computed 1"));
    assertThat(call("t.pure", Value.of(1))).isEqualTo(Value.of("computed 1"));
    assertThat(result("t.pure").metadata().get("cache")).isEqualTo(Value.keyword("hit"));
    assertThat(call("t.pure", Value.of(2))).isEqualTo(Value.of("computed 2"));
    assertThat(calls("t.pure")).isEqualTo(2);
    call("t.impure", Value.of(1));
    call("t.impure", Value.of(1));
    assertThat(calls("t.impure")).isEqualTo(2); // only pure capabilities are cached
  }

  @Test
  void aFallbackAnswersWhenThePrimaryFailsAndIsRecordedAsItsOwnCall() {
    ResilienceSettings withFallback =
        new ResilienceSettings(null, null, null, null, null, List.of("t.backup-down", "t.backup"));
    start(
        policy(
            ResilienceSettings.NONE,
            new ResiliencePolicy.Rule(Glob.of("t.primary"), withFallback, "rule[0]")));
    register(
        "t.primary",
        false,
        false,
        (n, in) -> {
          throw flaky("t.primary");
        });
    register(
        "t.backup-down",
        false,
        false,
        (n, in) -> {
          throw flaky("t.backup-down");
        });
    register("t.backup", false, false, (n, in) -> Value.of("from backup: " + Printer.print(in)));
    assertThat(call("t.primary", Value.of("x"))).isEqualTo(Value.of("from backup: \"x\""));
    Event primaryCall = events(EventType.CapabilityCall, "t.primary").getFirst();
    assertThat(events(EventType.CapabilityCall, "t.backup").getFirst().parentId())
        .isEqualTo(primaryCall.id());
    assertThat(events(EventType.CapabilityCall, "t.backup-down").getFirst().parentId())
        .isEqualTo(primaryCall.id());
    Event primaryResult = result("t.primary");
    assertThat(primaryResult.success()).isTrue();
    assertThat(Printer.print(primaryResult.metadata()))
        .contains(":fallback \"t.backup\"")
        .contains("HTTP 503");
    scripts.put(
        "t.backup",
        (n, in) -> {
          throw flaky("t.backup");
        });
    assertThatThrownBy(() -> call("t.primary", Value.of("x")))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("'t.primary'");
    assertThat(result("t.primary").success()).isFalse();
    assertThat(Printer.print(result("t.primary").metadata()))
        .contains(":fallbacks-failed [")
        .contains("'t.backup-down' failed")
        .contains("'t.backup' failed");
  }

  /** Issue 13: a caller that gave up wants no answer, from the primary or a fallback. */
  @Test
  void aCancelledCallTriesNoFallback() {
    ResilienceSettings withFallback =
        new ResilienceSettings(null, null, null, null, null, List.of("t.backup"));
    start(
        policy(
            ResilienceSettings.NONE,
            new ResiliencePolicy.Rule(Glob.of("t.primary"), withFallback, "rule[0]")));
    register(
        "t.primary",
        false,
        false,
        (n, in) -> {
          throw new AgoraError.Cancelled("t.primary", "the client cancelled");
        });
    register("t.backup", false, false, (n, in) -> Value.of("from backup"));
    assertThatThrownBy(() -> call("t.primary", Value.of("x")))
        .isInstanceOf(AgoraError.Cancelled.class)
        .hasMessage("capability 't.primary' was cancelled: the client cancelled");
    assertThat(calls("t.backup")).isZero();
    assertThat(result("t.primary").errorKind()).isEqualTo("Cancelled");
  }

  @Test
  void localCapabilitiesAreLeftAloneUnlessARuleNamesThem() {
    start(ResiliencePolicy.DEFAULT);
    CapabilityManifest local = CapabilityManifest.builder("t.local").effects("network").build();
    assertThat(ResiliencePolicy.DEFAULT.settingsFor(local).isEmpty()).isTrue();
    CapabilityManifest remote =
        CapabilityManifest.builder("t.remote")
            .provider(new ProviderSpec.Http("http://x.invalid/", "GET", Dict.EMPTY))
            .build();
    assertThat(ResiliencePolicy.DEFAULT.settingsFor(remote).retry())
        .isEqualTo(ResilienceSettings.Retry.DEFAULT);
    ResiliencePolicy p =
        new ResiliencePolicy(
            ResiliencePolicy.DEFAULT.defaults(),
            Map.of(
                "http",
                new ResilienceSettings(
                    ResilienceSettings.Retry.OFF, null, null, null, null, List.of())),
            List.of());
    assertThat(p.settingsFor(remote).retry()).isEqualTo(ResilienceSettings.Retry.OFF);
    assertThat(p.settingsFor(remote).breaker())
        .isEqualTo(ResilienceSettings.CircuitBreaker.DEFAULT);
  }
}
