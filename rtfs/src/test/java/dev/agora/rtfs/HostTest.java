package dev.agora.rtfs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.rtfs.eval.Interpreter;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

class HostTest {

  private static RtfsError failsWith(Interpreter rtfs, String source, ErrorKind kind) {
    try {
      rtfs.eval(source, "plan.rtfs");
    } catch (RtfsError e) {
      assertThat(e.kind()).as(e.getMessage()).isEqualTo(kind);
      return e;
    }
    throw new AssertionError("expected " + kind);
  }

  @Test
  void call_passes_the_id_and_the_input_by_the_reference_contract() {
    List<Host.CapabilityCall> calls = new ArrayList<>();
    Host host =
        call -> {
          calls.add(call);
          return call.input();
        };
    Interpreter rtfs = Interpreter.builder().host(host).build();
    assertThat(rtfs.eval("(call :ccos.echo)")).isEqualTo(Value.NIL);
    assertThat(rtfs.eval("(call :ccos.echo {:a 1})"))
        .isEqualTo(Dict.of(Value.keyword("a"), Value.of(1)));
    assertThat(rtfs.eval("(call \"ccos.echo\" 1 2)")).isEqualTo(Vec.of(Value.of(1), Value.of(2)));
    assertThat(rtfs.eval("(call :com.acme.db:v1.0:sales-query {:q 1})")).isNotNull();
    assertThat(calls)
        .extracting(Host.CapabilityCall::id)
        .containsExactly("ccos.echo", "ccos.echo", "ccos.echo", "com.acme.db:v1.0:sales-query");
    assertThat(calls.get(0).pos()).isEqualTo(new SourcePos("<expr>", 1, 1));
    assertThat(rtfs.eval("(map (fn [id] (call id 1)) [:a \"b\"])"))
        .isEqualTo(Vec.of(Value.of(1), Value.of(1)));
    assertThat(rtfs.eval("(apply call :x [7])"))
        .as("call is first-class too")
        .isEqualTo(Value.of(7));
  }

  @Test
  void steps_report_start_and_end_and_nest() {
    SimpleHost host = DemoHost.create();
    Interpreter rtfs = Interpreter.builder().host(host).build();
    Value v =
        rtfs.eval(
            """
        (step "plan"
          (let [a (step "first" (call :ccos.echo {:x 1}))]
            (step "second" :params {"n" 2}
              (+ (:x a) (get %params "n")))))""");
    assertThat(v).isEqualTo(Value.of(3));
    List<SimpleHost.Event> ev = host.events();
    assertThat(ev)
        .extracting(SimpleHost.Event::type)
        .containsExactly(
            "step-started",
            "step-started",
            "call",
            "call-result",
            "step-completed",
            "step-started",
            "step-completed",
            "step-completed");
    String plan = ev.get(0).id();
    String first = ev.get(1).id();
    assertThat(ev.get(0).parentId()).isNull();
    assertThat(ev.get(1).parentId()).isEqualTo(plan);
    assertThat(ev.get(2).parentId()).as("the call nests under its step").isEqualTo(first);
    assertThat(ev.get(5).parentId()).isEqualTo(plan);
    assertThat(ev.get(5).value()).isEqualTo(Dict.of(Value.of("n"), Value.of(2)));
    assertThat(ev.get(6).value()).isEqualTo(Value.of(3));
  }

  @Test
  void a_failing_step_reports_failure_and_the_error_propagates() {
    SimpleHost host = DemoHost.create();
    Interpreter rtfs = Interpreter.builder().host(host).build();
    RtfsError e =
        failsWith(rtfs, "(step \"outer\" (step \"inner\" (/ 1 0)))", ErrorKind.DivisionByZero);
    assertThat(e.pos()).isEqualTo(new SourcePos("plan.rtfs", 1, 29));
    assertThat(host.events())
        .extracting(SimpleHost.Event::type)
        .containsExactly("step-started", "step-started", "step-failed", "step-failed");
    assertThat(host.events().get(2).value())
        .isEqualTo(Value.of("DivisionByZero at plan.rtfs:1:29: Division by zero"));
    assertThat(rtfs.eval("(try (step \"s\" (/ 1 0)) (catch e :recovered))"))
        .isEqualTo(Value.keyword("recovered"));
  }

  @Test
  void params_are_visible_inside_their_step_only() {
    Interpreter rtfs = Interpreter.builder().host(DemoHost.create()).build();
    assertThat(rtfs.eval("(let [city \"Oslo\"] (step \"a\" :params {\"city\" city :n 1} %params))"))
        .isEqualTo(Dict.of(Value.of("city"), Value.of("Oslo"), Value.keyword("n"), Value.of(1)));
    assertThat(
            rtfs.eval(
                "(step \"a\" :params {\"x\" 1} (step \"b\" :params {\"x\" 2} (get %params \"x\")))"))
        .isEqualTo(Value.of(2));
    failsWith(rtfs, "(do (step \"a\" :params {\"x\" 1} 1) %params)", ErrorKind.UndefinedSymbol);
    assertThat(rtfs.eval("(step :params)"))
        .as("a keyword first makes a log line, not a step")
        .isEqualTo(Value.NIL);
    failsWith(rtfs, "(step 5 1)", ErrorKind.ParseError);
    failsWith(rtfs, "(step \"x\" :params [1] 1)", ErrorKind.ParseError);
  }

  @Test
  void step_options_reach_the_host() {
    List<Host.StepStart> starts = new ArrayList<>();
    Host host =
        new Host() {
          @Override
          public Value call(CapabilityCall call) {
            return Value.NIL;
          }

          @Override
          public String stepStarted(StepStart step) {
            starts.add(step);
            return "s1";
          }
        };
    Interpreter.builder()
        .host(host)
        .build()
        .eval("(step \"x\" :expose-context false :context-keys [\"plan_id\"] 1)");
    assertThat(starts.get(0).options())
        .isEqualTo(
            Dict.of(
                Value.keyword("expose-context"),
                Value.FALSE,
                Value.keyword("context-keys"),
                Vec.of(Value.of("plan_id"))));
  }

  @Test
  void log_lines_go_to_the_host() {
    SimpleHost host = DemoHost.create();
    Interpreter.builder()
        .host(host)
        .build()
        .eval("(step :info \"fetching\" {:n 1}) (log-step :warn \"careful\")");
    assertThat(host.events())
        .extracting(SimpleHost.Event::type, SimpleHost.Event::id, SimpleHost.Event::name)
        .containsExactly(
            Tuple.tuple("log", "info", "fetching"), Tuple.tuple("log", "warn", "careful"));
  }

  @Test
  void security_levels() {
    SimpleHost pure = DemoHost.create().securityLevel(SimpleHost.Level.PURE);
    RtfsError e =
        failsWith(
            Interpreter.builder().host(pure).build(),
            "(call :ccos.echo 1)",
            ErrorKind.SecurityViolation);
    assertThat(e.getMessage())
        .isEqualTo("the pure security context does not allow calling 'ccos.echo'");
    SimpleHost controlled =
        DemoHost.create().securityLevel(SimpleHost.Level.CONTROLLED, "ccos.echo");
    Interpreter rtfs = Interpreter.builder().host(controlled).build();
    assertThat(rtfs.eval("(call :ccos.echo 1)")).isEqualTo(Value.of(1));
    failsWith(rtfs, "(call :ccos.math.add [1 2])", ErrorKind.SecurityViolation);
    assertThat(rtfs.eval("(try (call :ccos.math.add [1 2]) (catch SecurityViolation e :refused))"))
        .isEqualTo(Value.keyword("refused"));
  }

  @Test
  void unknown_capabilities_and_failing_hosts() {
    Interpreter rtfs = Interpreter.builder().host(DemoHost.create()).build();
    RtfsError e = failsWith(rtfs, "(do\n  (call :nope {}))", ErrorKind.NotFound);
    assertThat(e.getMessage())
        .isEqualTo("no capability 'nope'; this host has ccos.echo, ccos.math.add");
    assertThat(e.pos()).isEqualTo(new SourcePos("plan.rtfs", 2, 3));
    assertThat(rtfs.eval("(try (call :nope) (catch CapabilityError e (:type e)))"))
        .isEqualTo(Value.keyword("NotFound"));
    assertThat(rtfs.eval("(call :ccos.math.add [1 2 3.5])")).isEqualTo(Value.of(6.5));
    failsWith(rtfs, "(call :ccos.math.add [1 \"x\"])", ErrorKind.InvalidInput);

    Host broken =
        call -> {
          throw new IllegalStateException("socket closed");
        };
    RtfsError p =
        failsWith(Interpreter.builder().host(broken).build(), "(call :x)", ErrorKind.ProviderError);
    assertThat(p.getMessage()).isEqualTo("capability 'x' failed: socket closed");
    failsWith(Interpreter.create(), "(call :x)", ErrorKind.NotFound);
  }
}
