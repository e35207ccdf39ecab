package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.ChainQuery;
import dev.agora.chain.Entry;
import dev.agora.core.call.policy.SecurityContext;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLSession;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Agora's /mcp with the official Java SDK client, and the guard in front of it with a plain HTTP
 * client.
 */
@Timeout(120)
class GatewayTest extends AgainstGateway {

  static McpSyncClient client(String key, Consumer<List<McpSchema.Tool>> onChange) {
    HttpClientStreamableHttpTransport t =
        HttpClientStreamableHttpTransport.builder(g.url().replace("/mcp", ""))
            .endpoint("/mcp")
            .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + key))
            .build();
    McpSyncClient c =
        McpClient.sync(t)
            .requestTimeout(Duration.ofSeconds(30))
            .toolsChangeConsumer(onChange)
            .build();
    c.initialize();
    return c;
  }

  private static String text(McpSchema.CallToolResult r) {
    return ((McpSchema.TextContent) r.content().getFirst()).text();
  }

  @Test
  void aCallerSeesOnlyWhatItMayCallAndEveryCallIsGovernedAndRecorded() {
    try (McpSyncClient agent = client(GatewayFixture.AGENT_KEY, l -> {})) {
      List<String> tools =
          agent.listTools().tools().stream().map(McpSchema.Tool::name).sorted().toList();
      assertThat(tools)
          .containsExactly(
              "ccos.echo", "ccos.math.add", "mcp.everything.echo", "mcp.everything.get-sum");

      McpSchema.CallToolResult echo =
          agent.callTool(
              McpSchema.CallToolRequest.builder("mcp.everything.echo")
                  .arguments(Map.of("message", "through the gateway"))
                  .build());
      assertThat(echo.isError()).isNotEqualTo(Boolean.TRUE);
      assertThat(text(echo)).isEqualTo("Echo: through the gateway");
      McpSchema.CallToolResult sum =
          agent.callTool(
              McpSchema.CallToolRequest.builder("ccos.math.add")
                  .arguments(Map.of("input", List.of(1, 2, 39)))
                  .build());
      assertThat(text(sum)).isEqualTo("42");

      McpSchema.CallToolResult denied =
          agent.callTool(
              McpSchema.CallToolRequest.builder("ccos.io.log")
                  .arguments(Map.of("input", "x"))
                  .build());
      assertThat(denied.isError()).isTrue();
      assertThat(text(denied))
          .startsWith(
              "AccessDenied: capability 'ccos.io.log' is denied by policy.deny[0] 'ccos.io.*'");
      McpSchema.CallToolResult refused =
          agent.callTool(McpSchema.CallToolRequest.builder("ccos.time.now").build());
      assertThat(refused.isError()).isTrue();
      assertThat(text(refused)).startsWith("SecurityViolation:").contains("agent");
      McpSchema.CallToolResult invalid =
          agent.callTool(
              McpSchema.CallToolRequest.builder("mcp.everything.get-sum")
                  .arguments(Map.of("a", "two", "b", 3))
                  .build());
      assertThat(invalid.isError()).isTrue();
      assertThat(text(invalid)).startsWith("InvalidInput:").contains("[:a]");
      // an unknown tool is a protocol error (JSON-RPC -32602), answered by the SDK before any
      // capability is involved
      Assertions.assertThatThrownBy(
              () -> agent.callTool(McpSchema.CallToolRequest.builder("no.such.tool").build()))
          .hasMessageContaining("Unknown tool");
    }
    // issue 11: the SDK's answer to an unknown tool left no trace; it is recorded, with the caller
    assertThat(
            g.node
                .chain()
                .query(
                    ChainQuery.ALL
                        .withType("CapabilityResult")
                        .withCapability("no.such.tool")
                        .withCaller("agent/agent-key")))
        .singleElement()
        .satisfies(
            e -> assertThat(new String(e.body(), StandardCharsets.UTF_8)).contains("NotFound"));
    List<Entry> calls =
        g.node
            .chain()
            .query(ChainQuery.ALL.withType("CapabilityCall").withCaller("agent/agent-key"));
    assertThat(calls)
        .extracting(e -> e.columns().capabilityId())
        .contains(
            "mcp.everything.echo",
            "ccos.math.add",
            "ccos.io.log",
            "ccos.time.now",
            "mcp.everything.get-sum");
    assertThat(
            g.node
                .chain()
                .query(ChainQuery.ALL.withType("PolicyDenied").withCapability("ccos.io.log")))
        .isNotEmpty();
    assertThat(g.node.chain().verify().ok()).isTrue();
  }

  @Test
  void aDenyAllContextSeesNoToolsAndCanCallNothing() {
    // issue 11: 'allow: []' was refused by the loader; a context that may call nothing is a real
    // need
    try (McpSyncClient nobody = client(GatewayFixture.NOBODY_KEY, l -> {})) {
      assertThat(nobody.listTools().tools()).isEmpty();
      McpSchema.CallToolResult r =
          nobody.callTool(
              McpSchema.CallToolRequest.builder("ccos.echo").arguments(Map.of("input", 1)).build());
      assertThat(r.isError()).isTrue();
      assertThat(text(r))
          .startsWith("SecurityViolation: caller 'nobody/nobody-key' may not call 'ccos.echo'");
    }
    assertThat(
            g.node
                .chain()
                .query(ChainQuery.ALL.withType("PolicyDenied").withCaller("nobody/nobody-key")))
        .extracting(e -> e.columns().capabilityId())
        .containsExactly("ccos.echo");
  }

  @Test
  void argumentsAToolCannotTakeSayWhatItTakesAndAreRecordedWithTheCaller() {
    // issue 11: other arguments than 'input' read as a missing input ("found nil"), and were not
    // recorded
    try (McpSyncClient agent = client(GatewayFixture.AGENT_KEY, l -> {})) {
      McpSchema.CallToolResult r =
          agent.callTool(
              McpSchema.CallToolRequest.builder("ccos.math.add")
                  .arguments(Map.of("a", 1, "b", 2))
                  .build());
      assertThat(r.isError()).isTrue();
      assertThat(text(r))
          .startsWith(
              "InvalidInput: invalid input for 'ccos.math.add': at []: expected one argument "
                  + "'input' (")
          .endsWith("), found the arguments a, b");
    }
    List<Entry> refused =
        g.node
            .chain()
            .query(
                ChainQuery.ALL
                    .withType("CapabilityResult")
                    .withCapability("ccos.math.add")
                    .withCaller("agent/agent-key"));
    assertThat(refused).isNotEmpty();
    assertThat(
            g.node
                .chain()
                .query(
                    ChainQuery.ALL
                        .withType("CapabilityCall")
                        .withCaller("agent/agent-key")
                        .withCapability("ccos.math.add")))
        .hasSameSizeAs(refused);
    assertThat(g.node.chain().verify().ok()).isTrue();
  }

  @Test
  void theOperatorSeesEverythingAllowedAndStructuredResultsStayStructured() {
    try (McpSyncClient ops = client(GatewayFixture.OPS_KEY, l -> {})) {
      List<String> tools = ops.listTools().tools().stream().map(McpSchema.Tool::name).toList();
      assertThat(tools)
          .contains("ccos.time.now", "mcp.everything.get-structured-content")
          .doesNotContain("ccos.io.log");
      McpSchema.CallToolResult r =
          ops.callTool(
              McpSchema.CallToolRequest.builder("mcp.everything.get-structured-content")
                  .arguments(Map.of("location", "Chicago"))
                  .build());
      assertThat(r.structuredContent()).isInstanceOf(Map.class);
      assertThat(((Map<?, ?>) r.structuredContent()).containsKey("temperature")).isTrue();
    }
  }

  @Test
  void capabilitiesRegisteredWhileServingReachConnectedClients() throws Exception {
    CompletableFuture<List<McpSchema.Tool>> changed = new CompletableFuture<>();
    try (McpSyncClient ops = client(GatewayFixture.OPS_KEY, changed::complete)) {
      g.node
          .marketplace()
          .register(
              GatewayFixture.rtfs(
                  "demo.late", "[:map [:x :int]]", ":int", "(fn [{:keys [x]}] (* x 2))"),
              "test");
      List<McpSchema.Tool> now = changed.get(30, TimeUnit.SECONDS);
      assertThat(now).extracting(McpSchema.Tool::name).contains("demo.late");
      McpSchema.CallToolResult r =
          ops.callTool(
              McpSchema.CallToolRequest.builder("demo.late").arguments(Map.of("x", 21)).build());
      assertThat(text(r)).isEqualTo("42");
    }
    assertThat(g.server.gateway().toolsFor(SecurityContext.controlled("x", "demo.*")))
        .containsExactly("demo.late");
  }

  private static HttpResponse<String> post(String host, String origin, String key)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(g.url()))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"));
    if (origin != null) {
      b.header("Origin", origin);
    }
    if (key != null) {
      b.header("X-API-Key", key);
    }
    HttpClient http = HttpClient.newHttpClient();
    if (host != null) { // the JDK client will not send a Host it did not choose; speak HTTP by hand
      McpHttp.Raw r =
          McpHttp.raw(
              g.server.port(),
              "POST /mcp HTTP/1.0\r\nHost: "
                  + host
                  + "\r\nContent-Type: application/json\r\nX-API-Key: "
                  + key
                  + "\r\nContent-Length: 2",
              "{}");
      return new FakeResponse(r.status(), r.body());
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theGuardRefusesNoKeyWrongKeyForeignHostsAndForeignOrigins() throws Exception {
    HttpResponse<String> none = post(null, null, null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.body()).contains("an API key is required");
    assertThat(post(null, null, "wrong").statusCode()).isEqualTo(401);
    HttpResponse<String> rebinding = post("evil.example:80", null, GatewayFixture.OPS_KEY);
    assertThat(rebinding.statusCode()).isEqualTo(403);
    assertThat(rebinding.body()).contains("Host 'evil.example:80' is not this server");
    HttpResponse<String> origin = post(null, "https://evil.example", GatewayFixture.OPS_KEY);
    assertThat(origin.statusCode()).isEqualTo(403);
    assertThat(origin.body()).contains("Origin 'https://evil.example' is not allowed");
    assertThat(post(null, null, GatewayFixture.OPS_KEY).statusCode()).isNotIn(401, 403);
    assertThat(String.join("\n", g.log))
        .doesNotContain(GatewayFixture.OPS_KEY)
        .doesNotContain(GatewayFixture.AGENT_KEY);
  }

  @Test
  void metricsArePublishedForPrometheusBehindTheSameGuard() throws Exception {
    try (McpSyncClient ops = client(GatewayFixture.OPS_KEY, l -> {})) {
      ops.callTool(
          McpSchema.CallToolRequest.builder("ccos.math.add")
              .arguments(Map.of("input", List.of(1, 2)))
              .build());
      ops.callTool(
          McpSchema.CallToolRequest.builder("ccos.math.add")
              .arguments(Map.of("input", "x"))
              .build());
    }
    URI metrics = URI.create(g.url().replace("/mcp", "/metrics"));
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> refused =
        http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(401);
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(metrics)
                .header("Authorization", "Bearer " + GatewayFixture.OPS_KEY)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    assertThat(r.body())
        .containsPattern(
            "agora_calls_total\\{capability=\"ccos.math.add\",error=\"\",outcome=\"ok\",provider=\"local\"} [1-9]")
        .containsPattern(
            "agora_calls_total\\{capability=\"ccos.math.add\",error=\"InvalidInput\",outcome=\"error\","
                + "provider=\"local\"} [1-9]")
        .contains("agora_call_duration_seconds_bucket{capability=\"ccos.math.add\"");
  }

  @Test
  void healthAnswersWithoutAKey() throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(g.url().replace("/mcp", "/health"))).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    assertThat(r.body()).contains("\"status\":\"ok\"").containsPattern("\"capabilities\":[1-9]");
  }

  /** A response read off a raw socket. */
  private record FakeResponse(int statusCode, String body) implements HttpResponse<String> {
    public HttpRequest request() {
      return null;
    }

    public Optional<HttpResponse<String>> previousResponse() {
      return Optional.empty();
    }

    public HttpHeaders headers() {
      return HttpHeaders.of(Map.of(), (a, b) -> true);
    }

    public Optional<SSLSession> sslSession() {
      return Optional.empty();
    }

    public URI uri() {
      return URI.create(g.url());
    }

    public HttpClient.Version version() {
      return HttpClient.Version.HTTP_1_1;
    }
  }
}
