package dev.agora.provider.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.rtfs.Value;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code protocol: auto}: which generation a server speaks is asked with a 2026-07-28 {@code
 * server/discover}, and only a 2026-07-28 answer counts; anything else — an error, garbage, silence
 * — means 2025-11-25, within a bounded time. Pinning the protocol skips the question.
 */
@Timeout(120)
class EraDetectionTest {

  @TempDir Path dir;

  private static final String TOOLS =
      """
      "tools/list": {"result": {"tools": [{"name": "hello", "inputSchema": {"type": "object"}}]}},
      "tools/call": {"result": {"content": [{"type": "text", "text": "hello from 2025"}]}}
      """;

  @Test
  void the2025JavaServerOverHttpIsDetectedAsLegacy() throws Exception {
    try (JavaMcpServer upstream = new JavaMcpServer();
        McpFixture m =
            new McpFixture(
                dir,
                "sources:\n  - {name: old, type: mcp, url: \"%s\"}\n".formatted(upstream.url()))) {
      assertThat(m.reports).singleElement().satisfies(r -> assertThat(r.failure()).isNull());
      assertThat(m.source("old").upstream().era()).isEqualTo(McpServerConfig.Protocol.LEGACY);
      assertThat(m.logText()).contains("mcp old: speaks MCP 2025-11-25 or earlier");
      assertThat(m.call("mcp.old.echo", "{:message \"hi\"}")).isEqualTo(Value.of("hi"));
    }
  }

  @Test
  void serverEverythingOverStdioIsDetectedAsLegacy() throws Exception {
    try (McpFixture m =
        new McpFixture(
            dir,
            "sources:\n  - {name: everything, type: mcp, command: %s, timeout: 20s}\n"
                .formatted(Peers.exe("mcp-server-everything")))) {
      assertThat(m.reports).singleElement().satisfies(r -> assertThat(r.failure()).isNull());
      assertThat(m.source("everything").upstream().era())
          .isEqualTo(McpServerConfig.Protocol.LEGACY);
      assertThat(m.call("mcp.everything.echo", "{:message \"hi\"}"))
          .isEqualTo(Value.of("Echo: hi"));
    }
  }

  /** Silence costs the source's timeout (2 s here), then the fallback: no hang (@Timeout). */
  @Test
  void garbageOrSilenceInAnswerToTheProbeMeansLegacy() throws Exception {
    for (String answer : new String[] {"{\"raw\": \"this is not JSON-RPC\"}", "{\"hang\": true}"}) {
      String scenario = "{\"replies\": {\"server/discover\": %s, %s}}".formatted(answer, TOOLS);
      try (McpFixture m = Scripted.start(dir, scenario, "timeout: 2s")) {
        assertThat(m.reports).singleElement().satisfies(r -> assertThat(r.failure()).isNull());
        assertThat(m.source("s").upstream().era()).isEqualTo(McpServerConfig.Protocol.LEGACY);
        assertThat(m.call("mcp.s.hello", null)).isEqualTo(Value.of("hello from 2025"));
      }
    }
  }

  @Test
  void aModernErrorInAnswerToTheProbeMeansModern() throws Exception {
    String scenario =
        """
        {"replies": {"server/discover": {"error": {"code": -32020, "message": "header mismatch"}}, %s}}
        """
            .formatted(TOOLS);
    try (McpFixture m = Scripted.start(dir, scenario, "timeout: 2s")) {
      assertThat(m.source("s").upstream().era()).isEqualTo(McpServerConfig.Protocol.MODERN);
      assertThat(m.reports)
          .singleElement()
          .satisfies(r -> assertThat(r.failure()).contains("header mismatch"));
    }
  }

  @Test
  void anHttpServerAnsweringGarbageFallsBackAndFailsClearly() throws Exception {
    for (Javalin garbage :
        new Javalin[] {
          answering(200, "text/html", "<html>hi"), answering(400, "text/plain", "bad request")
        }) {
      try (McpFixture m =
          new McpFixture(
              dir,
              "sources:\n  - {name: odd, type: mcp, url: \"http://127.0.0.1:%d/mcp\", timeout: 3s}\n"
                  .formatted(garbage.port()))) {
        assertThat(m.source("odd").upstream().era()).isEqualTo(McpServerConfig.Protocol.LEGACY);
        assertThat(m.reports)
            .singleElement()
            .satisfies(r -> assertThat(r.failure()).contains("cannot initialize MCP server 'odd'"));
      } finally {
        garbage.stop();
      }
    }
  }

  @Test
  void anHttp400WithAModernErrorMeansModern() throws Exception {
    Javalin modern =
        answering(
            400,
            "application/json",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32022,"
                + "\"message\":\"unsupported protocol version\"}}");
    try (McpFixture m =
        new McpFixture(
            dir,
            "sources:\n  - {name: picky, type: mcp, url: \"http://127.0.0.1:%d/mcp\", timeout: 3s}\n"
                .formatted(modern.port()))) {
      assertThat(m.source("picky").upstream().era()).isEqualTo(McpServerConfig.Protocol.MODERN);
      assertThat(m.reports).singleElement().satisfies(r -> assertThat(r.failure()).isNotNull());
    } finally {
      modern.stop();
    }
  }

  @Test
  void anUnreachableServerIsNotTakenForEitherAndIsAskedAgain() throws Exception {
    int port = freePort();
    try (McpFixture m =
        new McpFixture(
            dir,
            "sources:\n  - {name: gone, type: mcp, url: \"http://127.0.0.1:%d/mcp\", timeout: 3s}\n"
                .formatted(port))) {
      assertThat(m.reports)
          .singleElement()
          .satisfies(r -> assertThat(r.failure()).contains("MCP server 'gone'"));
      assertThat(m.source("gone").upstream().era()).as("not cached").isNull();
    }
  }

  @Test
  void aPinnedProtocolIsNotAsked() throws Exception {
    try (JavaMcpServer old = new JavaMcpServer();
        ModernJavaServer next = new ModernJavaServer();
        McpFixture m =
            new McpFixture(
                dir,
                """
                sources:
                  - {name: old, type: mcp, url: "%s", protocol: 2025-11-25}
                  - {name: next, type: mcp, url: "%s", protocol: 2026-07-28}
                  - {name: wrong, type: mcp, url: "%s", protocol: 2026-07-28, timeout: 3s}
                """
                    .formatted(old.url(), next.url(), old.url()))) {
      assertThat(m.logText()).doesNotContain("speaks MCP");
      assertThat(m.call("mcp.old.echo", "{:message \"a\"}")).isEqualTo(Value.of("a"));
      assertThat(m.call("mcp.next.echo", "{:message \"b\"}")).isEqualTo(Value.of("b"));
      assertThat(next.requests).first().isEqualTo("server/discover - 2026-07-28");
      assertThat(m.reports.get(2).failure())
          .as("a 2025-11-25 server pinned as 2026-07-28 fails with the reason")
          .contains("server/discover on MCP server 'wrong'");
    }
  }

  /** An HTTP server on 127.0.0.1 that answers every POST to /mcp with this. */
  private static Javalin answering(int status, String type, String body) {
    return Javalin.create(
            c -> {
              c.startup.showJavalinBanner = false;
              c.routes.post("/mcp", ctx -> ctx.status(status).contentType(type).result(body));
            })
        .start("127.0.0.1", 0);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
