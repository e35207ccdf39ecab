package dev.agora.provider.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.error.AgoraError;
import dev.agora.rtfs.Value;
import java.nio.file.Path;
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
      assertThat(m.reports.get(0).failure()).contains("cannot initialize MCP server 'down'");
      assertThat(m.reports.get(1).failure())
          .contains("cannot start MCP server 'missing'")
          .contains("/nonexistent/mcp-server");
      assertThat(m.call("ccos.echo", "42")).isEqualTo(Value.of(42));
    }
  }
}
