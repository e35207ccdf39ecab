package dev.agora.core.error;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.rtfs.ErrorKind;
import dev.agora.rtfs.RtfsError;
import dev.agora.rtfs.SourcePos;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Reader;
import dev.agora.rtfs.types.Problem;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every kind of failed call: its message (what a user reads), its RTFS kind and its structured data
 * (what a plan's {@code catch} and the MCP endpoint see), each mapped once.
 */
class AgoraErrorTest {

  private static final SourcePos POS = new SourcePos("plan.rtfs", 3, 7);

  @Test
  void notFoundNamesTheVersionAskedForAndSuggestsNearMisses() {
    AgoraError.NotFound e =
        new AgoraError.NotFound("shop.quote", "^2.0.0", List.of("shop.pricing.quote"));
    assertThat(e)
        .hasMessage(
            "no capability 'shop.quote' matching version ^2.0.0; did you mean shop.pricing.quote?");
    assertThat(e.suggestions()).containsExactly("shop.pricing.quote");
    assertThat(e.capabilityId()).isEqualTo("shop.quote");
    assertThat(e.data())
        .isEqualTo(
            Reader.readValue(
                "{:capability \"shop.quote\" :kind :NotFound :suggestions [\"shop.pricing.quote\"]}"));
    assertThat(new AgoraError.NotFound("x", null, List.of())).hasMessage("no capability 'x'");
  }

  @Test
  void denialsNameTheRuleAndTheCaller() {
    AgoraError.AccessDenied rule =
        new AgoraError.AccessDenied("admin.purge", "policy.deny[0] 'admin.*'");
    assertThat(rule).hasMessage("capability 'admin.purge' is denied by policy.deny[0] 'admin.*'");
    assertThat(rule.rule()).isEqualTo("policy.deny[0] 'admin.*'");
    assertThat(rule.data().get("rule")).isEqualTo(Value.of("policy.deny[0] 'admin.*'"));
    AgoraError.SecurityViolation who =
        new AgoraError.SecurityViolation("net.get", "agent", "effect :network not allowed");
    assertThat(who)
        .hasMessage("caller 'agent' may not call 'net.get': effect :network not allowed");
    assertThat(who.caller()).isEqualTo("agent");
    assertThat(who.kind()).isEqualTo(ErrorKind.SecurityViolation);
  }

  @Test
  void invalidInputAndOutputCarryEveryProblemWithItsPath() {
    List<Problem> problems =
        List.of(
            new Problem(List.of(Value.keyword("lines"), Value.of(0)), "[:> 0]", "0 (integer)"),
            new Problem(List.of(), ":map", "nil"));
    AgoraError.InvalidInput in = new AgoraError.InvalidInput("q", problems);
    assertThat(in.getMessage()).startsWith("invalid input for 'q': at ").contains("; at ");
    assertThat(in.problems()).isEqualTo(problems);
    assertThat(in.data().get("problems"))
        .isEqualTo(
            Reader.readValue(
                "[{:path [:lines 0] :expected \"[:> 0]\" :found \"0 (integer)\"} {:path [] :expected \":map\" :found \"nil\"}]"));
    AgoraError.InvalidOutput out = new AgoraError.InvalidOutput("q", problems.subList(1, 2));
    assertThat(out.getMessage()).startsWith("invalid output from 'q': ");
    assertThat(out.problems()).hasSize(1);
    assertThat(out.kind()).isEqualTo(ErrorKind.InvalidOutput);
    assertThat(out.data().get("problems"))
        .isEqualTo(Reader.readValue("[{:path [] :expected \":map\" :found \"nil\"}]"));
  }

  @Test
  void timeoutsSayTheirDeadlineInSecondsOrMilliseconds() {
    AgoraError.Timeout whole = new AgoraError.Timeout("slow", Duration.ofSeconds(2));
    assertThat(whole).hasMessage("capability 'slow' did not finish within 2 s");
    assertThat(whole.deadline()).isEqualTo(Duration.ofSeconds(2));
    assertThat(new AgoraError.Timeout("slow", Duration.ofMillis(1500)))
        .hasMessage("capability 'slow' did not finish within 1500 ms");
    assertThat(new AgoraError.LimitExceeded("busy", "max_concurrent 4"))
        .hasMessage("capability 'busy' refused: max_concurrent 4");
  }

  @Test
  void providerErrorsKeepTheirCauseAndSayWhetherTryingAgainMayHelp() {
    IOException reset = new IOException("connection reset");
    AgoraError.ProviderError failed = new AgoraError.ProviderError("h", "HTTP 400", null);
    AgoraError.ProviderError flaky =
        AgoraError.ProviderError.transientFailure("h", "HTTP 503", reset);
    assertThat(failed.isTransient()).isFalse();
    assertThat(failed.data().get("transient")).isEqualTo(Value.FALSE);
    assertThat(flaky.isTransient()).isTrue();
    assertThat(flaky).hasMessage("capability 'h' failed: HTTP 503").hasCause(reset);
    assertThat(flaky.data().get("transient")).isEqualTo(Value.TRUE);
    AgoraError.ProviderError open =
        AgoraError.ProviderError.circuitOpen("h", Duration.ofSeconds(30));
    assertThat(open.getMessage()).contains("circuit breaker is open").contains("up to 30 s");
    assertThat(open.isTransient()).isFalse();
    assertThat(open.getStackTrace()).as("refusals skip the stack trace").isEmpty();
  }

  /**
   * Issue 12: whose fault each kind is decides what a circuit breaker counts; never the message.
   */
  @Test
  void eachKindSaysWhoseFaultItIs() {
    assertThat(new AgoraError.NotFound("a", null, List.of()).fault()).isEqualTo(Fault.CALLER);
    assertThat(new AgoraError.AccessDenied("a", "r").fault()).isEqualTo(Fault.CALLER);
    assertThat(new AgoraError.SecurityViolation("a", "c", "why").fault()).isEqualTo(Fault.CALLER);
    assertThat(new AgoraError.InvalidInput("a", List.of()).fault()).isEqualTo(Fault.CALLER);
    assertThat(new AgoraError.InvalidOutput("a", List.of()).fault()).isEqualTo(Fault.PROVIDER);
    assertThat(new AgoraError.Timeout("a", Duration.ofMillis(5)).fault()).isEqualTo(Fault.PROVIDER);
    assertThat(new AgoraError.Cancelled("a", "why").fault()).isEqualTo(Fault.CALLER);
    assertThat(new AgoraError.LimitExceeded("a", "l").fault()).isEqualTo(Fault.AGORA);
    assertThat(new AgoraError.NotRecorded("a", "m", null).fault()).isEqualTo(Fault.AGORA);
    assertThat(new AgoraError.ProviderError("a", "m", null).fault()).isEqualTo(Fault.PROVIDER);
    assertThat(AgoraError.ProviderError.transientFailure("a", "m", null).fault())
        .isEqualTo(Fault.PROVIDER);
    AgoraError.ProviderError refused = AgoraError.ProviderError.refused("a", "HTTP 400", null);
    assertThat(refused.fault()).isEqualTo(Fault.CALLER);
    assertThat(refused.isTransient()).isFalse();
    assertThat(refused).hasMessage("capability 'a' failed: HTTP 400");
    assertThat(AgoraError.ProviderError.circuitOpen("a", Duration.ofSeconds(1)).fault())
        .isEqualTo(Fault.AGORA);
    assertThat(Fault.PROVIDER.countsAgainstProvider()).isTrue();
    assertThat(Fault.CALLER.countsAgainstProvider()).isFalse();
    assertThat(Fault.AGORA.countsAgainstProvider()).isFalse();
  }

  @Test
  void eachKindBecomesTheRtfsErrorOfTheSameNameWithItsData() {
    List<AgoraError> all =
        List.of(
            new AgoraError.NotFound("a", null, List.of()),
            new AgoraError.AccessDenied("a", "r"),
            new AgoraError.SecurityViolation("a", "c", "why"),
            new AgoraError.InvalidInput("a", List.of()),
            new AgoraError.InvalidOutput("a", List.of()),
            new AgoraError.Timeout("a", Duration.ofMillis(5)),
            new AgoraError.Cancelled("a", "the client cancelled"),
            new AgoraError.LimitExceeded("a", "l"),
            new AgoraError.ProviderError("a", "m", null),
            new AgoraError.NotRecorded(
                "a", "the store is down", new IllegalStateException("disk full")));
    for (AgoraError e : all) {
      RtfsError r = e.toRtfs(POS);
      assertThat(r.kind().name())
          .as(e.getClass().getSimpleName())
          .isEqualTo(e.getClass().getSimpleName());
      assertThat(r.kind()).isEqualTo(e.kind());
      assertThat(r.pos()).isEqualTo(POS);
      assertThat(r.getMessage()).isEqualTo(e.getMessage());
      assertThat(r.data()).isEqualTo(e.data());
      assertThat(e.data().get("capability")).isEqualTo(Value.of("a"));
    }
    assertThat(all.getLast())
        .hasMessage("capability 'a': the store is down")
        .hasCauseInstanceOf(IllegalStateException.class);
  }
}
