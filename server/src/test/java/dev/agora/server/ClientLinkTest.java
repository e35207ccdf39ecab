package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.ChainQuery;
import dev.agora.chain.event.EventSink;
import dev.agora.core.AgoraNode;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.json.Json;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.rtfs.Value;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a provider passes back to the client that made the call while it runs — progress, questions
 * (elicitation) — reaches that client and no other, over stdio and over HTTP (as events on the
 * request's own stream); and a client's cancellation stops its call, which is recorded.
 */
@Timeout(60)
class ClientLinkTest {

  static final String ELICITING =
      McpHttp.INITIALIZE.replace("\"capabilities\":{}", "\"capabilities\":{\"elicitation\":{}}");

  private final CountDownLatch blocking = new CountDownLatch(1);
  private final CountDownLatch interrupted = new CountDownLatch(1);
  private AgoraNode node;

  @BeforeEach
  void open() {
    node =
        AgoraNode.open(
            AgoraConfig.defaults().withStorage(AgoraConfig.Storage.MEMORY),
            EventSink.NONE,
            l -> {});
    register(node);
  }

  /**
   * The three capabilities these tests call: one that reports progress, one that asks, one that
   * blocks.
   */
  void register(AgoraNode n) {
    n.marketplace()
        .registerLocal(
            CapabilityManifest.builder("t.progress").effects("network").build(),
            (in, c) -> {
              c.downstream().progress(1, 2.0, "half");
              c.downstream().progress(2, 2.0, null);
              return Value.of("done");
            },
            false,
            "test");
    n.marketplace()
        .registerLocal(
            CapabilityManifest.builder("t.ask").effects("network").build(),
            (in, c) ->
                c.downstream().supports("elicitation")
                    ? c.downstream()
                        .request(
                            "elicitation/create",
                            Json.parse(
                                "{\"mode\":\"form\",\"message\":\"Which region?\",\"requestedSchema\":"
                                    + "{\"type\":\"object\",\"properties\":{\"region\":{\"type\":\"string\"}}}}"),
                            Duration.ofSeconds(30))
                    : Value.of("cannot ask"),
            false,
            "test");
    n.marketplace()
        .registerLocal(
            CapabilityManifest.builder("t.block").effects("network").build(),
            (in, c) -> {
              blocking.countDown();
              try {
                new CountDownLatch(1).await();
              } finally {
                interrupted.countDown();
              }
              return Value.NIL;
            },
            false,
            "test");
  }

  @AfterEach
  void close() {
    node.close();
  }

  private static String call(int id, String tool, String meta) {
    return "{\"jsonrpc\":\"2.0\",\"id\":"
        + id
        + ",\"method\":\"tools/call\",\"params\":{\"name\":\""
        + tool
        + "\",\"arguments\":{}"
        + meta
        + "}}";
  }

  @Test
  void progressReachesTheStdioClientThatAskedForIt() throws IOException {
    try (StdioPipe s = new StdioPipe(node, SecurityContext.full("op"))) {
      s.send(call(10, "t.progress", ",\"_meta\":{\"progressToken\":\"p1\"}"));
      assertThat(s.fromServer.readLine())
          .isEqualTo(
              "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":"
                  + "{\"progressToken\":\"p1\",\"progress\":1.0,\"total\":2.0,\"message\":\"half\"}}");
      assertThat(s.fromServer.readLine()).contains("\"progress\":2.0").doesNotContain("message");
      assertThat(s.fromServer.readLine()).contains("\"id\":10").contains("\"text\":\"done\"");
      assertThat(s.call(11, "t.progress", "{}"))
          .as("no token, no progress: the answer is the next line")
          .contains("\"id\":11");
    }
  }

  @Test
  void aQuestionGoesToTheStdioClientThatDeclaredItCanAnswer() throws IOException {
    try (StdioPipe s =
        new StdioPipe(node, SecurityContext.full("op"), StdioServer.MAX_MESSAGE, ELICITING)) {
      s.send(call(12, "t.ask", ""));
      String question = s.fromServer.readLine();
      assertThat(question)
          .contains("\"method\":\"elicitation/create\"", "Which region?")
          .containsPattern("\"id\":\"agora-[0-9a-f]+-1\"");
      s.send(
          "{\"jsonrpc\":\"2.0\",\"id\":\""
              + askedId(question)
              + "\",\"result\":{\"action\":\"accept\","
              + "\"content\":{\"region\":\"eu\"}}}");
      assertThat(s.fromServer.readLine())
          .contains("\"id\":12")
          .contains("\\\"action\\\":\\\"accept\\\"", "\\\"region\\\":\\\"eu\\\"");
    }
    try (StdioPipe s = new StdioPipe(node, SecurityContext.full("op"))) {
      assertThat(s.call(13, "t.ask", "{}"))
          .as("a client that did not declare elicitation is not asked")
          .contains("cannot ask");
    }
  }

  @Test
  void aCancelledStdioCallStopsIsRecordedAndGetsNoAnswer() throws Exception {
    try (StdioPipe s = new StdioPipe(node, SecurityContext.full("op"))) {
      s.send(call(14, "t.block", ""));
      blocking.await();
      s.send(
          "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":14,"
              + "\"reason\":\"user\"}}");
      interrupted.await();
      s.send("{\"jsonrpc\":\"2.0\",\"id\":15,\"method\":\"ping\"}");
      assertThat(s.fromServer.readLine())
          .isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":15,\"result\":{}}");
      s.toServer.close();
      s.server.ended().get(30, TimeUnit.SECONDS); // the end of input waits for what still runs
    }
    assertThat(
            node.chain()
                .query(ChainQuery.ALL.withType("CapabilityResult").withCapability("t.block")))
        .singleElement()
        .satisfies(
            e ->
                assertThat(new String(e.body(), StandardCharsets.UTF_8))
                    .containsAnyOf("ancel", "nterrupt"));
  }

  @Test
  void overHttpProgressAndQuestionsComeAsEventsOnTheRequestsOwnStream(@TempDir Path dir)
      throws Exception {
    try (BareGateway g = BareGateway.start(dir, "link-key", "", l -> {})) {
      register(g.node());
      McpHttp client = McpHttp.withKey(g.server().url(), "link-key");
      String session = initialise(client, ELICITING);
      HttpResponse<String> progress =
          client.post(call(20, "t.progress", ",\"_meta\":{\"progressToken\":7}"), session);
      assertThat(progress.headers().firstValue("Content-Type").orElseThrow())
          .startsWith("text/event-stream");
      assertThat(progress.body().split("\n\n"))
          .hasSize(3)
          .satisfies(
              events -> {
                assertThat(events[0])
                    .startsWith("event: message\ndata: ")
                    .contains("\"progressToken\":7");
                assertThat(events[2]).contains("\"id\":20", "\"text\":\"done\"");
              });
      HttpResponse<String> plain = client.post(call(21, "t.progress", ""), session);
      assertThat(plain.headers().firstValue("Content-Type").orElseThrow())
          .startsWith("application/json");

      HttpResponse<Stream<String>> asking =
          McpHttp.HTTP.send(
              client
                  .request(session)
                  .POST(HttpRequest.BodyPublishers.ofString(call(22, "t.ask", "")))
                  .build(),
              HttpResponse.BodyHandlers.ofLines());
      Iterator<String> lines = asking.body().iterator();
      String question = next(lines);
      assertThat(question).contains("\"method\":\"elicitation/create\"");
      assertThat(
              client
                  .post(
                      "{\"jsonrpc\":\"2.0\",\"id\":\""
                          + askedId(question)
                          + "\",\"result\":{\"action\":\"decline\"}}",
                      session)
                  .statusCode())
          .isEqualTo(202);
      assertThat(next(lines)).contains("\"id\":22").contains("decline");

      String other = initialise(client, McpHttp.INITIALIZE);
      assertThat(client.post(call(23, "t.ask", ""), other).body())
          .as("another session, which declared nothing, is not asked")
          .contains("cannot ask");
    }
  }

  private static String initialise(McpHttp client, String initialize) {
    HttpResponse<String> r = client.post(initialize, null);
    assertThat(r.statusCode()).isEqualTo(200);
    String session = r.headers().firstValue("Mcp-Session-Id").orElseThrow();
    client.post(McpHttp.INITIALIZED, session);
    return session;
  }

  /** The next event's data. */
  /** The id of the question Agora asked in {@code line}. */
  private static String askedId(String line) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\"id\":\"(agora-[^\"]+)\"").matcher(line);
    assertThat(m.find()).as(line).isTrue();
    return m.group(1);
  }

  private static String next(Iterator<String> lines) {
    List<String> seen = new ArrayList<>();
    while (lines.hasNext()) {
      String line = lines.next();
      if (line.startsWith("data: ")) {
        return line.substring(6);
      }
      seen.add(line);
    }
    throw new AssertionError("the stream ended after " + seen);
  }
}
