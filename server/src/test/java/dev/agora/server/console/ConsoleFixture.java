package dev.agora.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.Hashes;
import dev.agora.chain.event.EventSink;
import dev.agora.core.AgoraNode;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ConfigLoader;
import dev.agora.server.AgoraServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A node serving the console on a free loopback port: the built-ins, a capability from an
 * "untrusted upstream" whose description is hostile, a policy that makes {@code ccos.math.add} wait
 * for approval, and two API keys — {@link #OPERATOR} (full) and {@link #AGENT} (only {@code
 * ccos.echo}). Requests go through the JDK's client, redirects not followed.
 */
final class ConsoleFixture implements AutoCloseable {

  static final String OPERATOR = "operator-key-0123456789";
  static final String AGENT = "agent-key-0123456789";
  static final String TENANT_OPERATOR = "acme-operator-key-0123456789";
  static final String HOSTILE = "<script>alert(1)</script>\"'&";

  final AgoraNode node;
  final AgoraServer server;
  final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  private ConsoleFixture(AgoraNode node, AgoraServer server) {
    this.node = node;
    this.server = server;
  }

  /** {@code extraYaml}: more top-level agora.yaml (approvals:, trust:). */
  static ConsoleFixture start(Path dir, String extraYaml) throws IOException {
    return start(dir, extraYaml, EventSink.NONE);
  }

  /** The same, with {@code trace} seeing every event the node records. */
  static ConsoleFixture start(Path dir, String extraYaml, EventSink trace) throws IOException {
    Files.createDirectories(dir.resolve("manifests"));
    Path evil = dir.resolve("manifests/evil.yaml");
    if (Files.notExists(evil)) { // a test may have changed it (a rug pull)
      Files.writeString(
          evil,
          "id: up.evil\ndescription: '"
              + HOSTILE.replace("'", "''")
              + "'\nprovider: {type: local, implementation: '(fn [x] x)'}\n");
    }
    // a manifest with a passport, signed by the example authority acme
    Files.copy(
        Path.of("..", "examples", "trust", "manifests", "orders.yaml"),
        dir.resolve("manifests/orders.yaml"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Path file = dir.resolve("agora.yaml");
    Files.writeString(
        file,
        """
        contexts:
          operator: {level: full}
          agent: {level: controlled, allow: ["ccos.echo"]}
        default_context: operator
        sources: [{name: upstream, type: files, path: manifests}]
        policy:
          rules:
            - {capabilities: "ccos.math.add", when: "true", action: require_approval}
        server:
          port: 0
          # the tests go faster than a caller's default allowance (50 requests a second)
          limits: {default: {calls_per_second: 1000000, bytes_per_second: 1GiB}}
          tenants: {acme: {capabilities: ["ccos.echo"]}}
          api_keys:
            - {name: ops, context: operator, sha256: "%s"}
            - {name: ci, context: agent, sha256: "%s"}
            - {name: acme-ops, context: operator, tenant: acme, sha256: "%s"}
        """
                .formatted(sha(OPERATOR), sha(AGENT), sha(TENANT_OPERATOR))
            + extraYaml);
    AgoraConfig cfg = ConfigLoader.load(file).withStorage(AgoraConfig.Storage.MEMORY);
    AgoraNode node = AgoraNode.open(cfg, trace, l -> {});
    node.marketplace().bootstrap();
    return new ConsoleFixture(node, AgoraServer.start(node, cfg, l -> {}));
  }

  static String sha(String key) {
    return Hashes.hex(Hashes.sha256(key.getBytes(StandardCharsets.UTF_8)));
  }

  String base() {
    return "http://127.0.0.1:" + server.port();
  }

  HttpResponse<String> get(String path, String cookie) {
    return send(request(path, cookie).GET());
  }

  HttpResponse<String> post(String path, String cookie, Map<String, String> form) {
    return post(path, cookie, form, Map.of());
  }

  HttpResponse<String> post(
      String path, String cookie, Map<String, String> form, Map<String, String> headers) {
    String body =
        form.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    HttpRequest.Builder b =
        request(path, cookie)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    return send(b);
  }

  HttpResponse<String> send(HttpRequest.Builder b) {
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private HttpRequest.Builder request(String path, String cookie) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path));
    return cookie == null ? b : b.header("Cookie", cookie);
  }

  /** Logs in with {@code key}; the {@code Cookie} header value of the session. */
  String login(String key) {
    HttpResponse<String> r = post(Console.LOGIN, null, Map.of("api_key", key));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
    String set = r.headers().firstValue("Set-Cookie").orElseThrow();
    return set.substring(0, set.indexOf(';'));
  }

  /** The CSRF token of the forms on {@code page}. */
  static String csrf(String page) {
    Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(page);
    assertThat(m.find()).as(page).isTrue();
    return m.group(1);
  }

  /** A form with the session's CSRF token (read from the capabilities page) and {@code fields}. */
  Map<String, String> form(String cookie, String... fields) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("csrf", csrf(get(Console.HOME, cookie).body()));
    for (int i = 0; i < fields.length; i += 2) {
      f.put(fields[i], fields[i + 1]);
    }
    return f;
  }

  @Override
  public void close() {
    server.close();
    node.close();
  }
}
