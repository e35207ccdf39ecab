package dev.agora.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.agora.provider.mcp.Peers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12's attack run, replayed: one {@code ./agora serve} on loopback with an operator key and a
 * restricted agent key, in front of a real MCP server, and every item of the list tried against it
 * the way the attacker did — one test per item, named after it. Items that need a hostile upstream
 * or a race (huge MCP results, tool names, node keys, the breaker, the egress classifier) are
 * proven by the module tests named in each test's comment; here they are replayed where a running
 * server shows them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(300)
class AttackChecklistIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final String AGORA = ROOT.resolve("agora").toString();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir static Path dir;

  private final String operatorKey = secret("op");
  private final String agentKey = secret("agent");
  private final String floodKey = secret("flood");
  private final String upstreamToken = secret("upstream");
  private final String fileSecret = secret("file");
  private HttpServer upstream;
  private Process serve;
  private String endpoint;
  private List<String> log;

  private static String secret(String prefix) {
    byte[] b = new byte[16];
    new SecureRandom().nextBytes(b);
    return prefix + "-" + HexFormat.of().formatHex(b);
  }

  @BeforeAll
  void startServe() throws Exception {
    upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    upstream.createContext(
        "/",
        exchange -> {
          int status = exchange.getRequestURI().getPath().endsWith("/fail") ? 500 : 200;
          if (exchange.getRequestURI().getQuery() != null
              && exchange.getRequestURI().getQuery().contains("bad")) {
            status = 400;
          }
          byte[] body = ("{\"status\":" + status + "}").getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(status, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    upstream.start();
    String upstreamUrl = "http://127.0.0.1:" + upstream.getAddress().getPort();
    Path manifests = Files.createDirectories(dir.resolve("manifests"));
    Files.writeString(dir.resolve("outside.env"), "SECRET_OUTSIDE=" + fileSecret + "\n");
    Files.createSymbolicLink(manifests.resolve("shadow.yaml"), dir.resolve("outside.env"));
    Files.writeString(
        manifests.resolve("leaked.yaml"),
        "AWS_SECRET_ACCESS_KEY=" + fileSecret + "\n-----BEGIN OPENSSH PRIVATE KEY-----\n");
    for (String copy : List.of("first.yaml", "second.yaml")) {
      Files.writeString(manifests.resolve(copy), manifest("demo.twin", ":local", "(fn [x] x)"));
    }
    Files.writeString(
        manifests.resolve("hog.yaml"),
        manifest(
            "demo.hog",
            ":local",
            "(fn [x] (let [big (reduce (fn [s _] (str s s)) \\\"x\\\" (range 22))] (reduce (fn [acc _] (conj acc (str big (count acc)))) [] (range 1000))))"));
    Files.writeString(
        manifests.resolve("reserved.yaml"), http("demo.reserved", "http://198.18.0.1/x"));
    Files.writeString(
        manifests.resolve("strict.yaml"), http("demo.strict", upstreamUrl + "/strict"));
    Files.writeString(manifests.resolve("flaky.yaml"), http("demo.flaky", upstreamUrl + "/fail"));
    Path config = dir.resolve("agora.yaml");
    Files.writeString(
        config,
        """
        sources:
          - {name: everything, type: mcp, command: "%s"}
          - {name: files, type: files, path: manifests}
        policy:
          egress: {allow: ["*"], private: ["127.0.0.1"]}
        resilience:
          defaults: {circuit_breaker: {failure_rate: 50, open_for: 30s}}
        contexts:
          operator: {level: full}
          agent: {level: controlled, allow: ["ccos.echo", "ccos.io.log", "mcp.everything.*", "demo.*"]}
        default_context: operator
        data_dir: data
        server:
          port: 0
          api_keys:
            - {name: ops, context: operator, key_env: ATTACK_OPERATOR_KEY}
            - {name: bot, context: agent, key_env: ATTACK_AGENT_KEY}
            - {name: flood, context: agent, key_env: ATTACK_FLOOD_KEY}
          header_timeout: 2s
          limits:
            default: {calls_per_second: 1000}
            keys: {flood: {calls_per_second: 2, burst: 1s}}
        """
            .formatted(Peers.exe("mcp-server-everything")));
    ProcessBuilder pb = new ProcessBuilder(AGORA, "serve", "--config", config.toString());
    pb.environment().put("ATTACK_OPERATOR_KEY", operatorKey);
    pb.environment().put("ATTACK_AGENT_KEY", agentKey);
    pb.environment().put("ATTACK_FLOOD_KEY", floodKey);
    pb.environment().put("UPSTREAM_TOKEN", upstreamToken);
    ServeProcess started = ServeProcess.start(pb);
    serve = started.process();
    endpoint = started.endpoint();
    log = started.log();
  }

  private static String manifest(String id, String type, String implementation) {
    return """
        id: %s
        name: %s
        description: A capability of the attack run.
        version: 1.0.0
        provider: {type: %s, implementation: "%s"}
        input_schema: "[:map [:mode :string ?]]"
        output_schema: ":any"
        """
        .formatted(id, id, type.substring(1), implementation);
  }

  private static String http(String id, String url) {
    return """
        id: %s
        name: %s
        description: An HTTP capability of the attack run.
        version: 1.0.0
        provider: {type: http, method: GET, url: "%s"}
        input_schema: "[:map [:mode :string ?]]"
        output_schema: ":any"
        effects: [network]
        """
        .formatted(id, id, url);
  }

  @AfterAll
  void stopServe() throws InterruptedException {
    if (upstream != null) {
      upstream.stop(0);
    }
    if (serve != null && serve.isAlive()) {
      serve.destroy();
      if (!serve.waitFor(60, TimeUnit.SECONDS)) {
        serve.descendants().forEach(ProcessHandle::destroyForcibly);
        serve.destroyForcibly();
      }
    }
  }

  // ---- the client side, spoken by hand --------------------------------------------------------

  private String base() {
    return endpoint.substring(0, endpoint.length() - "/mcp".length());
  }

  private int port() {
    return URI.create(endpoint).getPort();
  }

  private HttpRequest.Builder request(String path, String key, String session) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base() + path))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .header("MCP-Protocol-Version", "2025-06-18");
    if (key != null) {
      b.header("X-API-Key", key);
    }
    if (session != null) {
      b.header("Mcp-Session-Id", session);
    }
    return b;
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String key, String session, String body) throws Exception {
    return send(request("/mcp", key, session).POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** A new MCP session of the caller with {@code key}; returns its id. */
  private String session(String key) throws Exception {
    HttpResponse<String> init =
        post(
            key,
            null,
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"attacker\",\"version\":\"1\"}}}");
    assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
    String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
    assertThat(
            post(key, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
                .statusCode())
        .isEqualTo(202);
    return session;
  }

  private static String call(String tool, String arguments) {
    return "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\""
        + tool
        + "\",\"arguments\":"
        + arguments
        + "}}";
  }

  /** The JSON of an answer, whether it came as application/json or as one SSE event. */
  private static String json(HttpResponse<String> r) {
    String body = r.body();
    if (!body.startsWith("{")) {
      Matcher m = Pattern.compile("(?m)^data: ?(.*)$").matcher(body);
      StringBuilder data = new StringBuilder();
      while (m.find()) {
        data.append(m.group(1));
      }
      return data.toString();
    }
    return body;
  }

  /** Raw bytes on a socket, for what the JDK client will not send; returns the whole answer. */
  private String raw(String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port())) {
      s.setSoTimeout(60_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The tool result of a call: its JSON-RPC answer, which must be a result, not an error. */
  private String result(String key, String tool, String arguments) throws Exception {
    HttpResponse<String> r = post(key, session(key), call(tool, arguments));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String answer = json(r);
    assertThat(answer).as(answer).contains("\"result\"");
    return answer;
  }

  private long storedBytes() throws IOException {
    long total = 0;
    try (var files = Files.list(dir.resolve("data"))) {
      for (Path f : files.filter(f -> f.getFileName().toString().startsWith("agora.db")).toList()) {
        total += Files.size(f);
      }
    }
    return total;
  }

  private String stored() throws IOException {
    StringBuilder all = new StringBuilder();
    try (var files = Files.list(dir.resolve("data"))) {
      for (Path f : files.filter(f -> f.getFileName().toString().startsWith("agora.db")).toList()) {
        all.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
      }
    }
    return all.toString();
  }

  // ---- High ------------------------------------------------------------------------------------

  /** A 1 MiB argument echoed back: the chain keeps its digest and size, not the megabytes. */
  @Test
  void one_caller_cannot_fill_the_disk_through_the_chain() throws Exception {
    long before = storedBytes();
    String big = "x".repeat(1 << 20);
    String answer = result(agentKey, "ccos.echo", "{\"input\":\"" + big + "\"}");
    assertThat(answer).contains(big);
    assertThat(storedBytes() - before).isLessThan(512 << 10);
  }

  /** A caller over its rate limit gets 429 at once; another caller meanwhile is served. */
  @Test
  void one_caller_cannot_starve_the_others() throws Exception {
    String session = session(operatorKey);
    List<CompletableFuture<HttpResponse<String>>> flood = new ArrayList<>();
    List<CompletableFuture<HttpResponse<String>>> served = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < 40; i++) {
      flood.add(
          HTTP.sendAsync(
              request("/mcp", floodKey, null)
                  .POST(HttpRequest.BodyPublishers.ofString(call("ccos.echo", "{}")))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
      served.add(
          HTTP.sendAsync(
              request("/mcp", operatorKey, session)
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          call("ccos.echo", "{\"input\":" + i + "}")))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    int refused = 0;
    for (CompletableFuture<HttpResponse<String>> f : flood) {
      HttpResponse<String> r = f.get(120, TimeUnit.SECONDS);
      if (r.statusCode() == 429) {
        refused++;
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        assertThat(r.body()).contains("over its rate limit");
      }
    }
    // a burst of 2, and 2 more each second the flood took to arrive (a busy machine spreads it)
    double seconds = (System.nanoTime() - start) / 1e9;
    int allowed = 2 + (int) Math.ceil(2 * seconds);
    assertThat(refused)
        .as("at most %d of 40 through in %.2f s", allowed, seconds)
        .isGreaterThanOrEqualTo(40 - allowed);
    for (CompletableFuture<HttpResponse<String>> f : served) {
      HttpResponse<String> r = f.get(120, TimeUnit.SECONDS);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(json(r)).contains("\"result\"");
    }
  }

  /** A body declared larger than server.max_body (4 MiB) is refused before it is read. */
  @Test
  void a_body_over_server_max_body_is_413() throws Exception {
    String answer =
        raw(
            "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:"
                + port()
                + "\r\nX-API-Key: "
                + operatorKey
                + "\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream"
                + "\r\nContent-Length: "
                + (5 << 20)
                + "\r\nConnection: close\r\n\r\n{");
    assertThat(answer).startsWith("HTTP/1.1 413").contains("server.max_body");
  }

  /** Connections that never finish their headers are closed after server.header_timeout. */
  @Test
  void slow_connections_are_closed() throws Exception {
    List<Socket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        Socket s = new Socket("127.0.0.1", port());
        s.setSoTimeout(60_000); // a safety net only: the server is expected to close first
        s.getOutputStream()
            .write("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1".getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
        sockets.add(s);
      }
      for (Socket s : sockets) {
        String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(answer).as("closed, never served").doesNotContain(" 200 ");
      }
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
    }
  }

  // ---- Medium ----------------------------------------------------------------------------------

  /**
   * A plan that keeps a thousand 4-million-character strings fails alone; another caller is served
   * meanwhile.
   */
  @Test
  void one_callers_memory_does_not_hurt_the_others() throws Exception {
    String hog = json(post(agentKey, session(agentKey), call("demo.hog", "{}")));
    assertThat(hog).contains("\"isError\":true").containsIgnoringCase("memory");
    assertThat(hog).doesNotContain("OutOfMemoryError").doesNotContain("SHA-256");
    assertThat(result(operatorKey, "ccos.echo", "{\"input\":\"still here\"}"))
        .contains("still here");
  }

  /** A link out of the source directory and files of secrets: nothing of them is recorded. */
  @Test
  void file_discovery_neither_follows_links_out_nor_quotes_files() throws Exception {
    assertThat(String.join("\n", log)).doesNotContain(fileSecret).contains("shadow.yaml");
    assertThat(stored()).doesNotContain(fileSecret).doesNotContain("BEGIN OPENSSH");
  }

  @Test
  void metrics_and_mcp_are_guarded_under_every_spelling_of_their_path() throws Exception {
    for (String path :
        List.of("/metrics", "/metrics/", "/metrics/x", "/metrics;a=b", "//metrics", "/mcp/")) {
      HttpResponse<String> r = send(request(path, null, null).GET());
      // 400: an ambiguous spelling (//metrics) is refused before anything else
      assertThat(r.statusCode()).as(path + ": " + r.body()).isIn(400, 401, 404);
      assertThat(r.body()).as(path).doesNotContain("# TYPE");
    }
    HttpResponse<String> allowed = send(request("/metrics", operatorKey, null).GET());
    assertThat(allowed.statusCode()).isEqualTo(200);
    assertThat(allowed.body()).contains("# TYPE");
  }

  /** Calls whose input the upstream refuses (400) never open the circuit; 500s do. */
  @Test
  void a_caller_cannot_open_a_circuit_for_everyone() throws Exception {
    String session = session(agentKey);
    for (int i = 0; i < 25; i++) {
      String bad = json(post(agentKey, session, call("demo.strict", "{\"mode\":\"bad\"}")));
      assertThat(bad).contains("\"isError\":true").contains("400");
    }
    assertThat(result(operatorKey, "demo.strict", "{\"mode\":\"good\"}")).contains("200");
    String last = "";
    for (int i = 0; i < 25; i++) {
      last = json(post(agentKey, session, call("demo.flaky", "{}")));
    }
    assertThat(last).containsIgnoringCase("circuit");
  }

  /** {@code ./agora ARGS}, as a user runs it; returns exit code and output. */
  private static CliTest.Result agoraProcess(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(AGORA));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).start();
    p.getOutputStream().close();
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    String out = read(p.getInputStream());
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new CliTest.Result(p.exitValue(), out, err.get());
  }

  private static String read(InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Four processes starting at once on a new data directory end up with one node key. */
  @Test
  void processes_starting_together_create_one_node_key() throws Exception {
    Path fresh = dir.resolve("fresh");
    List<CompletableFuture<CliTest.Result>> runs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      runs.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return agoraProcess("chain", "key", "--data-dir", fresh.toString());
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              }));
    }
    List<String> keys = new ArrayList<>();
    for (CompletableFuture<CliTest.Result> run : runs) {
      CliTest.Result r = run.get(180, TimeUnit.SECONDS);
      assertThat(r.exit()).as(r.err()).isZero();
      keys.add(r.out().strip());
    }
    assertThat(keys).as("one key, whoever won").containsOnly(keys.get(0));
    try (var files = Files.list(fresh)) {
      assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("chain-key")))
          .containsExactlyInAnyOrder("chain-key", "chain-key.pub");
    }
  }

  /**
   * Last: the attacked node stops (signing a checkpoint); its chain verifies read-only, and a row
   * forged past the head or a missing key is reported, not passed as ok.
   */
  @Test
  @Order(Integer.MAX_VALUE)
  void chain_verify_says_ok_only_when_it_is() throws Exception {
    stopServe();
    Path data = dir.resolve("data");
    CliTest.Result ok = agoraProcess("chain", "verify", "--data-dir", data.toString());
    assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
    assertThat(ok.out()).startsWith("ok: ");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("agora.db"));
        Statement st = c.createStatement()) {
      st.executeUpdate(
          "INSERT INTO chain_entries (idx, action_id, type, parent_id, plan_id, capability_id,"
              + " caller, time_nanos, body, leaf_hash, chain_hash) SELECT (SELECT size FROM"
              + " chain_head), 'forged', type, parent_id, plan_id, capability_id, caller,"
              + " time_nanos, body, leaf_hash, chain_hash FROM chain_entries WHERE idx = 0");
    }
    CliTest.Result forged = agoraProcess("chain", "verify", "--data-dir", data.toString());
    assertThat(forged.exit()).isEqualTo(1);
    assertThat(forged.out()).startsWith("BAD: ").contains("rows are stored past it");
    Files.delete(data.resolve("chain-key.pub"));
    Files.delete(data.resolve("chain-key"));
    CliTest.Result keyless = agoraProcess("chain", "verify", "--data-dir", data.toString());
    assertThat(keyless.exit()).isEqualTo(1);
    assertThat(keyless.err()).startsWith("error: no node key");
    assertThat(data.resolve("chain-key")).doesNotExist();
  }

  // ---- Low -------------------------------------------------------------------------------------

  @Test
  void errors_are_plain_json_rpc_with_a_body_and_no_stack_trace() throws Exception {
    String session = session(agentKey);
    for (String body :
        List.of(
            "null",
            "[]",
            "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"ccos.echo\",\"arguments\":[1]}}",
            "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"ccos.echo\",\"arguments\":\"x\"}}",
            "{\"jsonrpc\":")) {
      HttpResponse<String> r = post(agentKey, session, body);
      assertThat(r.statusCode()).as(body).isNotEqualTo(500);
      assertThat(json(r)).as(body).contains("\"error\"");
      assertThat(r.body()).as(body).doesNotContain("\tat ").doesNotContain("Exception");
    }
  }

  @Test
  void a_session_belongs_to_the_caller_that_opened_it() throws Exception {
    String session = session(agentKey);
    String list = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";
    assertThat(post(operatorKey, session, list).statusCode()).isEqualTo(404);
    assertThat(send(request("/mcp", operatorKey, session).GET()).statusCode()).isEqualTo(404);
    assertThat(send(request("/mcp", operatorKey, session).DELETE()).statusCode()).isEqualTo(404);
    assertThat(post(agentKey, session, list).statusCode()).isEqualTo(200);
  }

  @Test
  void the_log_capability_escapes_control_characters_and_takes_a_string_level() throws Exception {
    String answer =
        result(
            agentKey,
            "ccos.io.log",
            "{\"input\":{\"message\":\"one\\nFORGED line\",\"level\":\"error\"}}");
    assertThat(answer).doesNotContain("\"isError\":true");
    assertThat(log).noneMatch(line -> line.startsWith("FORGED"));
  }

  @Test
  void two_manifests_with_one_id_and_version_are_refused_naming_both_files() {
    assertThat(log).anyMatch(line -> line.contains("first.yaml") && line.contains("second.yaml"));
  }

  @Test
  void the_egress_guard_refuses_special_purpose_addresses() throws Exception {
    String answer = json(post(operatorKey, session(operatorKey), call("demo.reserved", "{}")));
    assertThat(answer).contains("\"isError\":true").contains("198.18").contains("policy.egress");
  }

  // ---- Low, continued
  // -------------------------------------------------------------------------------------

  @Test
  void a_wrong_authorization_scheme_is_401_not_the_anonymous_context() throws Exception {
    HttpResponse<String> basic =
        send(
            request("/mcp", null, null)
                .header("Authorization", "Basic " + operatorKey)
                .POST(HttpRequest.BodyPublishers.ofString(call("ccos.echo", "{}"))));
    assertThat(basic.statusCode()).isEqualTo(401);
    HttpResponse<String> empty =
        send(
            request("/mcp", null, null)
                .header("Authorization", "Bearer ")
                .POST(HttpRequest.BodyPublishers.ofString(call("ccos.echo", "{}"))));
    assertThat(empty.statusCode()).isEqualTo(401);
  }

  // ---- Medium ----------------------------------------------------------------------------------

  @Test
  void mcp_children_do_not_inherit_agoras_environment() throws Exception {
    String session = session(agentKey);
    HttpResponse<String> env = post(agentKey, session, call("mcp.everything.get-env", "{}"));
    assertThat(env.statusCode()).as(env.body()).isEqualTo(200);
    String text = json(env);
    assertThat(text).contains("PATH");
    assertThat(text)
        .doesNotContain(operatorKey)
        .doesNotContain(agentKey)
        .doesNotContain(upstreamToken)
        .doesNotContain("ATTACK_OPERATOR_KEY");
  }

  @Test
  void the_server_log_never_shows_a_key() {
    assertThat(String.join("\n", log)).doesNotContain(operatorKey).doesNotContain(agentKey);
  }
}
