package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Finding an authorization server's keys from its metadata, served by a loopback HTTP server: both
 * well-known locations, and every way a metadata document can be unusable.
 */
class AuthServerMetadataTest {

  static HttpServer http;
  static String base;
  static final Map<String, String> docs = new ConcurrentHashMap<>();
  static final DefaultResourceRetriever RETRIEVER = new DefaultResourceRetriever(2_000, 2_000);

  @BeforeAll
  static void start() throws IOException {
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    base = "http://127.0.0.1:" + http.getAddress().getPort();
    http.createContext(
        "/",
        x -> {
          String doc = docs.get(x.getRequestURI().getPath());
          byte[] body = doc == null ? new byte[0] : doc.getBytes();
          x.sendResponseHeaders(doc == null ? 404 : 200, doc == null ? -1 : body.length);
          x.getResponseBody().write(body);
          x.close();
        });
    http.start();
  }

  @AfterAll
  static void stop() {
    http.stop(0);
  }

  @Test
  void rfc8414InsertsTheIssuersPathAndOpenIdAppendsIt() {
    assertThat(AuthServerMetadata.locations(URI.create("https://a.example/realms/agora/")))
        .containsExactly(
            URI.create("https://a.example/.well-known/oauth-authorization-server/realms/agora"),
            URI.create("https://a.example/realms/agora/.well-known/openid-configuration"));
    assertThat(AuthServerMetadata.locations(URI.create("https://a.example")))
        .containsExactly(
            URI.create("https://a.example/.well-known/oauth-authorization-server"),
            URI.create("https://a.example/.well-known/openid-configuration"));
  }

  @Test
  void theKeysOfTheIssuerNamedAndNoOther() throws Exception {
    URI issuer = URI.create(base + "/realms/r");
    docs.put(
        "/realms/r/.well-known/openid-configuration",
        "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + base + "/certs\"}");
    URI where = AuthServerMetadata.locations(issuer).get(1);
    assertThat(AuthServerMetadata.jwksUri(RETRIEVER, where, issuer)).hasToString(base + "/certs");
    assertThatThrownBy(
            () -> AuthServerMetadata.jwksUri(RETRIEVER, where, URI.create(base + "/realms/other")))
        .isInstanceOf(BearerTokens.Unreachable.class)
        .hasMessageContaining("is the metadata of issuer '" + issuer + "', not of");
    assertThatThrownBy(
            () ->
                AuthServerMetadata.jwksUri(
                    RETRIEVER, AuthServerMetadata.locations(issuer).get(0), issuer))
        .isInstanceOf(BearerTokens.Unreachable.class)
        .hasMessageEndingWith("/realms/r: not found");
  }

  @Test
  void anUnusableDocumentIsNamed() {
    URI issuer = URI.create(base);
    Map<String, String> bad =
        Map.of(
            "/none", "{\"issuer\":\"" + base + "\"}",
            "/ftp", "{\"issuer\":\"" + base + "\",\"jwks_uri\":\"ftp://keys\"}",
            "/space", "{\"issuer\":\"" + base + "\",\"jwks_uri\":\"http://a b\"}",
            "/garbage", "<html>not json",
            "/number", "{\"issuer\":\"" + base + "\",\"jwks_uri\":7}",
            "/clear", "{\"issuer\":\"" + base + "\",\"jwks_uri\":\"http://keys.example/jwks\"}");
    Map<String, String> why =
        Map.of(
            "/none", "has no jwks_uri",
            "/ftp", "jwks_uri 'ftp://keys' is not an http(s) URL",
            "/space", "jwks_uri is not a URL",
            "/garbage", base + "/garbage: ",
            "/number", "has no jwks_uri",
            "/clear", "must be https (plain http only on loopback)");
    docs.putAll(bad);
    for (String path : bad.keySet()) {
      assertThatThrownBy(
              () -> AuthServerMetadata.jwksUri(RETRIEVER, URI.create(base + path), issuer))
          .as(path)
          .isInstanceOf(BearerTokens.Unreachable.class)
          .hasMessageContaining(why.get(path));
    }
  }
}
