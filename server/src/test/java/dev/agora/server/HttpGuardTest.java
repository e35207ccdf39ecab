package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.ChainQuery;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.config.AgoraConfig;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guard in front of /mcp with anonymous access, allowed origins and allowed hosts configured:
 * who a request is for each way of sending (or not sending) a key, which Origin and Host headers
 * pass, and where the server listens.
 */
@Timeout(120)
class HttpGuardTest {

  @TempDir static Path dir;

  static GatewayFixture g;

  @BeforeAll
  static void start() throws Exception {
    g =
        new GatewayFixture(
            dir,
            """
              anonymous: nobody
              allowed_origins: ["https://console.example"]
              allowed_hosts: ["Agora.Internal:8420"]
            """);
  }

  @AfterAll
  static void stop() {
    g.close();
  }

  private static String tools(McpHttp client) {
    HttpResponse<String> r =
        client.post(
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}", client.initialise());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.body();
  }

  private static McpHttp with(String header, String value) {
    return new McpHttp(g.url(), Map.of(header, value));
  }

  @Test
  void withoutAKeyACallerIsTheAnonymousContextAndAWrongKeyIsStillRefused() {
    assertThat(g.log).anyMatch(l -> l.endsWith("/mcp (anonymous: nobody)"));
    McpHttp anonymous = new McpHttp(g.url(), Map.of());
    assertThat(tools(anonymous)).contains("\"tools\":[]");
    // issue 12: a credential that is not a key (another scheme, an empty token) is refused, not
    // taken for the anonymous context
    for (String credential : List.of("Basic dXNlcjpwdw==", "Bearer   ", "Bearer", "Token abc")) {
      HttpResponse<String> r = with("Authorization", credential).post(McpHttp.INITIALIZE, null);
      assertThat(r.statusCode()).as(credential).isEqualTo(401);
      assertThat(r.headers().firstValue("Connection"))
          .as("its body unread, the connection is not to be reused")
          .hasValue("close");
    }
    assertThat(
            tools(
                new McpHttp(
                    g.url(),
                    Map.of("X-API-Key", " ", "Authorization", "bearer " + GatewayFixture.OPS_KEY))))
        .as("a blank X-API-Key is no key; the scheme is case-insensitive")
        .contains("\"name\":\"ccos.time.now\"");
    HttpResponse<String> wrong = with("X-API-Key", "wrong").post(McpHttp.INITIALIZE, null);
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"agora\"");

    HttpResponse<String> call = anonymous.post(McpHttp.call("ccos.echo"), anonymous.initialise());
    assertThat(call.body())
        .contains("\"isError\":true")
        .contains("SecurityViolation: caller 'nobody' may not call 'ccos.echo'");
    assertThat(
            g
                .node
                .chain()
                .query(ChainQuery.ALL.withType("PolicyDenied").withCaller("nobody"))
                .stream()
                .map(e -> e.columns().capabilityId()))
        .containsExactly("ccos.echo");
  }

  @Test
  void allowedOriginsAndTheServersOwnOriginPass() {
    String own = "http://127.0.0.1:" + g.server.port();
    for (String origin : List.of("https://console.example", own)) {
      HttpResponse<String> r =
          new McpHttp(g.url(), Map.of("Origin", origin, "X-API-Key", GatewayFixture.OPS_KEY))
              .post(McpHttp.INITIALIZE, null);
      assertThat(r.statusCode()).as(origin).isEqualTo(200);
    }
    HttpResponse<String> foreign =
        new McpHttp(g.url(), Map.of("Origin", "https://console.example.evil"))
            .post(McpHttp.INITIALIZE, null);
    assertThat(foreign.statusCode()).isEqualTo(403);
    assertThat(foreign.body())
        .contains("Origin 'https://console.example.evil' is not allowed (server.allowed_origins)");
  }

  private static McpHttp.Raw initializeWithHost(String hostHeader) throws Exception {
    return McpHttp.raw(
        g.server.port(),
        "POST /mcp HTTP/1.0\r\n"
            + hostHeader
            + "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
            + "Content-Length: "
            + McpHttp.INITIALIZE.length(),
        McpHttp.INITIALIZE);
  }

  @Test
  void configuredHostsPassInAnyCaseAndOthersAreRefused() throws Exception {
    McpHttp.Raw allowed = initializeWithHost("Host: AGORA.internal:8420\r\n");
    assertThat(allowed.status()).as(allowed.body()).isEqualTo(200);
    assertThat(allowed.body()).contains("\"serverInfo\":{\"name\":\"agora\"");
    McpHttp.Raw otherPort = initializeWithHost("Host: agora.internal:8421\r\n");
    assertThat(otherPort.status()).isEqualTo(403);
    assertThat(otherPort.body())
        .contains("Host 'agora.internal:8421' is not this server (allowed: [127.0.0.1:")
        .contains("agora.internal:8420]");
    McpHttp.Raw none = initializeWithHost("");
    assertThat(none.status()).isEqualTo(403);
    assertThat(none.body()).contains("Host 'null' is not this server");
  }

  @Test
  void aServerOnAnotherLoopbackNameAcceptsItsOwnNameAsHost() throws Exception {
    AgoraConfig config = g.node.config();
    for (String host : List.of("::1", "localhost")) {
      List<String> log = new CopyOnWriteArrayList<>();
      try (AgoraServer other =
          AgoraServer.start(
              g.node,
              config.with(ServerSection.SECTION, ServerSettings.DEFAULT.at(host, 0)),
              log::add)) {
        String expected = host.contains(":") ? "[" + host + "]" : host;
        assertThat(other.url()).isEqualTo("http://" + expected + ":" + other.port() + "/mcp");
        String base = other.url().replace("/mcp", "");
        assertThat(log)
            .containsExactly(
                "agora: serving MCP at " + other.url() + " (API key required)",
                "agora: serving A2A at "
                    + base
                    + "/a2a (agent card: "
                    + base
                    + "/.well-known/agent-card.json)");
        HttpResponse<String> r =
            McpHttp.send(
                HttpRequest.newBuilder(URI.create(other.url()))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(McpHttp.INITIALIZE)));
        assertThat(r.statusCode()).as("its own name is a Host it accepts; no key").isEqualTo(401);
      }
    }
    // the closed servers' gateways heard of registrations: one now reaches only the open one
    g.node
        .marketplace()
        .register(GatewayFixture.rtfs("demo.after", ":int", ":int", "(fn [x] x)"), "test");
    assertThat(g.server.gateway().toolsFor(SecurityContext.full("x"))).contains("demo.after");
  }
}
