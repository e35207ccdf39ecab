package dev.agora.provider.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.error.AgoraError;
import dev.agora.core.error.Fault;
import dev.agora.rtfs.Value;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/**
 * An upstream that answers with more than its {@code max_bytes} (issue 12: 50 MB was accepted and
 * stored whole, 400 MB killed the reader with OOM and every later call waited for its deadline):
 * the reply is dropped unkept, the call fails at once with a typed error naming the server and the
 * limit, and the session goes on; a reader that fails anyway stops the server, which the next call
 * starts again.
 */
@Timeout(120)
class OversizedRepliesTest {

  @TempDir Path dir;

  private static final String TOOLS =
      """
      "tools/list": {"result": {"tools": [
        {"name": "big", "inputSchema": {"type": "object"}},
        {"name": "huge", "inputSchema": {"type": "object"}},
        {"name": "asks", "inputSchema": {"type": "object"}},
        {"name": "chatty", "inputSchema": {"type": "object"}},
        {"name": "boom", "inputSchema": {"type": "object"}},
        {"name": "small", "inputSchema": {"type": "object"}}]}},
      "tools/call:big": {"big": 1000000},
      "tools/call:huge": {"big": 50000000},
      "tools/call:asks": [{"bigRequest": 100000}, {"result": {"content": [{"type": "text", "text": "asked"}]}}],
      "tools/call:chatty": [{"bigNotify": 100000}, {"result": {"content": [{"type": "text", "text": "said"}]}}],
      "tools/call:boom": [{"raw": "BOOM, not JSON-RPC"}, {"hang": true}],
      "tools/call:small": {"result": {"content": [{"type": "text", "text": "fine"}]}}
      """;

  private static final String SCENARIO =
      "{\"init\": {\"capabilities\": {\"tools\": {}}}, \"replies\": {" + TOOLS + "}}";

  @Test
  void aReplyOverMaxBytesFailsItsCallAtOnceAndTheSessionGoesOn() throws Exception {
    try (McpFixture m = Scripted.start(dir, SCENARIO, "timeout: 20s, max_bytes: 65536")) {
      long pid = m.source("s").connection().pid();
      long start = System.nanoTime();
      assertThatThrownBy(() -> m.call("mcp.s.big", null))
          .isInstanceOf(AgoraError.ProviderError.class)
          .hasMessage(
              "capability 'mcp.s.big' failed: MCP server 's': the reply to tools/call big (1000081 bytes) is larger than"
                  + " max_bytes (65536 bytes) and was dropped")
          .satisfies(e -> assertThat(((AgoraError.ProviderError) e).isTransient()).isFalse())
          // like HTTP's max_bytes, not the provider's fault: it never opens the circuit
          .satisfies(e -> assertThat(((AgoraError) e).fault()).isEqualTo(Fault.CALLER));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
      assertThat(m.logText())
          .contains("mcp s: dropped a message of 1000081 bytes, over max_bytes (65536)");
      assertThat(m.call("mcp.s.small", null)).isEqualTo(Value.of("fine"));
      assertThat(m.source("s").connection().pid()).isEqualTo(pid);
      assertThat(m.source("s").connection().inFlight()).isZero();
    }
  }

  @Test
  void fiftyMegabytesAreOverTheDefaultLimit() throws Exception {
    try (McpFixture m = Scripted.start(dir, SCENARIO, "timeout: 60s")) {
      assertThatThrownBy(() -> m.call("mcp.s.huge", null))
          .isInstanceOf(AgoraError.ProviderError.class)
          .hasMessage(
              "capability 'mcp.s.huge' failed: MCP server 's': the reply to tools/call huge (50000081 bytes) is larger than"
                  + " max_bytes (4194304 bytes) and was dropped");
      assertThat(m.call("mcp.s.small", null)).isEqualTo(Value.of("fine"));
    }
  }

  @Test
  void aRequestOrNotificationOverMaxBytesFromTheServerIsDroppedAndARequestRefused()
      throws Exception {
    try (McpFixture m = Scripted.start(dir, SCENARIO, "max_bytes: 65536")) {
      assertThat(m.call("mcp.s.asks", null)).isEqualTo(Value.of("asked"));
      assertThat(m.awaitLog("scripted: answer to from-server: error -32600 a message of", 10))
          .as(m.logText())
          .isTrue();
      assertThat(m.call("mcp.s.chatty", null)).isEqualTo(Value.of("said"));
      assertThat(m.awaitLog("over max_bytes (65536)", 2, 10)).as(m.logText()).isTrue();
    }
  }

  @Test
  void aLongStderrLineIsCountedNotKept() throws Exception {
    String scenario =
        "{\"replies\": {\"tools/list\": [{\"stderr\": \""
            + "e".repeat(70_000)
            + "\"},"
            + " {\"result\": {\"tools\": []}}]}}";
    try (McpFixture m = Scripted.start(dir, scenario)) {
      assertThat(m.awaitLog("mcp s stderr: [a line of 70000 bytes]", 10)).as(m.logText()).isTrue();
    }
  }

  /**
   * The reader failing (here: Agora's log throwing an OutOfMemoryError on the line it is given, as
   * a huge line once did) used to leave the server running with nobody reading it, and every later
   * call waiting for its deadline.
   */
  @Test
  void aReaderThatFailsStopsTheServerAndTheNextCallStartsANewOne() throws Exception {
    Files.writeString(dir.resolve("s.json"), SCENARIO);
    McpServerConfig config = Scripted.config(dir, Duration.ofSeconds(30));
    List<String> log = new CopyOnWriteArrayList<>();
    try (McpConnection c =
        new McpConnection(
            config,
            line -> {
              if (line.contains("BOOM")) {
                throw new OutOfMemoryError("Java heap space (test)");
              }
              log.add(line);
            },
            tools -> Mono.empty(),
            () -> {},
            () -> {})) {
      c.request("ping", McpAsyncClient::ping, Duration.ofSeconds(30), null, true);
      long pid = c.pid();
      long start = System.nanoTime();
      assertThatThrownBy(
              () ->
                  c.request(
                      "tools/call boom",
                      client -> client.callTool(McpSchema.CallToolRequest.builder("boom").build()),
                      Duration.ofSeconds(30),
                      null,
                      false))
          .isInstanceOf(McpConnection.Unavailable.class)
          .hasMessageContaining("MCP server 's' exited");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
      assertThat(log)
          .anySatisfy(
              l ->
                  assertThat(l)
                      .startsWith("mcp s: reading stdout failed (java.lang.OutOfMemoryError")
                      .endsWith("the server is stopped and started again on the next request"))
          .contains("mcp s: stopped the server");
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
      McpSchema.CallToolResult r =
          c.request(
              "tools/call small",
              client -> client.callTool(McpSchema.CallToolRequest.builder("small").build()),
              Duration.ofSeconds(30),
              null,
              false);
      assertThat(((McpSchema.TextContent) r.content().getFirst()).text()).isEqualTo("fine");
      assertThat(c.pid()).isNotEqualTo(pid);
    }
  }
}
