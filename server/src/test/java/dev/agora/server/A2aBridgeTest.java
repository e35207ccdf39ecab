package dev.agora.server;

import static dev.agora.server.A2aServerTest.at;
import static dev.agora.server.A2aServerTest.message10;
import static dev.agora.server.A2aServerTest.skills;
import static dev.agora.server.A2aServerTest.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.event.EventType;
import dev.agora.core.json.Json;
import dev.agora.rtfs.Dict;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge, MCP to A2A: the tools of a real MCP server behind Agora (server-everything over
 * stdio) are skills of Agora's agent card, and an A2A message calls one through the governed call
 * path, recorded like any call — an A2A client using an MCP server.
 */
@Timeout(120)
class A2aBridgeTest {

  @TempDir static java.nio.file.Path dir;
  static GatewayFixture g;

  @BeforeAll
  static void start() throws Exception {
    g = new GatewayFixture(dir, "");
  }

  @AfterAll
  static void stop() {
    g.close();
  }

  @Test
  void anMcpToolIsASkillAndAnA2aMessageCallsIt() throws Exception {
    String base = g.url().replace("/mcp", "");
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> card =
        http.send(
            HttpRequest.newBuilder(URI.create(base + A2aServlet.CARD))
                .header("X-API-Key", GatewayFixture.AGENT_KEY)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(skills((Dict) Json.parse(card.body())))
        .contains("mcp.everything.echo", "mcp.everything.get-sum")
        .doesNotContain("mcp.everything.trigger-long-running-operation"); // not the agent's
    String body =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"SendMessage\",\"params\":"
            + message10("mcp.everything.get-sum", "{\"data\":{\"a\":20,\"b\":22}}")
            + "}}";
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/a2a"))
                .header("X-API-Key", GatewayFixture.AGENT_KEY)
                .header("A2A-Version", "1.0")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Dict answer = (Dict) Json.parse(r.body());
    assertThat(text(answer, "result", "message", "parts", 1, "text")).as(r.body()).contains("42");
    assertThat(at(answer, "result", "message", "role")).isNotNull();
    assertThat(
            g.awaitEvent(
                e ->
                    e.type() == EventType.CapabilityResult
                        && "mcp.everything.get-sum".equals(e.capabilityId())
                        && Boolean.TRUE.equals(e.success())
                        && e.caller().contains("agent-key"),
                30))
        .as("recorded as the A2A caller's call")
        .isNotNull();
  }
}
