package dev.agora.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.core.json.Json;
import dev.agora.core.testing.Await;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code ./agora serve} processes on one real PostgreSQL (issue 18): what one registers the
 * others serve at once, a quota holds across them, a remote-rtfs capability fans out over the
 * peers, and a node SIGKILLed under load loses no acknowledged call — every one is in the chain,
 * the chain verifies, and the calls move to the node left. Behind a real load balancer (HAProxy,
 * round robin, not sticky) the official TypeScript SDK client keeps one MCP session across the
 * three nodes and past the kill, without initialising again.
 */
@Timeout(600)
class ClusterIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  /** An API key whose rate limit allows ten calls, across all the nodes. */
  private static final String SLOW_KEY = "slow-key-for-the-cluster-test";

  /** How long it waits for what the nodes do (three JVMs and a database on two cores). */
  private static final java.time.Duration WAIT = java.time.Duration.ofSeconds(60);

  @TempDir Path dir;
  private EmbeddedPostgres pg;
  private final List<Node> nodes = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  /** A running node: its {@code ./agora serve} process and its MCP URL. */
  record Node(ServeProcess serve) {
    String url() {
      return serve.endpoint();
    }

    Process process() {
      return serve.process();
    }

    String api(String path) {
      return url().substring(0, url().length() - "/mcp".length()) + "/api/v1" + path;
    }
  }

  /** The load balancer in front of the nodes (HAProxy), and the TypeScript client behind it. */
  private Process haproxy;

  private Process tsClient;

  @AfterEach
  void stop() throws IOException {
    for (Process p : new Process[] {tsClient, haproxy}) {
      if (p != null) {
        p.destroyForcibly();
      }
    }
    for (Node n : nodes) {
      n.process().destroyForcibly();
    }
    if (pg != null) {
      pg.close();
    }
  }

  /**
   * Starts HAProxy on {@code port} in front of {@code nodes}: round robin, no stickiness, a node
   * taken out after one failed health check (every 200 ms), and a request whose node refuses the
   * connection sent to another.
   */
  private void loadBalancer(int port, List<Node> behind) throws Exception {
    StringBuilder cfg =
        new StringBuilder(
            """
            global
              maxconn 2048
            defaults
              mode http
              log stdout format raw local0
              option httplog
              timeout connect 1s
              timeout client 60s
              timeout server 60s
              retries 3
              option redispatch
            frontend lb
              bind 127.0.0.1:%d
              default_backend agora
            backend agora
              balance roundrobin
              option httpchk GET /health
            """
                .formatted(port));
    for (int i = 0; i < behind.size(); i++) {
      URI u = URI.create(behind.get(i).url());
      cfg.append(
          "  server n%d 127.0.0.1:%d check inter 200ms fall 1 rise 2\n"
              .formatted(i + 1, u.getPort()));
    }
    Path file = dir.resolve("haproxy.cfg");
    Files.writeString(file, cfg.toString());
    haproxy =
        new ProcessBuilder("haproxy", "-db", "-f", file.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("haproxy.out").toFile())
            .start();
    Await.until(
        "HAProxy answers and has every node up",
        WAIT,
        () -> {
          try {
            return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")))
                    .statusCode()
                == 200;
          } catch (Exception e) {
            return false;
          }
        });
  }

  /**
   * The nodes (HAProxy's server names) that answered the requests HAProxy logged whose request line
   * starts with {@code request} (its log has one line per request: {@code option httplog}).
   */
  private Set<String> servedBy(String request) throws IOException {
    Set<String> servers = new HashSet<>();
    java.util.regex.Pattern line =
        java.util.regex.Pattern.compile(
            " agora/(n\\d) .*\"" + java.util.regex.Pattern.quote(request));
    for (String l : Files.readAllLines(dir.resolve("haproxy.out"))) {
      java.util.regex.Matcher m = line.matcher(l);
      if (m.find()) {
        servers.add(m.group(1));
      }
    }
    return servers;
  }

  /** A line the TypeScript client prints, as JSON; waits for it at most {@link #WAIT}. */
  private static Dict line(BufferedReader out) throws Exception {
    String l =
        CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return out.readLine();
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                })
            .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(l).as("the TypeScript client's output").isNotNull();
    return (Dict) Json.parse(l);
  }

  private static List<String> texts(Dict round) {
    return ((Seq) round.get("texts")).items().stream().map(v -> ((Value.Str) v).value()).toList();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private Path config(String jdbcUrl, int lbPort) throws Exception {
    Path file = dir.resolve("agora.yaml");
    Files.writeString(
        file,
        """
        storage: {type: postgres, url: "%s", user: postgres}
        contexts:
          operator: {level: full}
        default_context: operator
        sources:
          - name: it
            type: static
            capabilities:
              - {id: it.echo, effects: [pure], provider: {type: local, implementation: "(fn [x] x)"}}
              - {id: it.quota, effects: [pure], provider: {type: local, implementation: "(fn [x] x)"}}
              - {id: it.remote, effects: [pure], provider: {type: remote-rtfs, nodes: cluster, implementation: "(fn [x] (call :it.echo x))"}}
        policy:
          quotas:
            - {name: shared, capabilities: "it.quota", per: all, calls: 30, window: 1d}
        resilience:
          defaults: {retry: {max_attempts: 3, backoff: 50ms}}
        server:
          port: 0
          anonymous: operator
          allowed_hosts: ["127.0.0.1:%d"]          # the load balancer's address, which clients use
          api_keys: [{name: slow, context: operator, sha256: "%s"}]
          limits:
            default: {calls_per_second: 1000000, bytes_per_second: 1GiB}
            keys: {slow: {calls_per_second: 0.001, burst: 10000s}}
        cluster: {heartbeat: 300ms, follow: 200ms, shared_limits: true}
        """
            .formatted(jdbcUrl, lbPort, sha256(SLOW_KEY)));
    return file;
  }

  private Node start(Path config, int i) throws Exception {
    Node n =
        new Node(
            ServeProcess.start(
                new ProcessBuilder(
                        ROOT.resolve("agora").toString(),
                        "serve",
                        "--config",
                        config.toString(),
                        "--data-dir",
                        dir.resolve("data-" + i).toString())
                    .directory(ROOT.toFile())
                    .redirectOutput(dir.resolve("node-" + i + ".out").toFile())));
    nodes.add(n);
    return n;
  }

  private HttpResponse<String> call(Node n, String capability, String json) throws Exception {
    return call(n, capability, json, null);
  }

  /** Calls {@code capability} on {@code n} through REST, with API key {@code key} if not null. */
  private HttpResponse<String> call(Node n, String capability, String json, String key)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(n.api("/capabilities/" + capability + "/call")))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .timeout(java.time.Duration.ofSeconds(30));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return send(b);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A request that answers or refuses: its response. */
  @FunctionalInterface
  private interface Attempt {
    HttpResponse<String> send(int i) throws Exception;
  }

  /**
   * Sends {@code count} requests all at once (released together); the number admitted (200) and
   * refused (429). Anything else fails the test.
   */
  private static int[] burst(int count, Attempt attempt) throws Exception {
    AtomicInteger admitted = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    List<java.util.concurrent.Future<Integer>> sent = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < count; i++) {
        int n = i;
        sent.add(
            pool.submit(
                () -> {
                  go.await();
                  int status = attempt.send(n).statusCode();
                  (status == 200 ? admitted : refused).incrementAndGet();
                  return status;
                }));
      }
      go.countDown();
      for (java.util.concurrent.Future<Integer> f : sent) {
        assertThat(f.get()).isIn(200, 429);
      }
    }
    return new int[] {admitted.get(), refused.get()};
  }

  private int count(String sql) throws Exception {
    try (Connection c = pg.getPostgresDatabase().getConnection();
        ResultSet r = c.createStatement().executeQuery(sql)) {
      r.next();
      return r.getInt(1);
    }
  }

  @Test
  void threeNodesShareOneMarketplaceAndLoseNothingWhenOneIsKilled() throws Exception {
    pg = EmbeddedPostgres.builder().setServerConfig("max_connections", "300").start();
    int lbPort = freePort();
    Path config = config(pg.getJdbcUrl("postgres", "postgres"), lbPort);
    Node one = start(config, 1);
    Node two = start(config, 2);
    Node three = start(config, 3);
    Await.until(
        "three nodes on the node list",
        WAIT,
        () -> {
          try {
            return count("SELECT COUNT(*) FROM nodes") == 3;
          } catch (Exception e) {
            return false;
          }
        });

    for (Node n : List.of(one, two, three)) { // each answers once: what follows is not start-up
      assertThat(call(n, "it.echo", "0").statusCode()).isEqualTo(200);
    }

    // registered on node 1, served by node 3
    HttpResponse<String> added =
        http.send(
            HttpRequest.newBuilder(URI.create(one.api("/capabilities")))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"id\": \"it.late\", \"effects\": [\"pure\"], \"provider\": {\"type\":"
                            + " \"local\", \"implementation\": \"(fn [x] {:late x})\"}}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(added.statusCode()).as(added.body()).isBetween(200, 201);
    long registered = System.nanoTime();
    Await.until(
        "node 3 serves what node 1 registered",
        WAIT,
        () -> {
          try {
            return call(three, "it.late", "1").statusCode() == 200;
          } catch (Exception e) {
            return false;
          }
        });
    System.out.printf(
        "ClusterIT: registered on node 1, callable on node 3 after %d ms%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - registered));

    // a quota of 30 across the three nodes admits exactly 30 of 300 sent at once
    List<Node> all = List.of(one, two, three);
    int[] quota = burst(300, i -> call(all.get(i % 3), "it.quota", Integer.toString(i), null));
    assertThat(quota).as("admitted and refused across three nodes").containsExactly(30, 270);

    // a rate limit of ten calls for one key across the three nodes admits exactly ten of 300
    int[] rate = burst(300, i -> call(all.get(i % 3), "it.echo", "1", SLOW_KEY));
    assertThat(rate).as("one key's rate across three nodes").containsExactly(10, 290);

    // MCP: a 2026-07-28 request stands alone, any node answers it; a 2025-11-25 session is kept in
    // the database, so any node answers it too
    for (Node n : all) {
      HttpResponse<String> r = stateless(n, 7);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(r.body()).contains("\"text\":\"7\"");
    }
    String session = initialize(two);
    assertThat(session).isNotBlank();
    HttpResponse<String> elsewhere = send(mcp(one, "2025-11-25", "tools/list", "{}", session));
    assertThat(elsewhere.statusCode()).as(elsewhere.body()).isEqualTo(200);
    assertThat(elsewhere.body()).as("node 2's session answered by node 1").contains("it.echo");

    // the TypeScript SDK client, through HAProxy round robin: one session answered by every node
    loadBalancer(lbPort, all);
    tsClient =
        new ProcessBuilder(
                "node",
                ROOT.resolve("interop/ts-session.mjs").toString(),
                "http://127.0.0.1:" + lbPort + "/mcp",
                "it.echo",
                "6")
            .redirectError(dir.resolve("ts-client.err").toFile())
            .start();
    BufferedReader tsOut =
        new BufferedReader(
            new InputStreamReader(tsClient.getInputStream(), StandardCharsets.UTF_8));
    Dict before = line(tsOut);
    String tsSession = ((Value.Str) before.get("session")).value();
    assertThat(texts(before)).containsExactly("1000", "1001", "1002", "1003", "1004", "1005");
    assertThat(servedBy("POST /mcp"))
        .as("the session's requests went to every node (HAProxy's log)")
        .containsExactlyInAnyOrder("n1", "n2", "n3");

    // remote-rtfs from node 1 fans out over nodes 2 and 3
    Await.until("node 1 sees two peers", WAIT, () -> peersUp(one) == 2);
    for (int i = 0; i < 40; i++) {
      assertThat(call(one, "it.remote", "{\"n\": " + i + "}").statusCode()).isEqualTo(200);
    }
    assertThat(ranOn(one)).as("both peers ran calls").hasSize(2);

    // node 2 killed under load: acknowledged calls are all recorded, calls move to node 3
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    Set<String> ranAfterKill = ConcurrentHashMap.newKeySet();
    AtomicBoolean killed = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger failed = new AtomicInteger();
    AtomicInteger seq = new AtomicInteger();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int t = 0; t < 24; t++) {
        int worker = t;
        pool.submit(
            () -> {
              while (!stop.get()) {
                int n = seq.incrementAndGet();
                boolean remote = worker % 2 == 0;
                Node on = remote ? one : all.get(n % 3);
                boolean afterKill = killed.get();
                try {
                  HttpResponse<String> r =
                      call(on, remote ? "it.remote" : "it.echo", "{\"n\": " + n + "}");
                  if (r.statusCode() == 200) {
                    String action = text(field(Json.parse(r.body()), "receipt"), "action");
                    acknowledged.add(action);
                    if (remote && afterKill) {
                      ranAfterKill.add(action);
                    }
                  } else {
                    failed.incrementAndGet();
                  }
                } catch (IOException e) { // node 2 is gone: refused, never acknowledged
                  failed.incrementAndGet();
                }
              }
              return null;
            });
      }
      Await.until("load before the kill", WAIT, () -> acknowledged.size() >= 300);
      two.process().destroyForcibly(); // SIGKILL
      assertThat(two.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
      killed.set(true);
      Await.until("remote calls go on after the kill", WAIT, () -> ranAfterKill.size() >= 100);
      stop.set(true);
    }
    System.out.printf(
        "ClusterIT: %d calls acknowledged, %d failed (node 2 killed under load)%n",
        acknowledged.size(), failed.get());
    assertThat(missing(acknowledged)).as("acknowledged calls missing from the chain").isEmpty();
    Set<String> nodesAfter = new HashSet<>();
    for (String action : ranAfterKill) {
      nodesAfter.add(nodeOf(one, action));
    }
    assertThat(nodesAfter)
        .as("remote calls started after the kill ran on node 3 only")
        .containsExactly(nodeId(three));

    assertThat(stateless(three, 8).body()).contains("\"text\":\"8\"");
    HttpResponse<String> moved = send(mcp(three, "2025-11-25", "tools/list", "{}", session));
    assertThat(moved.statusCode())
        .as("node 2 was killed: its session goes on with node 3, the client never re-initialises")
        .isEqualTo(200);
    assertThat(moved.body()).contains("it.echo");
    tsClient.getOutputStream().write('\n'); // node 2 is gone: the client goes on, same session
    tsClient.getOutputStream().flush();
    Dict after = line(tsOut);
    assertThat(after.get("session")).as("never re-initialised").isEqualTo(Value.of(tsSession));
    assertThat(texts(after)).containsExactly("2000", "2001", "2002", "2003", "2004", "2005");
    assertThat(tsClient.waitFor(30, TimeUnit.SECONDS)).isTrue();
    System.out.printf(
        "ClusterIT: the TypeScript client's session through HAProxy outlived node 2 (its"
            + " transport reported: %s)%n",
        after.get("errors"));

    for (Node n : List.of(one, three)) { // stopped cleanly: each signs a checkpoint
      n.process().destroy();
      assertThat(n.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
    List<String> verify = new ArrayList<>();
    ProcessBuilder pb =
        new ProcessBuilder(
                ROOT.resolve("agora").toString(),
                "chain",
                "verify",
                "--config",
                config.toString(),
                "--data-dir",
                dir.resolve("data-1").toString())
            .directory(ROOT.toFile())
            .redirectErrorStream(true);
    Process v = pb.start();
    verify.add(new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    assertThat(v.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(v.exitValue()).as(verify.toString()).isZero();
    assertThat(verify.getFirst()).contains("ok");
  }

  /** A JSON-RPC request to {@code n}'s MCP endpoint. */
  private static HttpRequest.Builder mcp(
      Node n, String version, String method, String params, String session) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(n.url()))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .header("MCP-Protocol-Version", version)
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\""
                        + method
                        + "\",\"params\":"
                        + params
                        + "}"));
    if (session != null) {
      b.header("Mcp-Session-Id", session);
    }
    return b;
  }

  /** A stateless 2026-07-28 tools/call of it.echo with input {@code n}. */
  private HttpResponse<String> stateless(Node node, int n) throws Exception {
    return send(
        mcp(
                node,
                "2026-07-28",
                "tools/call",
                "{\"name\":\"it.echo\",\"arguments\":{\"input\":"
                    + n
                    + "},\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                    + "\"io.modelcontextprotocol/clientCapabilities\":{},"
                    + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}}",
                null)
            .header("Mcp-Method", "tools/call")
            .header("Mcp-Name", "it.echo"));
  }

  /** Opens a 2025-11-25 session on {@code n}; its id. */
  private String initialize(Node n) throws Exception {
    HttpResponse<String> r =
        send(
            mcp(
                n,
                "2025-11-25",
                "initialize",
                "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                    + "\"clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}",
                null));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.headers().firstValue("Mcp-Session-Id").orElse(null);
  }

  private static String sha256(String key) throws Exception {
    return java.util.HexFormat.of()
        .formatHex(
            java.security.MessageDigest.getInstance("SHA-256")
                .digest(key.getBytes(StandardCharsets.UTF_8)));
  }

  /** The peers node {@code n} sees up, from the node list (heartbeats within 900 ms). */
  private int peersUp(Node n) {
    try {
      return count(
              "SELECT COUNT(*) FROM nodes WHERE seen_at > (extract(epoch from now()) * 1000 - 900)")
          - 1;
    } catch (Exception e) {
      return -1;
    }
  }

  private Set<String> ranOn(Node n) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        n.api("/chain?capability=it.remote&type=CapabilityResult&limit=1000")))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Set<String> ran = new HashSet<>();
    Seq items = (Seq) field(Json.parse(r.body()), "items");
    for (int i = 0; i < items.size(); i++) {
      ran.add(text(field(items.get(i), "metadata"), "node"));
    }
    return ran;
  }

  private String nodeOf(Node n, String action) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(n.api("/chain/" + action))).build(),
            HttpResponse.BodyHandlers.ofString());
    return text(field(Json.parse(r.body()), "metadata"), "node");
  }

  private static Value field(Value v, String key) {
    return v instanceof Dict d && d.get(key) != null ? d.get(key) : Value.NIL;
  }

  private static String text(Value v, String key) {
    return field(v, key) instanceof Value.Str s ? s.value() : null;
  }

  private static String nodeId(Node n) {
    return "agora-" + hostName() + "-" + URI.create(n.url()).getPort();
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9_.-]", "-");
    } catch (IOException e) {
      return "localhost";
    }
  }

  private Set<String> missing(Set<String> actions) throws Exception {
    Set<String> missing = new HashSet<>(actions);
    try (Connection c = pg.getPostgresDatabase().getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT action_id FROM chain_entries WHERE action_id = ANY (?)")) {
      s.setArray(1, c.createArrayOf("text", actions.toArray()));
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          missing.remove(r.getString(1));
        }
      }
    }
    return missing;
  }
}
