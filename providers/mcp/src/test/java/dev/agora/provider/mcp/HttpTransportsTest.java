package dev.agora.provider.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.error.AgoraError;
import dev.agora.rtfs.Value;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * server-everything over Streamable HTTP and over the legacy HTTP+SSE transport, with a restart.
 */
@Timeout(120)
class HttpTransportsTest {

  @TempDir Path dir;

  @Test
  void streamableHttpDiscoversCallsAndSurvivesAServerRestart() throws Exception {
    int port = Peers.freePort();
    Peers.HttpServer server = Peers.everythingHttp("streamableHttp", port);
    try (McpFixture m =
        new McpFixture(
            dir,
            """
        sources:
          - {name: remote, type: mcp, url: "http://127.0.0.1:%d/mcp", headers: {X-Agora-Test: "1"}}
        """
                .formatted(port))) {
      assertThat(m.reports).singleElement().satisfies(r -> assertThat(r.failure()).isNull());
      assertThat(m.call("mcp.remote.echo", "{:message \"over http\"}"))
          .isEqualTo(Value.of("Echo: over http"));
      assertThat(m.call("mcp.remote.get-sum", "{:a 40 :b 2}").toString()).contains("42");

      server.close(); // the server restarts: it knows nothing of our session
      server = Peers.everythingHttp("streamableHttp", port);
      assertThat(m.call("mcp.remote.echo", "{:message \"after restart\"}"))
          .isEqualTo(Value.of("Echo: after restart"));
      assertThat(m.logText())
          .contains("session lost during tools/call echo; re-initialized and retrying once");

      server.close(); // gone for good: a typed error naming the server, no hang
      assertThatThrownBy(() -> m.call("mcp.remote.echo", "{:message \"nobody\"}"))
          .isInstanceOf(AgoraError.ProviderError.class)
          .hasMessageContaining("'remote'");
    } finally {
      server.close();
    }
  }

  @Test
  void legacySseTransportWorksAtItsDefaultEndpoint() throws Exception {
    int port = Peers.freePort();
    try (Peers.HttpServer server = Peers.everythingHttp("sse", port);
        McpFixture m =
            new McpFixture(
                dir,
                """
             sources:
               - {name: legacy, type: mcp, transport: sse, url: "http://127.0.0.1:%d"}
             """
                    .formatted(port))) {
      assertThat(m.reports)
          .singleElement()
          .satisfies(r -> assertThat(r.failure()).as("%s", r).isNull());
      assertThat(m.call("mcp.legacy.echo", "{:message \"sse\"}")).isEqualTo(Value.of("Echo: sse"));
      assertThat(server.output()).isNotEmpty();
    }
  }

  /**
   * A reply over the source's {@code max_bytes} is refused by the body limit over Streamable HTTP:
   * a typed error naming the server and the limit, at once, and the next call is answered.
   */
  @Test
  void aReplyOverMaxBytesIsRefusedOverStreamableHttp() throws Exception {
    int port = Peers.freePort();
    try (Peers.HttpServer server = Peers.everythingHttp("streamableHttp", port);
        McpFixture m =
            new McpFixture(
                dir,
                """
             sources:
               - {name: remote, type: mcp, url: "http://127.0.0.1:%d/mcp", max_bytes: 65536, timeout: 20s}
             """
                    .formatted(port))) {
      assertThat(m.reports).singleElement().satisfies(r -> assertThat(r.failure()).isNull());
      long start = System.nanoTime();
      assertThatThrownBy(
              () -> m.call("mcp.remote.echo", "{:message \"" + "x".repeat(100_000) + "\"}"))
          .isInstanceOf(AgoraError.ProviderError.class)
          .hasMessage(
              "capability 'mcp.remote.echo' failed: MCP server 'remote': the reply to tools/call"
                  + " echo is larger than max_bytes (65536 bytes) and was dropped");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
      assertThat(smallAfterOversize(m)).isEqualTo(Value.of("Echo: small"));
    }
  }

  /**
   * A small call after an oversize reply. The SDK reports the dropped body to the transport more
   * than once, asynchronously, and a report that comes late fails whatever is in flight on the
   * session then (issue 12's known Streamable HTTP gap, docs/SECURITY.md): so the call may fail
   * once with the same TooLarge error — never otherwise — and then goes through.
   */
  private static Value smallAfterOversize(McpFixture m) {
    try {
      return m.call("mcp.remote.echo", "{:message \"small\"}");
    } catch (AgoraError.ProviderError e) {
      assertThat(e.getMessage()).contains("is larger than max_bytes (65536 bytes)");
      return m.call("mcp.remote.echo", "{:message \"small\"}");
    }
  }

  /**
   * Over the legacy SSE transport the SDK ends its event stream, without a word, on an event over
   * the limit: that call runs to its deadline, and the next one gets a new session rather than
   * waiting for its deadline too.
   */
  @Test
  void overSseAReplyOverMaxBytesCostsOneDeadlineAndTheNextCallGetsANewSession() throws Exception {
    int port = Peers.freePort();
    try (Peers.HttpServer server = Peers.everythingHttp("sse", port);
        McpFixture m =
            new McpFixture(
                dir,
                """
             sources:
               - {name: legacy, type: mcp, transport: sse, url: "http://127.0.0.1:%d", max_bytes: 65536, timeout: 3s}
             """
                    .formatted(port))) {
      assertThat(m.reports).singleElement().satisfies(r -> assertThat(r.failure()).isNull());
      assertThatThrownBy(
              () -> m.call("mcp.legacy.echo", "{:message \"" + "x".repeat(100_000) + "\"}"))
          .isInstanceOf(AgoraError.Timeout.class);
      assertThat(m.call("mcp.legacy.echo", "{:message \"small\"}"))
          .isEqualTo(Value.of("Echo: small"));
    }
  }

  @Test
  void anUnreachableServerIsAFailedSourceNotAFailedStart() throws Exception {
    int port = Peers.freePort();
    try (McpFixture m =
        new McpFixture(
            dir,
            """
        sources:
          - {name: down, type: mcp, url: "http://127.0.0.1:%d/mcp", timeout: 5s}
          - {name: missing, type: mcp, command: /nonexistent/mcp-server}
        """
                .formatted(port))) {
      assertThat(m.reports).hasSize(2).allSatisfy(r -> assertThat(r.failure()).isNotNull());
      assertThat(m.reports.get(0).failure())
          .contains(
              "cannot reach MCP server 'down' (http://127.0.0.1:%d/mcp): connection refused"
                  .formatted(port));
      assertThat(m.reports.get(1).failure())
          .contains("cannot start MCP server 'missing'")
          .contains("/nonexistent/mcp-server");
      assertThat(m.call("ccos.echo", "42")).isEqualTo(Value.of(42));
    }
  }
}
