package dev.agora.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.core.json.Json;
import dev.agora.provider.mcp.NodePeer;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./agora serve} behind a real authorization server: oauth2-mock-server (interop/oauth/
 * issuer.mjs) issues client-credentials tokens for Agora's /mcp (RFC 8707 {@code resource}); Agora
 * finds its keys through its OpenID metadata, takes the token as the scope's context, refuses a
 * token for another resource, and records the call as the token's client.
 */
@Timeout(300)
class OAuthServeIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final String AGORA = ROOT.resolve("agora").toString();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void aTokenFromARealAuthorizationServerCallsAsItsClient() throws Exception {
    try (NodePeer issuer = new NodePeer("oauth/issuer.mjs")) {
      Path config = dir.resolve("agora.yaml");
      Files.writeString(
          config,
          """
          contexts:
            operator: {level: full}
            agent: {level: controlled, allow: ["ccos.echo"]}
          default_context: operator
          data_dir: data
          server:
            port: 0
            oauth:
              issuer: "%s"
              scopes: {"agora:operator": operator, "agora:agent": agent}
          """
              .formatted(issuer.base));
      try (ServeProcess serve =
          ServeProcess.start(new ProcessBuilder(AGORA, "serve", "--config", config.toString()))) {
        String mcp = serve.endpoint();
        HttpResponse<String> none = post(mcp, null, null, INITIALIZE);
        assertThat(none.statusCode()).isEqualTo(401);
        String metadata =
            none.headers()
                .firstValue("WWW-Authenticate")
                .orElseThrow()
                .replaceAll(".*resource_metadata=\"([^\"]+)\".*", "$1");
        HttpResponse<String> doc =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(metadata)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(doc.body()).contains("\"authorization_servers\":[\"" + issuer.base + "\"]");

        String token = token(issuer.base, "agora:agent", mcp);
        HttpResponse<String> init = post(mcp, token, null, INITIALIZE);
        assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        assertThat(post(mcp, token, session, INITIALIZED).statusCode()).isEqualTo(202);
        HttpResponse<String> called =
            post(
                mcp,
                token,
                session,
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":"
                    + "\"ccos.echo\",\"arguments\":{\"input\":\"hello through oauth\"}}}");
        assertThat(called.body()).contains("hello through oauth").doesNotContain("isError\":true");

        String elsewhere = token(issuer.base, "agora:agent", "https://another.example/mcp");
        HttpResponse<String> refused = post(mcp, elsewhere, null, INITIALIZE);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("WWW-Authenticate").orElseThrow())
            .contains("error=\"invalid_token\"");
        String unscoped = token(issuer.base, "openid", mcp);
        assertThat(post(mcp, unscoped, null, INITIALIZE).statusCode()).isEqualTo(403);
      }
      assertThat(ChainShown.events(config, "CapabilityCall", "ccos.echo"))
          .contains("agent/oauth:ci-bot");
    }
  }

  private static final String INITIALIZE =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
          + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}}";
  private static final String INITIALIZED =
      "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";

  /** A client-credentials token of client {@code ci-bot} for {@code resource}. */
  private static String token(String issuer, String scope, String resource) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(issuer + "/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header(
                    "Authorization",
                    "Basic "
                        + Base64.getEncoder()
                            .encodeToString("ci-bot:x".getBytes(StandardCharsets.UTF_8)))
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "grant_type=client_credentials&scope="
                            + scope
                            + "&resource="
                            + java.net.URLEncoder.encode(resource, StandardCharsets.UTF_8)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    Value t = ((Dict) Json.parse(r.body())).get("access_token");
    return ((Value.Str) t).value();
  }

  private static HttpResponse<String> post(String url, String token, String session, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (session != null) {
      b.header("Mcp-Session-Id", session);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
