package dev.agora.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.agora.chain.Hashes;
import dev.agora.chain.event.EventSink;
import dev.agora.core.AgoraNode;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ConfigLoader;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Reader;
import dev.agora.server.AgoraServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Agora as an A2A agent (issue 16), the same call — {@code ccos.math.add} of {@code [40 2]} — six
 * ways on one node (in-memory chain, an API key, the whole call path): straight into the
 * marketplace (the baseline without HTTP), as MCP {@code tools/call} on an initialized session, and
 * as an A2A message over 1.0 JSON-RPC, 1.0 HTTP+JSON and 0.3 JSON-RPC, and through the REST API
 * (issue 17); plus {@code GET /health}, the server's cheapest HTTP round trip, to see what HTTP
 * itself costs. Requests are made with the JDK's HttpClient (HTTP/1.1, one connection per thread).
 *
 * <p>Run: {@code ./build bench A2aServerBench -f 1 -wi 3 -i 5}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class A2aServerBench {

  static final String KEY = "bench-a2a-key";

  AgoraNode node;
  AgoraServer server;
  HttpClient http;
  String base;
  String session;
  String token;
  String issuer;
  RSAKey signing;
  HttpServer keys;
  Value input;
  SecurityContext operator;

  @Setup(Level.Trial)
  public void start() throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("agora-a2a-bench");
    Path file = dir.resolve("agora.yaml");
    issuer = startKeys();
    Files.writeString(
        file,
        """
        storage: {type: memory}
        contexts: {operator: {level: full}}
        default_context: operator
        server:
          port: 0
          api_keys: [{name: bench, context: operator, sha256: "%s"}]
          limits: {default: {calls_per_second: 1000000, bytes_per_second: 1GiB}}
          oauth:
            issuer: "%s"
            jwks_url: "%s/jwks"
            scopes: {"agora:operator": operator}
        """
            .formatted(
                Hashes.hex(Hashes.sha256(KEY.getBytes(StandardCharsets.UTF_8))), issuer, issuer));
    AgoraConfig cfg = ConfigLoader.load(file);
    node = AgoraNode.open(cfg, EventSink.NONE, line -> {});
    node.marketplace().bootstrap();
    server = AgoraServer.start(node, cfg, line -> {});
    base = server.url().replace("/mcp", "");
    token = token(server.url());
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    input = Reader.readValue("[40 2]");
    operator = node.marketplace().context("operator");
    HttpResponse<String> init =
        post(
            "/mcp",
            "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"bench\",\"version\":\"1\"}}}",
            null);
    session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
    post("/mcp", "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", null);
    for (String answer :
        new String[] {
          mcp(), a2aJsonRpc10(), a2aRest10(), a2aJsonRpc03(), restApi(), restApiWithToken()
        }) {
      if (!answer.contains("42")) {
        throw new IllegalStateException("not the sum: " + answer);
      }
    }
  }

  @TearDown(Level.Trial)
  public void stop() {
    server.close();
    node.close();
    keys.stop(0);
  }

  /**
   * A loopback authorization server's key set (the JDK's HTTP server, one RSA key), so that the
   * REST API can also be called with an OAuth access token: its URL.
   */
  private String startKeys() throws IOException {
    try {
      signing = new RSAKeyGenerator(2048).keyID("bench").generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    keys = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    byte[] set = new JWKSet(signing.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
    keys.createContext(
        "/jwks",
        x -> {
          x.sendResponseHeaders(200, set.length);
          x.getResponseBody().write(set);
          x.close();
        });
    keys.start();
    return "http://127.0.0.1:" + keys.getAddress().getPort();
  }

  /** An access token for {@code audience}, valid for an hour, with the operator's scope. */
  private String token(String audience) {
    Instant now = Instant.now();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("bench").build(),
            new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject("bench")
                .audience(audience)
                .expirationTime(Date.from(now.plusSeconds(3600)))
                .claim("scope", "agora:operator")
                .build());
    try {
      jwt.sign(new RSASSASigner(signing));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  private HttpResponse<String> post(String path, String body, String version) {
    return post(path, body, version, "X-API-Key", KEY);
  }

  private HttpResponse<String> post(
      String path, String body, String version, String credential, String value) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .header(credential, value)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (version != null) {
      b.header("A2A-Version", version);
    }
    if (session != null && path.equals("/mcp")) {
      b.header("Mcp-Session-Id", session);
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String message(String role, String part) {
    return "{\"message\":{\"messageId\":\"m\",\"role\":\""
        + role
        + "\",\"parts\":["
        + part
        + "],\"metadata\":{\"skillId\":\"ccos.math.add\"}}";
  }

  @Benchmark
  public Value direct() {
    return node.marketplace().call(CallRequest.of("ccos.math.add", input, operator));
  }

  @Benchmark
  public String httpHealth() {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create(base + "/health")).build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Benchmark
  public String mcp() {
    return post(
            "/mcp",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":"
                + "\"ccos.math.add\",\"arguments\":{\"input\":[40,2]}}}",
            null)
        .body();
  }

  /** The REST API (issue 17): {@code POST /api/v1/capabilities/ccos.math.add/call}. */
  @Benchmark
  public String restApi() {
    return post("/api/v1/capabilities/ccos.math.add/call", "[40,2]", null).body();
  }

  /** The same, authenticated by an OAuth access token (a JWT checked against the key set). */
  @Benchmark
  public String restApiWithToken() {
    return post(
            "/api/v1/capabilities/ccos.math.add/call",
            "[40,2]",
            null,
            "Authorization",
            "Bearer " + token)
        .body();
  }

  @Benchmark
  public String a2aJsonRpc10() {
    return post(
            "/a2a",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"SendMessage\",\"params\":"
                + message("ROLE_USER", "{\"data\":[40,2]}")
                + "}}",
            "1.0")
        .body();
  }

  @Benchmark
  public String a2aRest10() {
    return post("/a2a/message:send", message("ROLE_USER", "{\"data\":[40,2]}") + "}", "1.0").body();
  }

  @Benchmark
  public String a2aJsonRpc03() {
    return post(
            "/a2a",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"message/send\",\"params\":"
                + message("user", "{\"kind\":\"text\",\"text\":\"[40, 2]\"}")
                + "}}",
            null)
        .body();
  }
}
