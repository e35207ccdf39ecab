package dev.agora.core.call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventType;
import dev.agora.chain.event.MemorySink;
import dev.agora.core.Marketplace;
import dev.agora.core.TestClock;
import dev.agora.core.call.policy.IsolationPolicy;
import dev.agora.core.call.policy.LimitRule;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.error.AgoraError;
import dev.agora.core.local.LocalFunction;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Glob;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Reader;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class CallPathTest {

  private final MemorySink sink = new MemorySink(100_000);
  private final AtomicInteger reached = new AtomicInteger();
  private Marketplace m;
  private final SecurityContext full = SecurityContext.full("tester");

  @BeforeEach
  void setUp() {
    m =
        Marketplace.builder()
            .sink(sink)
            .clock(new TestClock("2026-06-03T12:00:00Z"))
            .log(l -> {})
            .build();
    register(
        "t.add",
        "[:map [:a :int] [:b :int]]",
        ":int",
        (in, c) -> {
          reached.incrementAndGet();
          Dict d = (Dict) in;
          return Value.of(((Value.Int) d.get("a")).value() + ((Value.Int) d.get("b")).value());
        },
        "pure");
    register(
        "t.liar",
        ":any",
        ":int",
        (in, c) -> {
          reached.incrementAndGet();
          return Value.of("not an int");
        },
        "pure");
    register(
        "t.net",
        ":any",
        ":any",
        (in, c) -> {
          reached.incrementAndGet();
          return Value.TRUE;
        },
        "network");
  }

  @AfterEach
  void tearDown() {
    m.close();
  }

  private void register(String id, String in, String out, LocalFunction fn, String... effects) {
    m.registerLocal(
        CapabilityManifest.builder(id).input(in).output(out).effects(effects).build(),
        fn,
        true,
        "test");
  }

  private Value call(String id, String input) {
    return m.call(CallRequest.of(id, Reader.readValue(input), full));
  }

  private List<EventType> types() {
    return sink.events().stream()
        .map(Event::type)
        .filter(t -> t != EventType.CapabilityRegistered)
        .toList();
  }

  @Test
  void a_call_is_recorded_as_a_call_and_its_result() {
    assertThat(call("t.add", "{:a 2 :b 3}")).isEqualTo(Value.of(5));
    assertThat(types()).containsExactly(EventType.CapabilityCall, EventType.CapabilityResult);
    Event callEv = sink.events(EventType.CapabilityCall).get(0);
    Event result = sink.events(EventType.CapabilityResult).get(0);
    assertThat(callEv.caller()).isEqualTo("tester");
    assertThat(callEv.arguments()).isEqualTo(Reader.readValue("{:a 2 :b 3}"));
    assertThat(result.parentId()).isEqualTo(callEv.id());
    assertThat(result.success()).isTrue();
    assertThat(result.result()).isEqualTo(Value.of(5));
    assertThat(result.capabilityVersion()).isEqualTo("1.0.0");
    assertThat(result.duration()).isNotNull();
  }

  // ---- each error type, and what is recorded ----

  @Test
  void not_found_suggests_near_misses() {
    AgoraError.NotFound e =
        catchThrowableOfType(AgoraError.NotFound.class, () -> call("t.ad", "{}"));
    assertThat(e.getMessage()).isEqualTo("no capability 't.ad'; did you mean t.add?");
    assertThat(e.suggestions()).containsExactly("t.add");
    assertThat(types()).containsExactly(EventType.CapabilityCall, EventType.CapabilityResult);
    assertThat(sink.events(EventType.CapabilityResult).get(0).errorKind()).isEqualTo("NotFound");
  }

  @Test
  void access_denied_names_the_rule_and_is_recorded_as_policy_denied() {
    m.setPolicy(IsolationPolicy.allowAll().withDeny("t.*"));
    AgoraError.AccessDenied e =
        catchThrowableOfType(AgoraError.AccessDenied.class, () -> call("t.add", "{:a 1 :b 2}"));
    assertThat(e.rule()).isEqualTo("policy.deny[0] 't.*'");
    assertThat(reached.get()).isZero();
    assertThat(types()).containsExactly(EventType.CapabilityCall, EventType.PolicyDenied);
  }

  @Test
  void security_levels() {
    SecurityContext pure = SecurityContext.pure("sandbox");
    assertThat(m.call(CallRequest.of("t.add", Reader.readValue("{:a 1 :b 1}"), pure)))
        .isEqualTo(Value.of(2));
    AgoraError.SecurityViolation v =
        catchThrowableOfType(
            AgoraError.SecurityViolation.class,
            () -> m.call(CallRequest.of("t.net", Value.NIL, pure)));
    assertThat(v.getMessage())
        .isEqualTo(
            "caller 'sandbox' may not call 't.net': a pure context calls only pure "
                + "capabilities, and 't.net' has effects [network]");
    SecurityContext controlled = SecurityContext.controlled("agent", "t.net");
    assertThat(m.call(CallRequest.of("t.net", Value.NIL, controlled))).isEqualTo(Value.TRUE);
    assertThatThrownBy(
            () -> m.call(CallRequest.of("t.add", Reader.readValue("{:a 1 :b 1}"), controlled)))
        .isInstanceOf(AgoraError.SecurityViolation.class)
        .hasMessageContaining("not among the capabilities");
    SecurityContext noNetwork =
        new SecurityContext(
            "x", SecurityContext.Level.FULL, List.of(), Set.of("time"), Set.of("*"));
    assertThatThrownBy(() -> m.call(CallRequest.of("t.net", Value.NIL, noNetwork)))
        .hasMessageContaining("effect 'network' is not allowed (allowed: [time])");
    assertThat(sink.events(EventType.PolicyDenied)).hasSize(3);
  }

  @Test
  void permissions_are_required() {
    m.registerLocal(
        CapabilityManifest.builder("t.admin").effects("state").permissions("orders.admin").build(),
        (in, c) -> Value.TRUE,
        false,
        "test");
    SecurityContext without =
        new SecurityContext("bob", SecurityContext.Level.FULL, List.of(), null, Set.of("x"));
    assertThatThrownBy(() -> m.call(CallRequest.of("t.admin", Value.NIL, without)))
        .hasMessage(
            "caller 'bob' may not call 't.admin': it needs permission 'orders.admin', which this context does not hold");
    SecurityContext with =
        new SecurityContext(
            "ann", SecurityContext.Level.FULL, List.of(), null, Set.of("orders.admin"));
    assertThat(m.call(CallRequest.of("t.admin", Value.NIL, with))).isEqualTo(Value.TRUE);
  }

  @Test
  void invalid_input_has_path_expected_found_and_never_reaches_the_provider() {
    AgoraError.InvalidInput e =
        catchThrowableOfType(AgoraError.InvalidInput.class, () -> call("t.add", "{:a \"x\"}"));
    assertThat(e.problems())
        .extracting(p -> p.message())
        .containsExactly(
            "at [:a]: expected :int, found \"x\" (string)",
            "at [:b]: expected :int (required key), found nothing");
    assertThat(e.problems().get(0).path()).containsExactly(Value.keyword("a"));
    assertThat(reached.get()).isZero();
    assertThat(e.data().get("problems")).isNotNull();
  }

  @Test
  void invalid_output_is_caught_after_the_provider_ran() {
    assertThatThrownBy(() -> call("t.liar", "nil"))
        .isInstanceOf(AgoraError.InvalidOutput.class)
        .hasMessage(
            "invalid output from 't.liar': at []: expected :int, found \"not an int\" (string)");
    assertThat(reached.get()).isEqualTo(1);
  }

  @Test
  void provider_errors_carry_the_cause_and_no_provider_is_an_error_too() {
    IllegalStateException boom = new IllegalStateException("disk full");
    m.registerLocal(
        CapabilityManifest.builder("t.boom").effects("pure").build(),
        (in, c) -> {
          throw boom;
        },
        true,
        "test");
    AgoraError.ProviderError e =
        catchThrowableOfType(AgoraError.ProviderError.class, () -> call("t.boom", "nil"));
    assertThat(e.getMessage()).isEqualTo("capability 't.boom' failed: disk full");
    assertThat(e.getCause()).isSameAs(boom);
    m.registry()
        .register(
            CapabilityManifest.builder("t.remote")
                .provider(new ProviderSpec.Mcp("weather", "current", Dict.EMPTY))
                .effects("network")
                .build(),
            "test");
    assertThatThrownBy(() -> call("t.remote", "nil"))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessage("capability 't.remote' failed: no provider for type 'mcp' is installed");
  }

  // ---- the order of the stages ----

  @Test
  void stages_run_in_their_documented_order() {
    // policy before security before validation before limits: each test breaks two stages at once
    m.setPolicy(IsolationPolicy.allowAll().withDeny("t.net"));
    assertThatThrownBy(
            () -> m.call(CallRequest.of("t.net", Reader.readValue("1"), SecurityContext.pure("p"))))
        .as("policy before security")
        .isInstanceOf(AgoraError.AccessDenied.class);
    m.setPolicy(
        IsolationPolicy.allowAll()
            .withLimit(new LimitRule(Glob.of("t.*"), null, 1, "policy.limits[0]")));
    register("t.strict", "[:map [:n :int]]", ":any", (in, c) -> Value.NIL, "network");
    assertThatThrownBy(
            () ->
                m.call(
                    CallRequest.of(
                        "t.strict", Reader.readValue("{:n \"x\"}"), SecurityContext.pure("p"))))
        .as("security before validation")
        .isInstanceOf(AgoraError.SecurityViolation.class);
    assertThatThrownBy(
            () ->
                m.call(
                    CallRequest.of(
                        "t.nothing", Reader.readValue("{:n \"x\"}"), SecurityContext.pure("p"))))
        .as("resolution before everything")
        .isInstanceOf(AgoraError.NotFound.class);
    assertThat(reached.get()).isZero();
  }

  // ---- deadlines ----

  @Test
  void at_the_deadline_the_provider_is_interrupted_and_the_caller_gets_timeout_at_once()
      throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    m.registerLocal(
        CapabilityManifest.builder("t.hang").effects("network").build(),
        (in, c) -> {
          try {
            never.await();
          } catch (InterruptedException e) {
            interrupted.countDown();
            throw e;
          }
          return Value.NIL;
        },
        false,
        "test");
    AgoraError.Timeout t =
        catchThrowableOfType(
            AgoraError.Timeout.class,
            () ->
                m.call(
                    CallRequest.of("t.hang", Value.NIL, full).withTimeout(Duration.ofMillis(50))));
    assertThat(t.getMessage()).isEqualTo("capability 't.hang' did not finish within 50 ms");
    assertThat(interrupted.await(30, TimeUnit.SECONDS)).as("the provider was interrupted").isTrue();
    assertThat(sink.events(EventType.CapabilityResult).get(0).errorKind()).isEqualTo("Timeout");
  }

  @Test
  void a_provider_that_ignores_interrupts_still_cannot_hold_the_caller() {
    AtomicBoolean stop = new AtomicBoolean();
    m.registerLocal(
        CapabilityManifest.builder("t.spin").effects("network").build(),
        (in, c) -> {
          while (!stop.get()) {
            Thread.onSpinWait(); // deliberately deaf to interrupts
          }
          return Value.NIL;
        },
        false,
        "test");
    try {
      assertThatThrownBy(
              () ->
                  m.call(
                      CallRequest.of("t.spin", Value.NIL, full).withTimeout(Duration.ofMillis(50))))
          .isInstanceOf(AgoraError.Timeout.class);
    } finally {
      stop.set(true);
    }
  }

  @Test
  void the_narrowest_deadline_applies() {
    m.registerLocal(
        CapabilityManifest.builder("t.declared")
            .effects("network")
            .timeout(Duration.ofMillis(40))
            .build(),
        (in, c) -> Value.of(c.remaining().toMillis()),
        false,
        "test");
    long left =
        ((Value.Int)
                m.call(
                    CallRequest.of("t.declared", Value.NIL, full)
                        .withTimeout(Duration.ofSeconds(10))))
            .value();
    assertThat(left).isBetween(0L, 40L);
    m.setPolicy(IsolationPolicy.allowAll().withDefaultTimeout(Duration.ofMillis(30)));
    long policyLeft = ((Value.Int) m.call(CallRequest.of("t.declared", Value.NIL, full))).value();
    assertThat(policyLeft).isBetween(0L, 30L);
  }

  // ---- concurrency ----

  @Test
  void a_full_concurrency_limit_refuses_at_once_naming_the_rule() throws Exception {
    m.setPolicy(
        IsolationPolicy.allowAll()
            .withLimit(new LimitRule(Glob.of("t.slow*"), null, 2, "policy.limits[0]")));
    CountDownLatch entered = new CountDownLatch(2);
    CountDownLatch release = new CountDownLatch(1);
    m.registerLocal(
        CapabilityManifest.builder("t.slow").effects("network").build(),
        (in, c) -> {
          entered.countDown();
          release.await();
          return Value.TRUE;
        },
        false,
        "test");
    List<Thread> holders = new ArrayList<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    for (int i = 0; i < 2; i++) {
      holders.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      m.call(CallRequest.of("t.slow", Value.NIL, full));
                    } catch (Throwable e) {
                      failure.set(e);
                    }
                  }));
    }
    assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
    assertThatThrownBy(() -> m.call(CallRequest.of("t.slow", Value.NIL, full)))
        .isInstanceOf(AgoraError.LimitExceeded.class)
        .hasMessage(
            "capability 't.slow' refused: at most 2 concurrent calls (policy.limits[0] 't.slow*')");
    release.countDown();
    for (Thread t : holders) {
      t.join();
    }
    assertThat(failure.get()).isNull();
    assertThat(m.call(CallRequest.of("t.slow", Value.NIL, full)))
        .as("permits come back")
        .isEqualTo(Value.TRUE);
  }

  @Test
  void ten_thousand_concurrent_slow_calls_do_not_exhaust_platform_threads() throws Exception {
    int calls = 10_000;
    CountDownLatch entered = new CountDownLatch(calls);
    CountDownLatch release = new CountDownLatch(1);
    m.registerLocal(
        CapabilityManifest.builder("t.wait").effects("network").build(),
        (in, c) -> {
          entered.countDown();
          release.await();
          return Value.TRUE;
        },
        false,
        "test");
    AtomicInteger ok = new AtomicInteger();
    List<Thread> callers = new ArrayList<>(calls);
    for (int i = 0; i < calls; i++) {
      callers.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    if (m.call(CallRequest.of("t.wait", Value.NIL, full)).equals(Value.TRUE)) {
                      ok.incrementAndGet();
                    }
                  }));
    }
    assertThat(entered.await(90, TimeUnit.SECONDS))
        .as("all 10,000 calls are inside the provider at once")
        .isTrue();
    int platformThreads = ManagementFactory.getThreadMXBean().getThreadCount();
    release.countDown();
    for (Thread t : callers) {
      t.join();
    }
    assertThat(ok.get()).isEqualTo(calls);
    assertThat(platformThreads).as("live platform threads while 10,000 calls wait").isLessThan(100);
  }
}
