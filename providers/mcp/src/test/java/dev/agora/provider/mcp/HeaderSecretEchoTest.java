package dev.agora.provider.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.agora.chain.event.Event;
import dev.agora.core.error.AgoraError;
import dev.agora.core.spi.SecretSpellings;
import dev.agora.rtfs.Printer;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, "secrets leak through results", for an MCP server over HTTP: a real server (the Java
 * SDK's, in this JVM) that echoes the bearer token and the API key header agora.yaml had Agora send
 * it — in a tool's result, in a tool error and in a tool's description — and a server that refuses
 * the connection with the token in its 401 body or in a JSON-RPC error. The caller, the registry,
 * the Causal Chain and the log get the variables' names, never their values in any spelling.
 */
@Timeout(120)
class HeaderSecretEchoTest {

  /** Set for the test JVM by the module's pom (surefire environmentVariables). */
  static final String TOKEN = System.getenv("AGORA_TEST_SECRET");

  static final String KEY = System.getenv("AGORA_OTHER_SECRET");

  @TempDir static Path dir;

  static JavaMcpServer server;
  static HttpServer refusing;
  static McpFixture m;

  @BeforeAll
  static void start() throws IOException {
    assertThat(TOKEN).as("the pom sets AGORA_TEST_SECRET").isNotBlank();
    assertThat(KEY).as("the pom sets AGORA_OTHER_SECRET").isNotBlank();
    startEchoingServer();
    refusing = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    refusing.createContext(
        "/mcp",
        x -> {
          respond(
              x,
              401,
              "{\"error\":\"invalid token\",\"got\":\""
                  + x.getRequestHeaders().getFirst("Authorization")
                  + "\"}");
        });
    refusing.createContext(
        "/rejecting",
        x -> { // a JSON-RPC error to initialize that quotes the token
          String request = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          Matcher id = Pattern.compile("\"id\"\\s*:\\s*(\"[^\"]*\"|\\d+)").matcher(request);
          respond(
              x,
              200,
              "{\"jsonrpc\":\"2.0\",\"id\":"
                  + (id.find() ? id.group(1) : "null")
                  + ",\"error\":{\"code\":-32001,\"message\":\"no access for "
                  + x.getRequestHeaders().getFirst("Authorization")
                  + "\"}}");
        });
    refusing.start();
    m =
        new McpFixture(
            dir,
            """
        sources:
          - name: echoing
            type: mcp
            url: "%1$s"
            bearer_env: AGORA_TEST_SECRET
            headers: {X-Api-Key: "${AGORA_OTHER_SECRET}", X-Team: core}
            timeout: 10s
          - name: refusing
            type: mcp
            url: "http://127.0.0.1:%2$d/mcp"
            bearer_env: AGORA_TEST_SECRET
            timeout: 10s
          - name: rejecting
            type: mcp
            url: "http://127.0.0.1:%2$d/rejecting"
            bearer_env: AGORA_TEST_SECRET
            timeout: 10s
        """
                .formatted(server.url(), refusing.getAddress().getPort()));
  }

  /** A server that tells its callers what they sent it. */
  private static void startEchoingServer() {
    server =
        new JavaMcpServer(
            r ->
                McpTransportContext.create(
                    Map.of(
                        "authorization", String.valueOf(r.getHeader("Authorization")),
                        "key", String.valueOf(r.getHeader("X-Api-Key")),
                        "team", String.valueOf(r.getHeader("X-Team")))),
            tool(
                "whoami",
                "Says who is calling (this server was set up with key " + KEY + ")",
                false),
            tool("refuse", "Refuses, quoting the credentials", true));
  }

  private static McpServerFeatures.SyncToolSpecification tool(
      String name, String description, boolean isError) {
    McpSchema.Tool t =
        McpSchema.Tool.builder(name, McpJsonDefaults.getMapper(), "{\"type\": \"object\"}")
            .description(description)
            .build();
    return new McpServerFeatures.SyncToolSpecification(
        t,
        (exchange, request) -> {
          McpTransportContext c = exchange.transportContext();
          String key = (String) c.get("key");
          String text =
              "authorization="
                  + c.get("authorization")
                  + " key="
                  + key
                  + " key-base64="
                  + Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8))
                  + " team="
                  + c.get("team");
          return McpSchema.CallToolResult.builder()
              .content(List.of(McpSchema.TextContent.builder(text).build()))
              .isError(isError)
              .build();
        });
  }

  private static void respond(HttpExchange x, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(status, body.length);
    x.getResponseBody().write(body);
    x.close();
  }

  @AfterAll
  static void stop() {
    if (m != null) {
      m.close();
    }
    server.close();
    refusing.stop(0);
  }

  private static void assertClean(String text) {
    SecretSpellings.assertNone(text, TOKEN, KEY);
  }

  @Test
  void echoedHeadersComeBackAsTheirVariablesNames() {
    String r = Printer.print(m.call("mcp.echoing.whoami", "{}"));
    assertThat(r)
        .contains(
            "authorization=Bearer [redacted:AGORA_TEST_SECRET]",
            "key=[redacted:AGORA_OTHER_SECRET]",
            "key-base64=[redacted:AGORA_OTHER_SECRET]",
            "team=core");
    assertClean(r);
  }

  @Test
  void aToolErrorQuotingTheCredentialsNamesThemInstead() {
    assertThatThrownBy(() -> m.call("mcp.echoing.refuse", "{}"))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("authorization=Bearer [redacted:AGORA_TEST_SECRET]")
        .satisfies(e -> assertClean(e.getMessage()));
  }

  @Test
  void aToolDescriptionHoldingASecretIsRegisteredWithItsName() {
    String description = m.marketplace.registry().get("mcp.echoing.whoami").description();
    assertThat(description).contains("set up with key [redacted:AGORA_OTHER_SECRET]");
    assertClean(description);
  }

  @Test
  void aServerRefusingWithTheTokenInItsBodyIsReportedWithoutIt() {
    assertThat(m.reports)
        .filteredOn(r -> r.source().equals("refusing"))
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.failure())
                    .contains("MCP server 'refusing'", "refused Agora: HTTP 401"));
    assertThat(m.reports)
        .filteredOn(r -> r.source().equals("rejecting"))
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.failure())
                    .contains(
                        "cannot initialize MCP server 'rejecting'",
                        "no access for Bearer [redacted:AGORA_TEST_SECRET]"));
    m.reports.forEach(r -> assertClean(String.valueOf(r.failure())));
  }

  @Test
  void neitherTheCausalChainNorTheLogEverHoldsASecret() {
    m.call("mcp.echoing.whoami", "{}");
    assertThatThrownBy(() -> m.call("mcp.echoing.refuse", "{}")).isInstanceOf(AgoraError.class);
    for (Event e : m.events.events()) {
      assertClean(String.valueOf(e.arguments()) + e.result() + e.error() + e.metadata());
    }
    assertClean(m.logText());
  }
}
