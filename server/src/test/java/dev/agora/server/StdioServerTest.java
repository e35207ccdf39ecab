package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.ChainQuery;
import dev.agora.chain.event.EventSink;
import dev.agora.core.AgoraNode;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.config.AgoraConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code agora mcp}: the marketplace as an MCP server on a pair of streams (pipes here, stdin and
 * stdout in the CLI), one JSON-RPC message a line, the whole session acting as one security
 * context.
 */
@Timeout(60)
class StdioServerTest {

  private final List<String> log = new CopyOnWriteArrayList<>();
  private AgoraNode node;

  @BeforeEach
  void open() {
    node =
        AgoraNode.open(
            AgoraConfig.defaults().withStorage(AgoraConfig.Storage.MEMORY),
            EventSink.NONE,
            log::add);
    node.marketplace().bootstrap();
  }

  @AfterEach
  void close() {
    node.close();
  }

  @Test
  void aSessionActsAsItsContextOnTheGovernedCallPath() throws IOException {
    try (StdioPipe s = new StdioPipe(node, SecurityContext.controlled("agent", "ccos.math.*"))) {
      String tools = s.ask(2, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
      assertThat(tools).contains("\"name\":\"ccos.math.add\"").doesNotContain("\"ccos.echo\"");
      assertThat(s.call(3, "ccos.math.add", "{\"input\":[20,22]}"))
          .contains("\"text\":\"42\"")
          .doesNotContain("\"isError\":true");
      assertThat(s.call(4, "ccos.echo", "{\"input\":1}"))
          .contains("\"isError\":true")
          .contains("SecurityViolation: caller 'agent' may not call 'ccos.echo'");
      assertThat(s.call(5, "no.such.tool", "{}")).contains("\"error\"").contains("Unknown tool");
      assertThat(s.server.gateway().toolsFor(SecurityContext.controlled("x", "ccos.math.add")))
          .containsExactly("ccos.math.add");
    }
    assertThat(
            node
                .chain()
                .query(ChainQuery.ALL.withType("CapabilityCall").withCaller("agent"))
                .stream()
                .map(e -> e.columns().capabilityId()))
        .containsExactly("ccos.math.add", "ccos.echo", "no.such.tool");
    // the SDK answered the unknown tool itself; it is recorded all the same, with the caller
    assertThat(
            node.chain()
                .query(
                    ChainQuery.ALL
                        .withType("CapabilityResult")
                        .withCapability("no.such.tool")
                        .withCaller("agent")))
        .singleElement()
        .satisfies(
            e -> assertThat(new String(e.body(), StandardCharsets.UTF_8)).contains("NotFound"));
  }

  @Test
  void aSessionWithoutAnIdentitySeesNothingAndCallsNothing() throws IOException {
    try (StdioPipe s = new StdioPipe(node, null)) {
      assertThat(s.ask(2, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}"))
          .contains("\"tools\":[]");
      assertThat(s.call(3, "ccos.echo", "{\"input\":1}"))
          .contains("\"isError\":true")
          .contains("the request carries no identity Agora accepts");
    }
  }

  /**
   * A line that is not JSON (text, binary, 100,000 {@code [}) or not JSON-RPC is answered with a
   * JSON-RPC error with a null id, and the session goes on: the SDK's transport stopped reading at
   * the first one and never answered again (issue 12).
   */
  @Test
  void aLineThatIsNotJsonRpcIsAnsweredAndTheSessionGoesOn() throws IOException {
    try (StdioPipe s = new StdioPipe(node, SecurityContext.full("op"))) {
      String parseError = "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,";
      s.send("hello, this is not JSON");
      assertThat(s.fromServer.readLine()).startsWith(parseError).contains("not JSON");
      s.toServer.write(new byte[] {(byte) 0xff, 0, (byte) 0xfe, 7, 1, 2, '\n'});
      s.toServer.flush();
      assertThat(s.fromServer.readLine()).startsWith(parseError);
      s.send("[".repeat(100_000));
      assertThat(s.fromServer.readLine()).startsWith(parseError);
      s.send("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":");
      assertThat(s.fromServer.readLine()).startsWith(parseError);
      String invalid = "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,";
      s.send("[1,2,3]");
      assertThat(s.fromServer.readLine())
          .startsWith(invalid)
          .contains("not a JSON-RPC 2.0 message");
      s.send("{\"what\":\"ever\"}");
      assertThat(s.fromServer.readLine()).startsWith(invalid);
      s.send("   ");
      assertThat(s.call(4, "ccos.math.add", "{\"input\":[1,2]}")).contains("\"text\":\"3\"");
    }
  }

  /**
   * A message over the size limit is dropped without being kept whole; its id, found while it is
   * skipped, gets the refusal, and the session goes on.
   */
  @Test
  void aMessageOverTheLimitIsRefusedWithItsIdAndTheSessionGoesOn() throws IOException {
    try (StdioPipe s = new StdioPipe(node, SecurityContext.full("op"), 4096)) {
      s.send(
          "{\"jsonrpc\":\"2.0\",\"method\":\"tools/call\",\"params\":{\"name\":\"ccos.echo\","
              + "\"arguments\":{\"input\":\""
              + "x".repeat(10_000)
              + "\"}},\"id\":7}");
      assertThat(s.fromServer.readLine())
          .startsWith("{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-32600,")
          .contains("of 10101 bytes, was dropped")
          .contains("at most 4096");
      assertThat(s.call(8, "ccos.math.add", "{\"input\":[1,2]}")).contains("\"text\":\"3\"");
      s.send(
          "{\"jsonrpc\":\"2.0\",\"method\":\"x\",\"params\":{\"p\":\"" + "y".repeat(5000) + "\"}}");
      assertThat(s.fromServer.readLine())
          .as(
              "no id found: the refusal has a null id, as JSON-RPC says for a request it cannot read")
          .startsWith("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,");
      assertThat(s.call(9, "ccos.math.add", "{\"input\":[2,2]}")).contains("\"text\":\"4\"");
    }
  }

  /** The end of input ends the session, also after lines that were not JSON. */
  @Test
  void theEndOfInputEndsTheSession() throws Exception {
    StdioPipe s = new StdioPipe(node, SecurityContext.full("op"));
    s.send("not json");
    assertThat(s.fromServer.readLine()).contains("-32700");
    s.toServer.close();
    s.server.ended().get(30, TimeUnit.SECONDS);
    s.server.close();
  }

  /** A stdin that fails is the end of the session, as its end is; the reason is logged. */
  @Test
  void aFailingInputEndsTheSession() throws Exception {
    List<String> said = new CopyOnWriteArrayList<>();
    InputStream failing =
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw new IOException("stdin is broken");
          }
        };
    try (StdioServer server =
        new StdioServer(
            node.marketplace(),
            SecurityContext.full("op"),
            failing,
            OutputStream.nullOutputStream(),
            StdioServer.MAX_MESSAGE,
            said::add)) {
      server.ended().get(30, TimeUnit.SECONDS);
    }
    assertThat(said).containsExactly("agora mcp: reading stdin failed: stdin is broken");
  }

  /** A stdout the client closed ends the session: nobody hears the answers any more. */
  @Test
  void aClosedOutputEndsTheSession() throws Exception {
    for (String line : List.of("not json", McpHttp.INITIALIZE)) {
      Pipe in = Pipe.open();
      OutputStream closed =
          new OutputStream() {
            @Override
            public void write(int b) throws IOException {
              throw new IOException("Broken pipe");
            }
          };
      List<String> said = new CopyOnWriteArrayList<>();
      try (StdioServer server =
              new StdioServer(
                  node.marketplace(),
                  SecurityContext.full("op"),
                  Channels.newInputStream(in.source()),
                  closed,
                  StdioServer.MAX_MESSAGE,
                  said::add);
          OutputStream toServer = Channels.newOutputStream(in.sink())) {
        toServer.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        toServer.flush();
        server.ended().get(30, TimeUnit.SECONDS);
      }
      if (line.startsWith("not")) {
        assertThat(said).containsExactly("agora mcp: cannot answer on stdout: Broken pipe");
      }
    }
  }

  /** Reads lines until one contains every fragment; returns it (the session must not end first). */
  private static String lineWith(StdioPipe s, String... fragments) throws IOException {
    while (true) {
      String line = s.fromServer.readLine();
      assertThat(line).as("the session ended before " + List.of(fragments)).isNotNull();
      if (List.of(fragments).stream().allMatch(line::contains)) {
        return line;
      }
    }
  }

  private static String listen(int id, String notifications) {
    return "{\"jsonrpc\":\"2.0\",\"id\":"
        + id
        + ",\"method\":\"subscriptions/listen\",\"params\":{\"notifications\":"
        + notifications
        + ","
        + StatelessHttpTest.META
        + "}}";
  }

  @Test
  void aListeningClientHearsOfChangesUntilItCancelsOrTheSessionEnds() throws Exception {
    StdioPipe s = new StdioPipe(node, SecurityContext.full("op"));
    s.send(listen(40, "{\"toolsListChanged\":true,\"promptsListChanged\":false}"));
    assertThat(lineWith(s, "notifications/subscriptions/acknowledged"))
        .contains(
            "\"notifications\":{\"toolsListChanged\":true}",
            "\"io.modelcontextprotocol/subscriptionId\":40");
    s.send(listen(41, "{\"toolsListChanged\":true}"));
    lineWith(s, "notifications/subscriptions/acknowledged", "subscriptionId\":41");

    node.marketplace()
        .register(GatewayFixture.rtfs("demo.heard", ":int", ":int", "(fn [x] x)"), "test");
    lineWith(s, "notifications/tools/list_changed", "subscriptionId\":40");

    s.send(
        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
            + "\"params\":{\"requestId\":40}}");
    assertThat(s.call(42, "ccos.echo", "{\"input\":\"still here\"}")).contains("still here");
    s.send(listen(43, "{}"));
    lineWith(s, "notifications/subscriptions/acknowledged", "subscriptionId\":43");

    s.toServer.close(); // the session ends: what still listens ends with a complete result
    List<String> ended = new ArrayList<>();
    while (ended.size() < 2) {
      String line = lineWith(s, "\"resultType\":\"complete\"");
      assertThat(line).doesNotContain("\"id\":40,");
      ended.add(line);
    }
    assertThat(ended)
        .anyMatch(l -> l.contains("\"id\":41,"))
        .anyMatch(l -> l.contains("\"id\":43,"));
    s.server.ended().get(30, TimeUnit.SECONDS);
  }

  @Test
  void aListenWithoutWhatToHearIsRefused() throws Exception {
    try (StdioPipe s = new StdioPipe(node, SecurityContext.full("op"))) {
      s.send(
          "{\"jsonrpc\":\"2.0\",\"id\":50,\"method\":\"subscriptions/listen\",\"params\":{"
              + StatelessHttpTest.META
              + "}}");
      assertThat(lineWith(s, "\"id\":50,")).contains("-32602", "params.notifications is required");
    }
  }
}
