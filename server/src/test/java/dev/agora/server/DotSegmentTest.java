package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guard decides on the path a request is served at: a raw path that reaches /mcp only once its
 * dot segments are removed — through a public prefix (the console's static files, the OAuth
 * metadata) — is refused, and cannot use another caller's MCP session without a credential (the
 * review of issue 17 ran this against the server: 200 as the session's owner before the fix).
 */
@Timeout(60)
class DotSegmentTest {

  @Test
  void aPathThatOnlyGetsThereThroughDotSegmentsIsRefused(@TempDir Path dir) throws Exception {
    try (BareGateway g = BareGateway.start(dir, "owner-key", "", l -> {})) {
      int port = g.server().port();
      String session = McpHttp.withKey(g.server().url(), "owner-key").initialise();
      String call =
          "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":"
              + "\"ccos.echo\",\"arguments\":{\"input\":\"as the owner\"}}}";
      for (String path :
          List.of(
              "/console/static/../../mcp",
              "/.well-known/oauth-protected-resource/../../mcp",
              "/console/static/%2e%2e/%2E%2E/mcp",
              "/health/../mcp",
              "/api/./v1/stats",
              "/console/static/./../../mcp",
              "//mcp",
              "/console/static//../mcp")) {
        McpHttp.Raw r =
            McpHttp.raw(
                port,
                "POST "
                    + path
                    + " HTTP/1.1\r\nHost: 127.0.0.1:"
                    + port
                    + "\r\nContent-Type: application/json\r\nAccept: application/json,"
                    + " text/event-stream\r\nMcp-Session-Id: "
                    + session
                    + "\r\nContent-Length: "
                    + call.length(),
                call);
        assertThat(r.status()).as(path + ": " + r.body()).isEqualTo(400);
        assertThat(r.body()).doesNotContain("as the owner");
      }
      // the same request on the real path, without the owner's key, is refused as before
      McpHttp.Raw plain =
          McpHttp.raw(
              port,
              "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:"
                  + port
                  + "\r\nContent-Type: application/json\r\nMcp-Session-Id: "
                  + session
                  + "\r\nContent-Length: "
                  + call.length(),
              call);
      assertThat(plain.status()).isEqualTo(401);
    }
  }
}
