package dev.agora.provider.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.json.Json;
import dev.agora.core.spi.CallContext;
import dev.agora.core.spi.Downstream;
import dev.agora.core.spi.Redactor;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.Value;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The routing of what an upstream sends during calls, without a server: the edge cases a real peer
 * does not produce on demand (no call in flight, a late or foreign progress token, no time left).
 */
class CallsInFlightTest {

  /** A call as a provider sees it, keeping what is noted on its result. */
  private static final class Ctx implements CallContext {
    final Map<String, Value> notes = new LinkedHashMap<>();
    private final String id;
    private final Downstream client;
    private final Duration left;

    Ctx(String id, Downstream client, Duration left) {
      this.id = id;
      this.client = client;
      this.left = left;
    }

    @Override
    public String callId() {
      return id;
    }

    @Override
    public String capabilityId() {
      return "mcp.s.tool";
    }

    @Override
    public SecurityContext caller() {
      return SecurityContext.full("test");
    }

    @Override
    public String planId() {
      return null;
    }

    @Override
    public Duration remaining() {
      return left;
    }

    @Override
    public Downstream downstream() {
      return client;
    }

    @Override
    public void note(String key, Value value) {
      notes.put(key, value);
    }
  }

  private static final McpSchema.CreateMessageRequest SAMPLE =
      McpSchema.CreateMessageRequest.builder()
          .messages(
              List.of(
                  new McpSchema.SamplingMessage(
                      McpSchema.Role.USER, new McpSchema.TextContent("hi"))))
          .maxTokens(5)
          .build();

  private final CallsInFlight calls = new CallsInFlight("s", Redactor.NONE);

  private Object forward(Object params) {
    return calls
        .forward("sampling/createMessage", "sampling", params, McpSchema.CreateMessageResult.class)
        .block(Duration.ofSeconds(30));
  }

  @Test
  void aRequestWithNoCallInFlightIsRefused() {
    assertThatThrownBy(() -> forward(SAMPLE))
        .isInstanceOf(McpError.class)
        .hasMessageContaining("all come from one client")
        .hasMessageContaining("and none is in flight");
  }

  @Test
  void progressGoesToTheCallWithItsTokenAndALateOneIsDropped() {
    Client a = new Client(Set.of(), p -> Value.NIL);
    Client b = new Client(Set.of(), p -> Value.NIL);
    try (CallsInFlight.InFlight ia = calls.open(new Ctx("a", a, Duration.ofSeconds(5)));
        CallsInFlight.InFlight ib = calls.open(new Ctx("b", b, Duration.ofSeconds(5)))) {
      assertThat(calls.size()).isEqualTo(2);
      calls.progress(new McpSchema.ProgressNotification("b", 1.0, 2.0, "half"));
      calls.progress(new McpSchema.ProgressNotification("nobody", 1.0, null, null));
    }
    calls.progress(new McpSchema.ProgressNotification("a", 1.0, null, null));
    assertThat(a.progress).isEmpty();
    assertThat(b.progress).containsExactly("1.0/2.0");
    assertThat(calls.size()).isZero();
  }

  @Test
  void aCallWithoutRequestsNotesNothingAndOneWithNoTimeLeftFailsTheRequest() {
    Ctx quiet = new Ctx("q", Downstream.NONE, Duration.ofSeconds(5));
    calls.open(quiet).close();
    assertThat(quiet.notes).isEmpty();

    Ctx late = new Ctx("l", new Client(Set.of("sampling"), p -> Value.NIL), Duration.ZERO);
    try (CallsInFlight.InFlight f = calls.open(late)) {
      assertThatThrownBy(() -> forward(SAMPLE))
          .isInstanceOf(McpError.class)
          .hasMessageContaining("was passed on to the client that made call l, and failed")
          .hasMessageContaining("no time left");
    }
    assertThat(Printer.print(late.notes.get(CallsInFlight.NOTE)))
        .isEqualTo("[{:method \"sampling/createMessage\" :outcome :failed}]");
  }

  @Test
  void aQuestionAboutACallThatEndedIsRefused() {
    Ctx asked =
        new Ctx("c1", new Client(Set.of("elicitation"), p -> Value.NIL), Duration.ofSeconds(5));
    CallsInFlight.InFlight f = calls.open(asked);
    assertThat(calls.supports("c1", "elicitation")).isTrue();
    assertThat(calls.supports("c1", "sampling")).isFalse();
    assertThat(calls.supports(null, "elicitation")).as("no call to ask about").isFalse();
    f.close();
    assertThat(calls.supports("c1", "elicitation")).isFalse();
    assertThatThrownBy(
            () -> calls.ask("c1", "elicitation/create", "elicitation", Map.of(), Map.class))
        .isInstanceOf(McpError.class)
        .hasMessageContaining("elicitation/create from MCP server")
        .hasMessageContaining("is refused: its call is no longer in flight");
    assertThatThrownBy(
            () -> calls.ask(null, "elicitation/create", "elicitation", Map.of(), Map.class))
        .isInstanceOf(McpError.class);
  }

  @Test
  void aFormElicitationIsWrittenByHand() {
    assertThat(
            CallsInFlight.form(
                new McpSchema.ElicitFormRequest(
                    "Name?", Map.of("type", "object"), Map.of("k", "v"))))
        .containsExactly(
            Map.entry("mode", "form"),
            Map.entry("message", "Name?"),
            Map.entry("requestedSchema", Map.of("type", "object")),
            Map.entry("_meta", Map.of("k", "v")));
    assertThat(CallsInFlight.form(new McpSchema.ElicitFormRequest("Name?", Map.of(), null)))
        .doesNotContainKey("_meta");
  }

  @Test
  void whatTheServerWasGivenIsRedactedFromWhatReachesTheClient() {
    String secret = "tok-" + "s3cr3t-value-42";
    CallsInFlight echoing = new CallsInFlight("s", Redactor.NONE.with("UPSTREAM_TOKEN", secret));
    Client client =
        new Client(
            Set.of("sampling"),
            p ->
                Json.parse(
                    "{\"role\":\"assistant\",\"content\":{\"type\":\"text\",\"text\":\"ok\"},"
                        + "\"model\":\"m\"}"));
    try (CallsInFlight.InFlight f = echoing.open(new Ctx("e", client, Duration.ofSeconds(5)))) {
      echoing.progress(new McpSchema.ProgressNotification("e", 1.0, null, "using " + secret));
      McpSchema.CreateMessageRequest echo =
          McpSchema.CreateMessageRequest.builder()
              .messages(
                  List.of(
                      new McpSchema.SamplingMessage(
                          McpSchema.Role.USER, new McpSchema.TextContent("my key is " + secret))))
              .maxTokens(5)
              .build();
      assertThat(
              echoing
                  .forward(
                      "sampling/createMessage",
                      "sampling",
                      echo,
                      McpSchema.CreateMessageResult.class)
                  .block(Duration.ofSeconds(30))
                  .model())
          .isEqualTo("m");
    }
    assertThat(client.messages).containsExactly("using [redacted:UPSTREAM_TOKEN]");
    assertThat(Printer.print(client.params.getFirst()))
        .contains("my key is [redacted:UPSTREAM_TOKEN]")
        .doesNotContain(secret);
  }
}
