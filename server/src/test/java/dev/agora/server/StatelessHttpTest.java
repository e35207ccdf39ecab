package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * MCP 2026-07-28 on the same {@code /mcp} as 2025-11-25: each request stands alone, its version and
 * capabilities in {@code _meta}, its {@code Mcp-Method} and {@code Mcp-Name} headers agreeing with
 * its body; errors carry that protocol's HTTP statuses; a 2025-11-25 session works beside it.
 */
@Timeout(60)
class StatelessHttpTest extends AgainstBareGateway {

  static final String META =
      "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
          + "\"io.modelcontextprotocol/clientCapabilities\":{},"
          + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}";

  private static HttpResponse<String> post(String method, String name, String params) {
    HttpRequest.Builder b =
        McpHttp.withKey(g.server().url(), KEY)
            .request(null)
            .setHeader("MCP-Protocol-Version", "2026-07-28")
            .header("Mcp-Method", method);
    if (name != null) {
      b.header("Mcp-Name", name);
    }
    String body =
        "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"" + method + "\",\"params\":{" + params + "}}";
    return McpHttp.send(b.POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** A request with headers as given: {@code version} null leaves the 2025 default header. */
  private static HttpResponse<String> raw(
      String version, String header, String method, String meta) {
    HttpRequest.Builder b =
        McpHttp.withKey(g.server().url(), KEY).request(null).header("Mcp-Method", header);
    if (version != null) {
      b.setHeader("MCP-Protocol-Version", version);
    }
    return McpHttp.send(
        b.POST(
            HttpRequest.BodyPublishers.ofString(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\""
                    + method
                    + "\",\"params\":{"
                    + meta
                    + "}}")));
  }

  @Test
  void discoverListAndCallWithoutASession() {
    HttpResponse<String> d = post("server/discover", null, META);
    assertThat(d.statusCode()).isEqualTo(200);
    assertThat(d.headers().firstValue("Mcp-Session-Id")).isEmpty();
    assertThat(d.body())
        .contains("\"supportedVersions\":[\"2026-07-28\",\"2025-11-25\"")
        .contains("\"resultType\":\"complete\"")
        .contains("\"io.modelcontextprotocol/serverInfo\":{\"name\":\"agora\"")
        .contains("\"ttlMs\":0", "\"cacheScope\":\"private\"");
    assertThat(post("tools/list", null, META).body())
        .contains("\"name\":\"ccos.math.add\"")
        .contains("\"resultType\":\"complete\"");
    HttpResponse<String> call =
        post(
            "tools/call",
            "ccos.math.add",
            "\"name\":\"ccos.math.add\",\"arguments\":{\"input\":[40,2]}," + META);
    assertThat(call.statusCode()).isEqualTo(200);
    assertThat(call.body()).contains("\"text\":\"42\"").contains("\"resultType\":\"complete\"");
    String encoded =
        "=?base64?"
            + Base64.getEncoder().encodeToString("ccos.echo".getBytes(StandardCharsets.UTF_8))
            + "?=";
    assertThat(
            post(
                    "tools/call",
                    encoded,
                    "\"name\":\"ccos.echo\",\"arguments\":{\"input\":1}," + META)
                .body())
        .as("a header value may come base64-encoded")
        .contains("\"text\":\"1\"");
  }

  @Test
  void headersThatDisagreeWithTheBodyAre400WithMinus32020() {
    HttpResponse<String> wrongName =
        post("tools/call", "ccos.echo", "\"name\":\"ccos.math.add\",\"arguments\":{}," + META);
    assertThat(wrongName.statusCode()).isEqualTo(400);
    assertThat(wrongName.body())
        .contains("\"code\":-32020")
        .contains("Mcp-Name is ccos.echo, the request's name ccos.math.add");
    HttpResponse<String> noName = post("tools/call", null, "\"name\":\"ccos.echo\"," + META);
    assertThat(noName.statusCode()).isEqualTo(400);
    assertThat(noName.body()).contains("\"code\":-32020");
    HttpResponse<String> wrongMethod = raw("2026-07-28", "tools/call", "tools/list", META);
    assertThat(wrongMethod.statusCode()).isEqualTo(400);
    assertThat(wrongMethod.body()).contains("Mcp-Method is tools/call, the request's method");
    HttpResponse<String> wrongVersion = raw(null, "tools/list", "tools/list", META);
    assertThat(wrongVersion.statusCode()).isEqualTo(400);
    assertThat(wrongVersion.body()).contains("MCP-Protocol-Version is 2025-06-18");
  }

  @Test
  void protocolErrorsAreJsonRpcErrorsWithTheirStatuses() {
    HttpResponse<String> version =
        post("tools/list", null, META.replace("\"2026-07-28\"", "\"2027-01-01\""));
    assertThat(version.statusCode()).as("the header disagrees first").isEqualTo(400);
    HttpResponse<String> unsupported =
        raw(
            "2027-01-01",
            "tools/list",
            "tools/list",
            META.replace("\"2026-07-28\"", "\"2027-01-01\""));
    assertThat(unsupported.statusCode()).isEqualTo(400);
    assertThat(unsupported.body())
        .contains("\"code\":-32022")
        .contains("\"supported\":[\"2026-07-28\"]", "\"requested\":\"2027-01-01\"");
    HttpResponse<String> noCapabilities =
        post(
            "tools/list",
            null,
            "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"}");
    assertThat(noCapabilities.statusCode()).isEqualTo(400);
    assertThat(noCapabilities.body()).contains("\"code\":-32602").contains("clientCapabilities");
    HttpResponse<String> unknown = post("no/such", null, META);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("\"code\":-32601").contains("Method not found: no/such");
    HttpResponse<String> unknownTool =
        post("tools/call", "nope", "\"name\":\"nope\",\"arguments\":{}," + META);
    assertThat(unknownTool.statusCode()).isEqualTo(400);
    assertThat(unknownTool.body()).contains("Unknown tool: nope");
    HttpResponse<String> get =
        McpHttp.send(
            McpHttp.withKey(g.server().url(), KEY)
                .request(null)
                .setHeader("MCP-Protocol-Version", "2026-07-28")
                .GET());
    assertThat(get.statusCode()).isEqualTo(405);
  }

  @Test
  void resourceSubscriptionsNeedASession() {
    HttpResponse<String> r = post("resources/subscribe", null, "\"uri\":\"test://x\"," + META);
    assertThat(r.body())
        .contains(
            "\"code\":-32601",
            "resources/subscribe needs a 2025-11-25 session (MCP 2026-07-28 clients name the"
                + " resources to watch in subscriptions/listen)");
    assertThat(post("server/discover", null, META).body())
        .as("so it does not offer them")
        .doesNotContain("subscribe");
  }

  @Test
  void aSessionOfTheOlderGenerationWorksBesideIt() {
    McpHttp client = McpHttp.withKey(g.server().url(), KEY);
    String session = client.initialise();
    assertThat(client.post(McpHttp.call("ccos.echo"), session).body())
        .contains("\"content\"")
        .doesNotContain("resultType");
    assertThat(post("tools/list", null, META).body()).contains("\"resultType\":\"complete\"");
  }
}
