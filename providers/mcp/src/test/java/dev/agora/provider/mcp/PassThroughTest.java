package dev.agora.provider.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventType;
import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Reader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, the whole protocol through the gateway, upstream side: what server-everything (over
 * stdio) sends during a call — progress, sampling and elicitation requests — reaches the client
 * that made the call and no other; a caller that gives up cancels the call on the server; resource
 * templates, resources and prompts carry what a server needs to list them again.
 */
@Timeout(120)
class PassThroughTest {

  @TempDir static Path dir;

  static McpFixture m;

  @BeforeAll
  static void start() throws IOException {
    m =
        new McpFixture(
            dir,
            """
        sources:
          - name: everything
            type: mcp
            command: %s
            timeout: 60s
        """
                .formatted(Peers.exe("mcp-server-everything")));
  }

  @AfterAll
  static void stop() {
    m.close();
  }

  /** The CapabilityResult of the latest call to {@code id}. */
  private static Event result(String id) {
    return m.events.events(EventType.CapabilityResult).reversed().stream()
        .filter(e -> id.equals(e.capabilityId()))
        .findFirst()
        .orElseThrow();
  }

  private static final String LONG = "mcp.everything.trigger-long-running-operation";
  private static final String SAMPLING = "mcp.everything.trigger-sampling-request";
  private static final String ELICITATION = "mcp.everything.trigger-elicitation-request";

  @Test
  void progressReachesTheClientThatMadeTheCallAndOnlyIt() throws Exception {
    Client a = new Client(Set.of(), p -> Value.NIL);
    Client b = new Client(Set.of(), p -> Value.NIL);
    CompletableFuture<Value> first =
        CompletableFuture.supplyAsync(() -> m.call(LONG, "{:duration 0.4 :steps 4}", a));
    Value second = m.call(LONG, "{:duration 0.3 :steps 3}", b);
    assertThat(first.get(60, TimeUnit.SECONDS).toString()).contains("Steps: 4");
    assertThat(second.toString()).contains("Steps: 3");
    assertThat(a.progress).containsExactly("1.0/4.0", "2.0/4.0", "3.0/4.0", "4.0/4.0");
    assertThat(b.progress).containsExactly("1.0/3.0", "2.0/3.0", "3.0/3.0");
  }

  @Test
  void aCallerThatGivesUpCancelsTheCallOnTheServerAndTheCallIsRecordedCancelled() throws Exception {
    Client a = new Client(Set.of(), p -> Value.NIL);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread caller = m.callOnThread(LONG, "{:duration 60 :steps 600}", a, thrown);
    a.awaitProgress(1); // the call is running on the server
    caller.interrupt();
    caller.join();
    assertThat(thrown.get())
        .isInstanceOf(AgoraError.Cancelled.class)
        .hasMessageContaining("was cancelled");
    assertThat(m.awaitLog("sent notifications/cancelled", 10)).as(m.logText()).isTrue();
    assertThat(result(LONG).errorKind()).isEqualTo("Cancelled");
    assertThat(m.call("mcp.everything.echo", "{:message \"still here\"}"))
        .isEqualTo(Value.of("Echo: still here"));
  }

  @Test
  void samplingIsAnsweredByTheCallersClientAndNoted() {
    Client a =
        new Client(
            Set.of("sampling"),
            params -> {
              assertThat(Printer.print(params)).contains("Resource trigger-sampling-request");
              return Reader.readValue(
                  "{:role \"assistant\" :content {:type \"text\" :text \"forty-two\"}"
                      + " :model \"test-model\"}");
            });
    Value v = m.call(SAMPLING, "{:prompt \"the answer?\" :maxTokens 10}", a);
    assertThat(v.toString()).contains("forty-two").contains("test-model");
    assertThat(a.requests).containsExactly("sampling/createMessage");
    assertThat(Printer.print(result(SAMPLING).metadata().get("mcp-requests")))
        .isEqualTo("[{:method \"sampling/createMessage\" :outcome :answered}]");
  }

  @Test
  void samplingIsRefusedWhenTheCallersClientCannotSample() {
    Client a = new Client(Set.of("elicitation"), p -> Value.NIL);
    assertThatThrownBy(() -> m.call(SAMPLING, "{:prompt \"hi\"}", a))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("did not declare the 'sampling' capability");
    assertThat(a.requests).isEmpty();
    assertThat(Printer.print(result(SAMPLING).metadata().get("mcp-requests")))
        .isEqualTo("[{:method \"sampling/createMessage\" :outcome :refused}]");
    assertThatThrownBy(() -> m.call(SAMPLING, "{:prompt \"hi\"}"))
        .as("a call without a client (RTFS, the CLI)")
        .hasMessageContaining("did not declare the 'sampling' capability");
  }

  @Test
  void aClientThatFailsToAnswerFailsTheUpstreamsRequest() {
    Client a = new Client(Set.of("sampling"), p -> Value.of("not a message"));
    assertThatThrownBy(() -> m.call(SAMPLING, "{:prompt \"hi\"}", a))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("was passed on to the client that made call");
    assertThat(Printer.print(result(SAMPLING).metadata())).contains(":outcome :failed");
  }

  @Test
  void elicitationIsAnsweredByTheCallersClient() {
    Client a = new Client(Set.of("elicitation"), p -> Reader.readValue("{:action \"decline\"}"));
    assertThat(m.call(ELICITATION, "{}", a).toString()).contains("declined");
    assertThat(a.requests).containsExactly("elicitation/create");
    assertThat(Printer.print(result(ELICITATION).metadata()))
        .contains(":method \"elicitation/create\" :outcome :answered");
  }

  /**
   * The SDK does not say which call a sampling request belongs to: with calls of two clients in
   * flight on the connection Agora refuses it rather than ask a client that may not be the one.
   */
  @Test
  void aRequestWithSeveralCallsInFlightIsRefusedRatherThanSentToAGuess() throws Exception {
    Client a = new Client(Set.of("sampling"), p -> Value.NIL);
    Thread other = m.callOnThread(LONG, "{:duration 60 :steps 600}", a, new AtomicReference<>());
    try {
      a.awaitProgress(1);
      Client b = new Client(Set.of("sampling"), p -> Value.NIL);
      assertThatThrownBy(() -> m.call(SAMPLING, "{:prompt \"hi\"}", b))
          .isInstanceOf(AgoraError.ProviderError.class)
          .hasMessageContaining("all come from one client")
          .hasMessageContaining("and 2 are, from different clients");
      assertThat(a.requests).isEmpty();
      assertThat(b.requests).isEmpty();
    } finally {
      other.interrupt();
      other.join();
    }
  }

  /**
   * When every call in flight on the connection is one client's — the usual case for {@code agora
   * mcp}, whose one client may have hundreds in flight — that client made the request, whichever
   * call it is for: it is asked, and the request is noted on its oldest call.
   */
  @Test
  void aRequestWithSeveralCallsOfOneClientInFlightGoesToThatClient() throws Exception {
    Client a =
        new Client(
            Set.of("sampling"),
            params ->
                Reader.readValue(
                    "{:role \"assistant\" :content {:type \"text\" :text \"one client\"}"
                        + " :model \"test-model\"}"));
    Thread other = m.callOnThread(LONG, "{:duration 60 :steps 600}", a, new AtomicReference<>());
    try {
      a.awaitProgress(1);
      assertThat(m.call(SAMPLING, "{:prompt \"hi\" :maxTokens 5}", a).toString())
          .contains("one client");
      assertThat(a.requests).containsExactly("sampling/createMessage");
    } finally {
      other.interrupt();
      other.join();
    }
    assertThat(Printer.print(result(LONG).metadata()))
        .as("noted on the oldest call of that client")
        .contains(":method \"sampling/createMessage\" :outcome :answered");
  }

  @Test
  void resourceTemplatesAreCapabilitiesThatReadOnlyTheirUris() {
    String id = "mcp.everything.template.Dynamic_Text_Resource";
    CapabilityManifest t = m.marketplace.registry().get(id);
    assertThat(t).as(m.marketplace.registry().suggest(id, 5).toString()).isNotNull();
    Dict mcp = (Dict) t.metadata().get("mcp");
    assertThat(Printer.print(mcp.get("kind"))).isEqualTo(":resource-template");
    assertThat(mcp.get("uri-template"))
        .isEqualTo(Value.of("demo://resource/dynamic/text/{resourceId}"));
    assertThat(mcp.get("name")).isEqualTo(Value.of("Dynamic Text Resource"));
    assertThat(m.call(id, "{:uri \"demo://resource/dynamic/text/3\"}").toString()).contains("3");
    assertThatThrownBy(
            () -> m.call(id, "{:uri \"demo://resource/static/document/architecture.md\"}"))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("is not one of resource template")
        .satisfies(e -> assertThat(((AgoraError) e).fault().countsAgainstProvider()).isFalse());
  }

  @Test
  void resourcesAndPromptsCarryWhatIsNeededToListThemAgain() {
    Dict resource =
        (Dict)
            m.marketplace
                .registry()
                .get("mcp.everything.resource.architecture_md")
                .metadata()
                .get("mcp");
    assertThat(resource.get("uri"))
        .isEqualTo(Value.of("demo://resource/static/document/architecture.md"));
    assertThat(resource.get("mime-type")).isEqualTo(Value.of("text/markdown"));
    assertThat(resource.get("name")).isEqualTo(Value.of("architecture.md"));
    assertThat(Printer.print(resource.get("kind"))).isEqualTo(":resource");
    Dict prompt =
        (Dict)
            m.marketplace.registry().get("mcp.everything.prompt.args-prompt").metadata().get("mcp");
    assertThat(prompt.get("name")).isEqualTo(Value.of("args-prompt"));
    assertThat(Printer.print(prompt.get("arguments")))
        .contains(":name \"city\"")
        .contains(":required true")
        .contains(":name \"state\"")
        .contains(":required false");
  }
}
