package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventType;
import dev.agora.core.AgoraNode;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ConfigLoader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code server.oauth}: Agora as an OAuth 2.1 resource server in front of a loopback authorization
 * server of the test's own (its RFC 8414 metadata and its key set, served by the JDK's HTTP
 * server). Tokens are minted with the test's keys; every way a token can be wrong is refused with
 * the status and challenge the specs ask for, and a good one acts as its scope's context.
 */
@Timeout(120)
class OAuthTest {

  @TempDir static Path dir;

  static HttpServer auth;
  static String issuer;
  static final AtomicReference<JWKSet> published = new AtomicReference<>();
  static final AtomicInteger keyFetches = new AtomicInteger();
  static RSAKey k1;
  static ECKey ec;
  static AgoraNode node;
  static AgoraServer server;
  static final List<Event> events = new CopyOnWriteArrayList<>();
  static final List<String> log = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    k1 = new RSAKeyGenerator(2048).keyID("k1").generate();
    ec = new ECKeyGenerator(Curve.P_256).keyID("ec1").generate();
    published.set(new JWKSet(List.of(k1.toPublicJWK(), ec.toPublicJWK())));
    auth = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    issuer = "http://127.0.0.1:" + auth.getAddress().getPort();
    auth.createContext(
        "/.well-known/oauth-authorization-server",
        x -> answer(x, "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + "/jwks\"}"));
    auth.createContext(
        "/jwks",
        x -> {
          keyFetches.incrementAndGet();
          answer(x, published.get().toString());
        });
    auth.start();
    node = open("issuer: \"" + issuer + "\"", log::add);
    server = AgoraServer.start(node, node.config(), log::add);
  }

  /** A node whose {@code server.oauth} section holds {@code oauth} (besides the scopes). */
  static AgoraNode open(String oauth, Consumer<String> log) throws IOException {
    Path file = Files.createTempFile(dir, "agora", ".yaml");
    Files.writeString(
        file,
        """
        contexts:
          operator: {level: full}
          agent: {level: controlled, allow: ["ccos.echo"]}
        default_context: operator
        server:
          port: 0
          api_keys: [{name: ci, context: agent, sha256: "%s"}]
          oauth:
            %s
            scopes: {"agora:operator": operator, "agora:agent": agent}
          tenants: {acme: {capabilities: ["ccos.echo"]}}
        """
            .formatted(GatewayFixture.sha("ci-key"), oauth));
    AgoraConfig cfg = ConfigLoader.load(file).withStorage(AgoraConfig.Storage.MEMORY);
    AgoraNode n = AgoraNode.open(cfg, events::add, log);
    n.marketplace().bootstrap();
    return n;
  }

  static void answer(com.sun.net.httpserver.HttpExchange x, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().add("Content-Type", "application/json");
    x.sendResponseHeaders(200, body.length);
    x.getResponseBody().write(body);
    x.close();
  }

  @AfterAll
  static void stop() {
    server.close();
    node.close();
    auth.stop(0);
  }

  /** The claims of a good token for {@code scope}, to spoil one at a time. */
  static JWTClaimsSet.Builder claims(String scope) {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder()
        .issuer(issuer)
        .subject("alice")
        .audience(server.url())
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(300)))
        .claim("scope", scope);
  }

  static String rsa(RSAKey key, JWTClaimsSet claims) throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(key.getKeyID())
                .type(new JOSEObjectType("at+jwt"))
                .build(),
            claims);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  static McpHttp bearer(String token) {
    return new McpHttp(server.url(), Map.of("Authorization", "Bearer " + token));
  }

  static HttpResponse<String> get(String path) {
    return McpHttp.send(
        HttpRequest.newBuilder(URI.create(server.url().replace("/mcp", path))).GET());
  }

  @Test
  void theResourceSaysWhereTokensComeFrom() {
    for (String path :
        List.of(
            "/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource")) {
      HttpResponse<String> r = get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      assertThat(r.body())
          .as(path)
          .contains("\"resource\":\"" + server.url() + "\"")
          .contains("\"authorization_servers\":[\"" + issuer + "\"]")
          .contains("\"scopes_supported\":[\"agora:operator\",\"agora:agent\"]")
          .contains("\"bearer_methods_supported\":[\"header\"]");
    }
    HttpResponse<String> none = new McpHttp(server.url(), Map.of()).post(McpHttp.INITIALIZE, null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate").orElseThrow())
        .isEqualTo(
            "Bearer realm=\"agora\", resource_metadata=\""
                + server.url().replace("/mcp", "/.well-known/oauth-protected-resource/mcp")
                + "\"");
    assertThat(none.body()).contains("an OAuth access token");
    assertThat(log).anyMatch(l -> l.contains("OAuth: tokens of " + issuer));
  }

  @Test
  void aGoodTokenActsAsItsScopesContextAndIsNeverRecorded() throws Exception {
    String token = rsa(k1, claims("openid agora:agent").build());
    McpHttp client = bearer(token);
    String session = client.initialise();
    HttpResponse<String> r =
        client.post(
            McpHttp.request(
                7, "tools/call", "{\"name\":\"ccos.echo\",\"arguments\":{\"input\":\"hi\"}}"),
            session);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).contains("hi").doesNotContain("\"isError\":true");
    Event call =
        events.stream()
            .filter(
                e -> e.type() == EventType.CapabilityCall && "ccos.echo".equals(e.capabilityId()))
            .filter(e -> e.caller().equals("agent/oauth:alice"))
            .findFirst()
            .orElseThrow();
    assertThat(call.caller()).isEqualTo("agent/oauth:alice");
    // the agent's context: what it is not allowed is not listed
    String tools = client.post(McpHttp.request(8, "tools/list", "{}"), session).body();
    assertThat(tools).contains("ccos.echo").doesNotContain("ccos.math");
    // both scopes: the first one the configuration names wins (operator)
    McpHttp both = bearer(rsa(k1, claims("agora:agent agora:operator").build()));
    String s2 = both.initialise();
    assertThat(both.post(McpHttp.request(9, "tools/list", "{}"), s2).body()).contains("ccos.math");
    // an EC key works too, and so does a scope list (scp)
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("ec1").build(),
            claims("x").claim("scp", List.of("agora:agent")).build());
    jwt.sign(new ECDSASigner(ec));
    assertThat(bearer(jwt.serialize()).post(McpHttp.INITIALIZE, null).statusCode()).isEqualTo(200);
    JWTClaimsSet spaced = claims(null).claim("scp", "openid agora:agent").build();
    assertThat(bearer(rsa(k1, spaced)).post(McpHttp.INITIALIZE, null).statusCode()).isEqualTo(200);
    for (Event e : events) {
      assertThat(String.valueOf(e)).doesNotContain(token);
    }
    assertThat(String.join("\n", log)).doesNotContain(token);
  }

  @Test
  void everyWrongTokenIsRefusedAsInvalid() throws Exception {
    RSAKey stranger = new RSAKeyGenerator(2048).keyID("k1").generate(); // same kid, other key
    RSAKey unknown = new RSAKeyGenerator(2048).keyID("nobody-knows").generate();
    Instant now = Instant.now();
    Map<String, String> wrong = new java.util.LinkedHashMap<>();
    wrong.put("audience", rsa(k1, claims("agora:agent").audience("https://elsewhere/mcp").build()));
    wrong.put("issuer", rsa(k1, claims("agora:agent").issuer("https://evil.example").build()));
    wrong.put(
        "expired",
        rsa(k1, claims("agora:agent").expirationTime(Date.from(now.minusSeconds(120))).build()));
    wrong.put(
        "not yet valid",
        rsa(k1, claims("agora:agent").notBeforeTime(Date.from(now.plusSeconds(600))).build()));
    wrong.put("signature", rsa(stranger, claims("agora:agent").build()));
    wrong.put("unknown kid", rsa(unknown, claims("agora:agent").build()));
    wrong.put("no subject", rsa(k1, claims("agora:agent").subject(null).build()));
    wrong.put("no expiry", rsa(k1, claims("agora:agent").expirationTime(null).build()));
    wrong.put(
        "subject with a line break", rsa(k1, claims("agora:agent").subject("al\nice").build()));
    wrong.put(
        "subject passing for a nested call",
        rsa(k1, claims("agora:agent").subject("alice via bank.transfer").build()));
    wrong.put("subject with a slash", rsa(k1, claims("agora:agent").subject("x/ci").build()));
    wrong.put("alg none", new PlainJWT(claims("agora:agent").build()).serialize());
    SignedJWT hs = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims("agora:agent").build());
    hs.sign(
        new MACSigner(k1.toRSAPublicKey().getEncoded())); // alg confusion: the public key as secret
    wrong.put("HS256", hs.serialize());
    String good = rsa(k1, claims("agora:agent").build());
    String[] parts = good.split("\\.");
    wrong.put(
        "tampered",
        parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + "AA." + parts[2]);
    SignedJWT typed =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").type(JOSEObjectType.JOSE).build(),
            claims("agora:agent").build());
    typed.sign(new RSASSASigner(k1));
    wrong.put("type JOSE", typed.serialize());
    List<String> failures = new ArrayList<>();
    for (Map.Entry<String, String> w : wrong.entrySet()) {
      HttpResponse<String> r = bearer(w.getValue()).post(McpHttp.INITIALIZE, null);
      String challenge = r.headers().firstValue("WWW-Authenticate").orElse("");
      if (r.statusCode() != 401
          || !challenge.contains("error=\"invalid_token\"")
          || !challenge.contains("resource_metadata=")) {
        failures.add(w.getKey() + ": " + r.statusCode() + " " + challenge + " " + r.body());
      }
      assertThat(r.body()).as(w.getKey()).contains("the bearer token is refused");
    }
    assertThat(failures).isEmpty();
    // within the clock skew (60 s), an expired token is still taken
    String late =
        rsa(k1, claims("agora:agent").expirationTime(Date.from(now.minusSeconds(20))).build());
    assertThat(bearer(late).post(McpHttp.INITIALIZE, null).statusCode()).isEqualTo(200);
  }

  @Test
  void aTokenNamingATenantActsInItAndAnUnknownTenantIsRefused() throws Exception {
    McpHttp acme = bearer(rsa(k1, claims("agora:operator").claim("tenant", "acme").build()));
    String session = acme.initialise();
    String tools = acme.post(McpHttp.request(2, "tools/list", "{}"), session).body();
    assertThat(tools).contains("ccos.echo").doesNotContain("ccos.math.add");
    acme.post(
        McpHttp.request(
            3, "tools/call", "{\"name\":\"ccos.echo\",\"arguments\":{\"input\":\"t\"}}"),
        session);
    assertThat(events).anyMatch(e -> "acme:operator/oauth:alice".equals(e.caller()));
    for (Object tenant : List.of("globex", 7)) {
      HttpResponse<String> r =
          bearer(rsa(k1, claims("agora:operator").claim("tenant", tenant).build()))
              .post(McpHttp.INITIALIZE, null);
      assertThat(r.statusCode()).as(String.valueOf(tenant)).isEqualTo(401);
      assertThat(r.body())
          .contains("is not one of this server's")
          .doesNotContain("acme"); // the tenants' names are not told
    }
  }

  @Test
  void withRequireTenantATokenMustNameOne() throws Exception {
    String oauth = "require_tenant: true\n    issuer: \"" + issuer + "\"";
    try (AgoraNode n = open(oauth, l -> {});
        AgoraServer s = AgoraServer.start(n, n.config(), l -> {})) {
      HttpResponse<String> none =
          bearerTo(s, rsa(k1, claims("agora:agent").audience(s.url()).build()))
              .post(McpHttp.INITIALIZE, null);
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(none.body()).contains("the token names no tenant (tenant claim");
      assertThat(
              bearerTo(
                      s,
                      rsa(
                          k1,
                          claims("agora:agent").audience(s.url()).claim("tenant", "acme").build()))
                  .post(McpHttp.INITIALIZE, null)
                  .statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void aTokenWithoutAMappedScopeIsForbiddenNamingTheScopes() throws Exception {
    HttpResponse<String> r =
        bearer(rsa(k1, claims("openid profile").build())).post(McpHttp.INITIALIZE, null);
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("error=\"insufficient_scope\"")
        .contains("scope=\"agora:operator agora:agent\"");
  }

  @Test
  void aRotatedKeyIsFetchedAndApiKeysKeepWorking() throws Exception {
    RSAKey k2 = new RSAKeyGenerator(2048).keyID("k2").generate();
    // a server of its own, so that no other test's fetch counts against the rate limit
    String oauth = "jwks_url: \"" + issuer + "/jwks\"\n    issuer: \"" + issuer + "\"";
    try (AgoraNode n = open(oauth, l -> {});
        AgoraServer s = AgoraServer.start(n, n.config(), l -> {})) {
      McpHttp first = bearerTo(s, rsa(k1, claims("agora:agent").audience(s.url()).build()));
      assertThat(first.post(McpHttp.INITIALIZE, null).statusCode()).isEqualTo(200);
      int before = keyFetches.get();
      published.set(new JWKSet(List.<JWK>of(k1.toPublicJWK(), k2.toPublicJWK(), ec.toPublicJWK())));
      McpHttp rotated = bearerTo(s, rsa(k2, claims("agora:agent").audience(s.url()).build()));
      HttpResponse<String> r = rotated.post(McpHttp.INITIALIZE, null);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(keyFetches.get()).isEqualTo(before + 1);
      assertThat(first.post(McpHttp.INITIALIZE, null).statusCode()).isEqualTo(200);
      assertThat(keyFetches.get()).as("the key set is cached").isEqualTo(before + 1);
      assertThat(McpHttp.withKey(s.url(), "ci-key").post(McpHttp.INITIALIZE, null).statusCode())
          .isEqualTo(200);
      assertThat(bearerTo(s, "ci-key").post(McpHttp.INITIALIZE, null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aValidTokenIsRememberedByItsDigestUntilItExpires() throws Exception {
    java.util.concurrent.atomic.AtomicLong wall =
        new java.util.concurrent.atomic.AtomicLong(System.currentTimeMillis());
    BearerTokens tokens =
        new BearerTokens(
            new ServerSettings.OAuth(
                URI.create(issuer),
                URI.create(issuer + "/jwks"),
                "https://agora.example.com/mcp",
                Map.of("agora:agent", "agent"),
                java.time.Duration.ofSeconds(60),
                "tenant",
                false),
            node.config(),
            () -> "unused",
            new com.nimbusds.jose.util.DefaultResourceRetriever(2_000, 2_000),
            System::nanoTime,
            wall::get);
    JWTClaimsSet c = claims("agora:agent").audience("https://agora.example.com/mcp").build();
    String token = rsa(k1, c);
    assertThat(tokens.check(token)).isInstanceOf(BearerTokens.Verdict.Accepted.class);
    assertThat(tokens.check(token)).isInstanceOf(BearerTokens.Verdict.Accepted.class);
    assertThat(tokens.verifications()).as("the second time on its digest").isEqualTo(1);
    // one character different is another token, checked in full (and refused)
    String[] parts = token.split("\\.");
    char swapped = parts[2].charAt(10) == 'A' ? 'B' : 'A';
    String other =
        parts[0]
            + "."
            + parts[1]
            + "."
            + parts[2].substring(0, 10)
            + swapped
            + parts[2].substring(11);
    assertThat(other).isNotEqualTo(token);
    assertThat(tokens.check(other)).isInstanceOf(BearerTokens.Verdict.Refused.class);
    assertThat(tokens.verifications()).isEqualTo(2);
    // once its expiry is past on the wall clock, it is checked in full again
    wall.set(c.getExpirationTime().getTime());
    tokens.check(token);
    assertThat(tokens.verifications()).isEqualTo(3);
    // a refused token is never remembered
    tokens.check(other);
    assertThat(tokens.verifications()).isEqualTo(4);
  }

  @Test
  void aBurstOfCallsWithManyTokensEachActsAsItsOwnSubject() throws Exception {
    int n = 1000;
    int subjects = 50;
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < subjects; i++) {
      tokens.add(rsa(k1, claims("agora:agent").subject("burst-" + i).build()));
    }
    String url = server.url().replace("/mcp", "/api/v1/capabilities/ccos.echo/call");
    List<HttpResponse<String>> answers =
        Burst.send(
            n,
            i ->
                HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Bearer " + tokens.get(i % subjects))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("\"call " + i + "\"")));
    for (int i = 0; i < n; i++) {
      HttpResponse<String> r = answers.get(i);
      assertThat(r.statusCode()).as("call %d: %s", i, r.body()).isEqualTo(200);
      assertThat(r.body()).contains("\"result\":\"call " + i + "\"");
    }
    node.ledger().flush();
    for (int i = 0; i < subjects; i += 7) {
      assertThat(
              node.chain()
                  .query(
                      dev.agora.chain.ChainQuery.ALL
                          .withType("CapabilityCall")
                          .withCaller("agent/oauth:burst-" + i)
                          .withLimit(0)))
          .as("burst-%d's calls, recorded under its name", i)
          .hasSize(n / subjects);
    }
  }

  static McpHttp bearerTo(AgoraServer s, String token) {
    return new McpHttp(s.url(), Map.of("Authorization", "Bearer " + token));
  }

  @Test
  void anUnreachableAuthorizationServerIsAServiceProblemNotTheCallers() throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    try (AgoraNode n = open("issuer: \"http://127.0.0.1:9\"", lines::add);
        AgoraServer s = AgoraServer.start(n, n.config(), lines::add)) {
      String token = rsa(k1, claims("agora:agent").audience(s.url()).build());
      HttpResponse<String> r =
          new McpHttp(s.url(), Map.of("Authorization", "Bearer " + token))
              .post(McpHttp.INITIALIZE, null);
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.headers().firstValue("Retry-After")).hasValue("5");
      // the caller is told to come back; the server's URLs and errors go to the log only
      assertThat(r.body())
          .contains("the authorization server's keys cannot be had now")
          .doesNotContain("127.0.0.1:9");
      assertThat(lines)
          .anyMatch(
              l ->
                  l.contains("the authorization server http://127.0.0.1:9 gives no key set")
                      && l.contains("/.well-known/openid-configuration"));
    }
  }

  @Test
  void theConsoleLogsInWithATokenOrAnApiKeyButNeverAnExpiredToken() throws Exception {
    assertThat(get("/console/login").body()).contains("name=\"token\"", "name=\"api_key\"");
    String good = rsa(k1, claims("agora:operator").build());
    String expired =
        rsa(
            k1,
            claims("agora:operator")
                .expirationTime(Date.from(Instant.now().minusSeconds(600)))
                .build());
    record Case(String form, int status) {}
    for (Case c :
        List.of(
            new Case("token=" + good, 303),
            new Case("api_key=ci-key&token=", 303),
            new Case("token=" + expired, 401),
            new Case("api_key=ci-key&token=" + expired, 401), // a token given decides
            new Case("token=", 401))) {
      HttpResponse<String> r =
          McpHttp.send(
              HttpRequest.newBuilder(URI.create(server.url().replace("/mcp", "/console/login")))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(HttpRequest.BodyPublishers.ofString(c.form())));
      assertThat(r.statusCode()).as(c.form()).isEqualTo(c.status());
      assertThat(r.headers().firstValue("Set-Cookie").isPresent()).isEqualTo(c.status() == 303);
      assertThat(r.body()).doesNotContain(good, expired);
    }
  }
}
