package dev.agora.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventType;
import dev.agora.chain.event.MemorySink;
import dev.agora.core.call.policy.IsolationPolicy;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.ErrorKind;
import dev.agora.rtfs.Limits;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Reader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PlanRunnerTest {

  private final MemorySink sink = new MemorySink(10_000);
  private Marketplace m;
  private final PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());

  @BeforeEach
  void setUp() {
    m = Marketplace.builder().sink(sink).log(l -> {}).build();
    m.bootstrap();
    m.registerLocal(
        CapabilityManifest.builder("geo.distance")
            .input("[:map [:from :number] [:to :number]]")
            .output(":number")
            .effects("pure")
            .build(),
        (in, c) ->
            Value.of(
                Math.abs(
                    ((Value.Int) ((Dict) in).get("to")).value()
                        - ((Value.Int) ((Dict) in).get("from")).value())),
        true,
        "test");
  }

  @AfterEach
  void tearDown() {
    m.close();
  }

  private PlanRunner.Outcome run(String plan, SecurityContext as) {
    return m.runPlan(plan, "plan.rtfs", as, Limits.DEFAULT, quiet);
  }

  private List<Event> planEvents() {
    return sink.events().stream().filter(e -> e.type() != EventType.CapabilityRegistered).toList();
  }

  @Test
  void plan_steps_and_calls_nest_by_parent_id() {
    PlanRunner.Outcome o =
        run(
            "(step \"outer\" (step \"inner\" (call :ccos.math.add [1 2])))",
            SecurityContext.full("ada"));
    assertThat(o.ok()).isTrue();
    assertThat(o.value()).isEqualTo(Value.of(3));
    List<Event> ev = planEvents();
    assertThat(ev)
        .extracting(Event::type)
        .containsExactly(
            EventType.PlanStarted,
            EventType.PlanStepStarted,
            EventType.PlanStepStarted,
            EventType.CapabilityCall,
            EventType.CapabilityResult,
            EventType.PlanStepCompleted,
            EventType.PlanStepCompleted,
            EventType.PlanCompleted);
    String plan = ev.get(0).id();
    assertThat(ev).allSatisfy(e -> assertThat(e.planId()).isEqualTo(plan));
    assertThat(ev).allSatisfy(e -> assertThat(e.caller()).isEqualTo("ada"));
    assertThat(ev.get(1).parentId()).isEqualTo(plan);
    assertThat(ev.get(2).parentId()).isEqualTo(ev.get(1).id());
    assertThat(ev.get(3).parentId()).as("the call nests under its step").isEqualTo(ev.get(2).id());
    assertThat(ev.get(4).parentId()).isEqualTo(ev.get(3).id());
    assertThat(ev.get(5).parentId()).isEqualTo(ev.get(2).id());
    assertThat(ev.get(6).parentId()).isEqualTo(ev.get(1).id());
    assertThat(ev.get(7).parentId()).isEqualTo(plan);
    assertThat(ev.get(7).result()).isEqualTo(Value.of(3));
    assertThat(ev.get(1).metadata().get("name")).isEqualTo(Value.of("outer"));
  }

  @Test
  void capability_errors_are_rtfs_errors_a_plan_can_catch_by_kind() {
    m.setPolicy(IsolationPolicy.allowAll().withDeny("ccos.io.*"));
    PlanRunner.Outcome o =
        run(
            """
        [(try (call :ccos.io.log "x") (catch AccessDenied e (:rule (:data e))))
         (try (call :ccos.mth.add [1]) (catch NotFound e (:suggestions (:data e))))
         (try (call :ccos.math.add ["x"]) (catch InvalidInput e (:type e)))
         (try (call :geo.distance {:from 1}) (catch CapabilityError e (:type e)))]""",
            SecurityContext.full("ada"));
    assertThat(o.error()).isNull();
    assertThat(o.value())
        .isEqualTo(
            Reader.readValue(
                "[\"policy.deny[0] 'ccos.io.*'\" [\"ccos.math.add\"] :InvalidInput :InvalidInput]"));
  }

  @Test
  void an_uncaught_error_aborts_the_plan_with_its_position() {
    PlanRunner.Outcome o =
        run("(do\n  (step \"s\" (call :no.such {})))", SecurityContext.full("ada"));
    assertThat(o.ok()).isFalse();
    assertThat(o.error().kind()).isEqualTo(ErrorKind.NotFound);
    assertThat(o.error().pos().line()).isEqualTo(2);
    assertThat(o.error().pos().column()).isEqualTo(13);
    List<Event> ev = planEvents();
    assertThat(ev.get(ev.size() - 2).type()).isEqualTo(EventType.PlanStepFailed);
    assertThat(ev.get(ev.size() - 1).type()).isEqualTo(EventType.PlanAborted);
    assertThat(ev.get(ev.size() - 1).errorKind()).isEqualTo("NotFound");
  }

  @Test
  void the_security_context_of_the_caller_applies_to_every_call() {
    PlanRunner.Outcome o =
        run(
            "[(call :ccos.echo 1) (try (call :ccos.time.now) (catch SecurityViolation e :refused))]",
            SecurityContext.pure("sandbox"));
    assertThat(o.value()).isEqualTo(Reader.readValue("[1 :refused]"));
  }

  @Test
  void several_arguments_fill_a_map_schema_in_order() {
    assertThat(run("(call :geo.distance 3 10)", SecurityContext.full("a")).value())
        .isEqualTo(Value.of(7));
    assertThat(run("(call :ccos.math.add 1 2 3)", SecurityContext.full("a")).value())
        .as("no map schema: a vector")
        .isEqualTo(Value.of(6));
  }

  @Test
  void a_capability_timeout_is_catchable_but_the_plans_own_deadline_is_not() {
    CountDownLatch never = new CountDownLatch(1);
    m.registerLocal(
        CapabilityManifest.builder("t.hang")
            .effects("network")
            .timeout(Duration.ofMillis(30))
            .build(),
        (in, c) -> {
          never.await();
          return Value.NIL;
        },
        false,
        "test");
    assertThat(
            run("(try (call :t.hang) (catch Timeout e :gave-up))", SecurityContext.full("a"))
                .value())
        .isEqualTo(Value.keyword("gave-up"));
    PlanRunner.Outcome o =
        m.runPlan(
            "(try ((fn spin [n] (if (= n 0) 0 (+ 1 (spin (- n 1)) (spin (- n 1))))) 60) (catch e :no))",
            "p",
            SecurityContext.full("a"),
            Limits.DEFAULT.withTimeout(Duration.ofMillis(50)),
            quiet);
    assertThat(o.error().kind()).isEqualTo(ErrorKind.Timeout);
  }
}
