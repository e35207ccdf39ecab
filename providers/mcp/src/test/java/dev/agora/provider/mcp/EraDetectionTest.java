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
      try (McpFixture m = at("odd", garbage.port())) {
        assertThat(m.source("odd").upstream().era()).isEqualTo(McpServerConfig.Protocol.LEGACY);
        assertThat(m.reports)
            .singleElement()
            .satisfies(r -> assertThat(r.failure()).contains("cannot initialize MCP server 'odd'"));
      } finally {
        garbage.stop();
      }
    }
  }

  /** As a JSON-RPC message, or as a bare error object the SDK does not read as one. */
  @Test
  void anHttp400WithAModernErrorMeansModern() throws Exception {
    for (String body :
        new String[] {
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32022,"
              + "\"message\":\"unsupported protocol version\"}}",
          "{\"error\":{\"code\":-32020,\"message\":\"header mismatch\"}}"
        }) {
      assertThat(eraBehind400(body)).as(body).isEqualTo(McpServerConfig.Protocol.MODERN);
    }
  }

  /**
   * A server that refuses Agora before it is asked anything says nothing about its protocol: the
   * failure says it refused; an HTTP error carrying a JSON-RPC error only a 2025-11-25 server sends
   * means 2025-11-25.
   */
  @Test
  void aRefusalIsNotAProtocolAndAnOldErrorMeansLegacy() throws Exception {
    for (int status : new int[] {401, 403}) {
      Javalin refusing = answering(status, "text/plain", "who are you");
      try (McpFixture m = at("shut", refusing.port())) {
        assertThat(m.reports)
            .singleElement()
            .satisfies(
                r ->
                    assertThat(r.failure())
                        .contains("MCP server 'shut'")
                        .contains("refused Agora: HTTP " + status + " who are you"));
      } finally {
        refusing.stop();
      }
    }
    for (String body :
        new String[] {
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32601,\"message\":\"no such method\"}}",
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":\"odd\",\"message\":\"x\"}}",
          "{\"error\":\"not an object\"}",
          "{\"error\":{\"code\":-32601}}"
        }) {
      assertThat(eraBehind400(body)).as(body).isEqualTo(McpServerConfig.Protocol.LEGACY);
    }
  }

  @Test
  void anUnreachableServerIsNotTakenForEitherAndIsAskedAgain() throws Exception {
    int port = freePort();
    try (McpFixture m = at("gone", port)) {
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

  /**
   * The protocol Agora takes a server for that answers everything with HTTP 400 and this body; its
   * discovery fails either way.
   */
  private McpServerConfig.Protocol eraBehind400(String body) throws IOException {
    Javalin server = answering(400, "application/json", body);
    try (McpFixture m = at("s", server.port())) {
      assertThat(m.reports).singleElement().satisfies(r -> assertThat(r.failure()).isNotNull());
      return m.source("s").upstream().era();
    } finally {
      server.stop();
    }
  }

  /** A marketplace with one source, {@code name}, at http://127.0.0.1:port/mcp. */
  private McpFixture at(String name, int port) throws IOException {
    return new McpFixture(
        dir,
        "sources:\n  - {name: %s, type: mcp, url: \"http://127.0.0.1:%d/mcp\", timeout: 3s}\n"
            .formatted(name, port));
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
