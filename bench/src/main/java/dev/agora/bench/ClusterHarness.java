package dev.agora.bench;

import dev.agora.bench.load.ClosedLoop;
import dev.agora.bench.load.Latencies;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Issue 18's figures: 1, 2 and 3 {@code agora serve} processes on one PostgreSQL (zonky's embedded
 * server, a fresh database), every node of a cluster started from one agora.yaml. For each N,
 * {@code clients} virtual threads in a closed loop call {@code bench.echo} (local RTFS) through the
 * REST API round-robin over the nodes — with {@code server.limits} shared in the database (the
 * default on PostgreSQL) and kept in each node's memory ({@code cluster.shared_limits: false}).
 * Then, on {@code remoteAt} nodes, capabilities called through node 1 alone: local RTFS beside the
 * same implementation run on a peer ({@code remote-rtfs}), with a small result and with a list of
 * 1,000 maps in each transfer format. Each run reports calls/s, p50/p99, errors, the chain's growth
 * and the CPU time of each node process, this harness and PostgreSQL in the measured window ({@link
 * ProcCpu}). Results: stdout and {@code bench/target/cluster-results.md} ({@link ClusterReport}).
 *
 * <pre>
 * ./build mvn -B -o -q package -pl cli -DskipTests -Djacoco.skip -Dspotless.check.skip
 * ./build mvn -B -o -q package -pl bench -DskipTests -Djacoco.skip -Dspotless.check.skip
 * flock /tmp/jmh.lock java -cp bench/target/benchmarks.jar dev.agora.bench.ClusterHarness [name=value…]
 * </pre>
 *
 * Run from the repository root. The CLI jar is copied first, so that a rebuild meanwhile does not
 * change the nodes' code under them.
 */
public final class ClusterHarness {

  static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

  static {
    DEFAULTS.put("nodes", "1,2,3"); // the cluster sizes, each started afresh
    DEFAULTS.put("limits", "shared,local"); // server.limits in the database / in each node
    DEFAULTS.put("clients", "64"); // closed-loop clients of the scaling runs
    DEFAULTS.put("warmup", "5"); // seconds, not measured, before each window
    DEFAULTS.put("startWarmup", "10"); // seconds more before the first window of fresh nodes
    DEFAULTS.put("measure", "15"); // seconds measured
    DEFAULTS.put("maxOther", "0.1"); // cores others may use in a window; above: measured again
    DEFAULTS.put("attempts", "3"); // … at most this often (the least disturbed attempt is kept)
    DEFAULTS.put("remoteAt", "2"); // the cluster size of the remote-vs-local runs; 0: none
    DEFAULTS.put("remoteLimits", "local"); // … with these limits
    DEFAULTS.put("remoteClients", "1,64");
    DEFAULTS.put("receipts", ""); // receipts.mode; empty: not written (the default, batched)
    DEFAULTS.put("syncCommit", "on"); // PostgreSQL synchronous_commit (zonky's own default: off)
    DEFAULTS.put("pool", ""); // storage.pool_size; empty: the default (8)
    DEFAULTS.put("httpClients", "4"); // java.net.http clients the load is spread over
    DEFAULTS.put("executor", "direct"); // theirs: direct (Runnable::run) or default (a pool)
    DEFAULTS.put("jvm", "--enable-native-access=ALL-UNNAMED"); // the nodes' JVM options
    DEFAULTS.put("jar", "cli/target/agora.jar");
    DEFAULTS.put("out", "bench/target/cluster-results.md");
  }

  static final String DOUBLE = "(fn [x] {:n (* 2 (:n x))})";
  static final String LIST =
      "(fn [x] (vec (map (fn [i] {:id i :name \"item\" :ok true}) (range 1000))))";

  /** The calls made: a capability, what provides it, its input, a piece its result must hold. */
  record Work(String capability, String provider, String input, String expect) {}

  static final Work ECHO = new Work("bench.echo", "local", "{\"n\":1,\"s\":\"hello\"}", "hello");

  static final List<Work> REMOTE_VS_LOCAL =
      List.of(
          new Work("bench.double", "local", "{\"n\":21}", "42"),
          new Work("bench.remote-double", "remote-rtfs", "{\"n\":21}", "42"),
          new Work("bench.list", "local, 1,000 maps", "{}", "999"),
          new Work("bench.remote-list", "remote-rtfs, default transfer", "{}", "999"),
          new Work("bench.remote-list-rtfs", "remote-rtfs, transfer: rtfs", "{}", "999"),
          new Work("bench.remote-list-json", "remote-rtfs, transfer: json", "{}", "999"));

  /** One measured run: its latencies, and what the chain and the processes did in the window. */
  record Run(
      String what,
      String limits,
      int nodes,
      int clients,
      Latencies lat,
      long appended,
      double seconds,
      double[] nodeCpu,
      double harnessCpu,
      double pgCpu,
      double machineCpu,
      long commits,
      int attempt) {

    double calls() {
      return lat.perSecond() * seconds;
    }

    double nodeCpuTotal() {
      return Arrays.stream(nodeCpu).sum();
    }

    /** CPU seconds the machine used besides the measured processes: others, and the kernel's. */
    double otherCpu() {
      return machineCpu - nodeCpuTotal() - harnessCpu - pgCpu;
    }
  }

  /** The chain's size and the CPU seconds used so far, read at one moment. */
  record Snapshot(
      long nanos,
      long size,
      long commits,
      double[] nodeCpu,
      double harness,
      double pg,
      double machine) {}

  final Map<String, String> o;
  final Path work;
  final Path jar;
  final Connection db;
  final long postmaster;
  final HttpClient[] http;
  final List<String> notes = new ArrayList<>();

  private ClusterHarness(
      Map<String, String> o, Path work, Path jar, Connection db, long postmaster) {
    this.o = o;
    this.work = work;
    this.jar = jar;
    this.db = db;
    this.postmaster = postmaster;
    this.http = new HttpClient[Integer.parseInt(o.get("httpClients"))];
    for (int i = 0; i < http.length; i++) {
      HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
      if (o.get("executor").equals("direct")) { // completes on its selector thread: less hand-off
        b.executor(Runnable::run);
      }
      http[i] = b.build();
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> o = new LinkedHashMap<>(DEFAULTS);
    for (String a : args) {
      int eq = a.indexOf('=');
      if (eq < 1 || !o.containsKey(a.substring(0, eq))) {
        throw new IllegalArgumentException("unknown argument " + a + "; known: " + DEFAULTS);
      }
      o.put(a.substring(0, eq), a.substring(eq + 1));
    }
    Path work = Files.createTempDirectory("agora-cluster");
    Path jar =
        Files.copy(
            Path.of(o.get("jar")).toAbsolutePath(),
            work.resolve("agora.jar"),
            StandardCopyOption.COPY_ATTRIBUTES);
    Path pgData = work.resolve("pg");
    List<Run> runs = new ArrayList<>();
    ClusterReport report;
    try (EmbeddedPostgres pg =
        EmbeddedPostgres.builder()
            .setDataDirectory(pgData)
            .setCleanDataDirectory(true)
            .setServerConfig("max_connections", "300")
            .setServerConfig("synchronous_commit", o.get("syncCommit"))
            .start()) {
      try (Connection c = pg.getPostgresDatabase().getConnection();
          Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE agora");
      }
      long postmaster =
          Long.parseLong(Files.readAllLines(pgData.resolve("postmaster.pid")).getFirst().strip());
      String url = pg.getJdbcUrl("postgres", "agora");
      try (Connection db = pg.getDatabase("postgres", "agora").getConnection()) {
        ClusterHarness h = new ClusterHarness(o, work, jar, db, postmaster);
        report = new ClusterReport(o, args, h.text("SELECT version()"), describe(jar), h.notes);
        for (String limits : o.get("limits").split(",")) {
          Path config = work.resolve("agora-" + limits + ".yaml");
          Files.writeString(config, yaml(o, url, limits.equals("shared")));
          report.config(limits, Files.readString(config));
          for (String n : o.get("nodes").split(",")) {
            runs.addAll(h.cluster(Integer.parseInt(n.strip()), limits, config));
          }
        }
      }
    }
    String text = report.markdown(runs);
    System.out.println(text);
    Path out = Path.of(o.get("out"));
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, text);
    System.out.println(
        "written to " + out.toAbsolutePath() + "; the nodes' logs are under " + work);
  }

  /** When the nodes' jar was built, and the remote-rtfs transfer formats it knows. */
  static String describe(Path jar) throws IOException {
    String built = Files.getLastModifiedTime(jar).toInstant().toString().substring(0, 19) + "Z";
    try (URLClassLoader l = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      Object[] formats =
          Class.forName("dev.agora.core.cluster.RemoteRtfs$Transfer", false, l).getEnumConstants();
      return "built " + built + ", remote-rtfs transfers " + Arrays.toString(formats);
    } catch (ClassNotFoundException e) {
      return "built " + built + ", no remote-rtfs";
    }
  }

  /** The agora.yaml every node of a cluster reads. */
  static String yaml(Map<String, String> o, String jdbcUrl, boolean sharedLimits) {
    String pool = o.get("pool").isEmpty() ? "" : ", pool_size: " + o.get("pool");
    String receipts = o.get("receipts");
    return """
    storage: {type: postgres, url: "%1$s", user: postgres%2$s}
    contexts:
      operator: {level: full}
    default_context: operator
    sources:
      - name: bench
        type: static
        capabilities:
          - {id: bench.echo, effects: [pure], provider: {type: local, implementation: "(fn [x] x)"}}
          - {id: bench.double, effects: [pure], provider: {type: local, implementation: "%3$s"}}
          - {id: bench.remote-double, effects: [pure], provider: {type: remote-rtfs, nodes: cluster, implementation: "%3$s"}}
          - {id: bench.list, effects: [pure], provider: {type: local, implementation: '%4$s'}}
          - {id: bench.remote-list, effects: [pure], provider: {type: remote-rtfs, nodes: cluster, implementation: '%4$s'}}
          - {id: bench.remote-list-rtfs, effects: [pure], provider: {type: remote-rtfs, nodes: cluster, transfer: rtfs, implementation: '%4$s'}}
          - {id: bench.remote-list-json, effects: [pure], provider: {type: remote-rtfs, nodes: cluster, transfer: json, implementation: '%4$s'}}
    server:
      anonymous: operator
      limits: {default: {calls_per_second: 1000000000, bytes_per_second: 8796093022207, burst: 1s}}
    cluster: {heartbeat: 1s%5$s}
    """
            .formatted(jdbcUrl, pool, DOUBLE, LIST, sharedLimits ? "" : ", shared_limits: false")
        + (receipts.isEmpty() ? "" : "receipts: {mode: " + receipts + "}\n");
  }

  /** Starts {@code n} nodes on {@code config}, measures them, stops them. */
  private List<Run> cluster(int n, String limits, Path config) throws Exception {
    List<ClusterNode> nodes = new ArrayList<>();
    List<Run> runs = new ArrayList<>();
    List<String> jvm = Arrays.stream(o.get("jvm").split(" ")).filter(s -> !s.isBlank()).toList();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    try {
      for (int i = 1; i <= n; i++) {
        Path dir = work.resolve(limits + "-" + n + "/node" + i);
        nodes.add(ClusterNode.start(java, jvm, jar, config, dir));
      }
      for (ClusterNode node : nodes) {
        node.awaitHealthy(http[0], Duration.ofSeconds(120));
      }
      awaitUp(n);
      System.out.println(agoraNodes(java, config).strip());
      int clients = Integer.parseInt(o.get("clients"));
      Duration first = seconds("warmup").plus(seconds("startWarmup")); // the nodes' JIT is cold
      runs.add(measure("round robin", limits, nodes, nodes, ECHO, clients, first));
      if (n == Integer.parseInt(o.get("remoteAt")) && limits.equals(o.get("remoteLimits"))) {
        for (String c : o.get("remoteClients").split(",")) {
          for (Work w : REMOTE_VS_LOCAL) {
            runs.add(
                measure(
                    "node 1",
                    limits,
                    nodes.subList(0, 1),
                    nodes,
                    w,
                    Integer.parseInt(c),
                    seconds("warmup")));
          }
        }
      }
    } finally {
      for (ClusterNode node : nodes) {
        int exit = node.stop();
        if (exit != 0 && exit != 143) { // 143: the JVM's exit on SIGTERM
          notes.add("a node (" + limits + ", N=" + n + ") exited " + exit + ": " + node.tail());
        }
      }
    }
    return runs;
  }

  private Duration seconds(String option) {
    return Duration.ofMillis((long) (Double.parseDouble(o.get(option)) * 1000));
  }

  /** Waits until the node list shows exactly {@code n} nodes up (seen within 3 heartbeats). */
  private void awaitUp(int n) throws Exception {
    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < until) {
      try (PreparedStatement s =
          db.prepareStatement(
              "SELECT count(*) FROM nodes WHERE seen_at > ? AND node_key IS NOT NULL")) {
        s.setLong(1, System.currentTimeMillis() - 3_000);
        try (ResultSet r = s.executeQuery()) {
          r.next();
          if (r.getInt(1) == n) {
            Thread.sleep(2_500); // each node's next heartbeats read the list with all of them up
            return;
          }
        }
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the node list never showed " + n + " nodes up");
  }

  /** What {@code agora nodes} says (from the same config, as an operator would check). */
  private String agoraNodes(Path java, Path config) throws IOException, InterruptedException {
    String cli = work.resolve("cli").toString();
    Process p =
        new ProcessBuilder(
                java.toString(),
                "-jar",
                jar.toString(),
                "nodes",
                "--config",
                config.toString(),
                "--data-dir",
                cli)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }

  /** A closed loop of {@code clients} calling {@code w} on {@code targets} in turn. */
  private Run measure(
      String how,
      String limits,
      List<ClusterNode> targets,
      List<ClusterNode> all,
      Work w,
      int clients,
      Duration warmup)
      throws Exception {
    HttpRequest[] requests =
        targets.stream()
            .map(
                t ->
                    HttpRequest.newBuilder(
                            t.uri("/api/v1/capabilities/" + w.capability() + "/call"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(w.input()))
                        .build())
            .toArray(HttpRequest[]::new);
    for (HttpRequest r : requests) { // each target answers as expected before it is loaded
      String body = new String(send(http[0], r), StandardCharsets.UTF_8);
      if (!body.contains(w.expect())) {
        throw new IllegalStateException(
            w.capability() + " answered " + body.substring(0, Math.min(300, body.length())));
      }
    }
    String label = w.capability() + " (" + w.provider() + "), " + how;
    Run best = null;
    for (int attempt = 1; attempt <= Integer.parseInt(o.get("attempts")); attempt++) {
      awaitQuiet();
      Run run = once(label, limits, requests, all, clients, warmup, attempt);
      System.out.println(ClusterReport.row(run));
      if (best == null || run.otherCpu() < best.otherCpu()) {
        best = run;
      }
      if (run.otherCpu() <= Double.parseDouble(o.get("maxOther")) * run.seconds()) {
        break;
      }
      System.out.println("  (disturbed: other processes used the CPU; measured again)");
    }
    return best;
  }

  /** One closed-loop run of {@code requests} (each client takes the targets in turn). */
  private Run once(
      String label,
      String limits,
      HttpRequest[] requests,
      List<ClusterNode> all,
      int clients,
      Duration warmup,
      int attempt)
      throws InterruptedException {
    int[] turns = new int[clients]; // each client's own count: the next node is its next turn
    ClosedLoop.Call call =
        c -> send(http[c % http.length], requests[(c + turns[c]++) % requests.length]);
    Duration window = seconds("measure");
    Snapshot[] s = new Snapshot[2];
    long t0 = System.nanoTime(); // ClosedLoop starts measuring at t0 + warmup, too
    Thread sampler =
        Thread.ofPlatform()
            .daemon()
            .start(
                () -> {
                  s[0] = snapshotAt(t0 + warmup.toNanos(), all);
                  s[1] = snapshotAt(t0 + warmup.toNanos() + window.toNanos(), all);
                });
    Latencies lat = ClosedLoop.run(label, clients, warmup, window, call);
    sampler.join();
    double[] nodeCpu = new double[all.size()];
    Arrays.setAll(nodeCpu, i -> s[1].nodeCpu()[i] - s[0].nodeCpu()[i]);
    return new Run(
        label,
        limits,
        all.size(),
        clients,
        lat,
        s[1].size() - s[0].size(),
        (s[1].nanos() - s[0].nanos()) / 1e9,
        nodeCpu,
        s[1].harness() - s[0].harness(),
        s[1].pg() - s[0].pg(),
        s[1].machine() - s[0].machine(),
        s[1].commits() - s[0].commits(),
        attempt);
  }

  /**
   * Waits (at most ten minutes) until the machine has been quiet for five seconds: under 0.15 of a
   * core busy — the idle nodes' heartbeats are far below — so that a run does not start in the
   * middle of someone else's build.
   */
  private void awaitQuiet() throws InterruptedException {
    long until = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    int quietSeconds = 0;
    double before = ProcCpu.machine();
    while (quietSeconds < 5 && System.nanoTime() < until) {
      Thread.sleep(1_000);
      double now = ProcCpu.machine();
      quietSeconds = now - before < 0.15 ? quietSeconds + 1 : 0;
      before = now;
    }
    if (quietSeconds < 5) {
      notes.add("the machine was not quiet for ten minutes before a run; it ran anyway");
    }
  }

  private static byte[] send(HttpClient client, HttpRequest r) throws Exception {
    HttpResponse<byte[]> response = client.send(r, HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      byte[] b = response.body();
      throw new IOException(
          response.statusCode()
              + " "
              + new String(b, 0, Math.min(b.length, 200), StandardCharsets.UTF_8));
    }
    return response.body();
  }

  private Snapshot snapshotAt(long nanos, List<ClusterNode> nodes) {
    try {
      Thread.sleep(Duration.ofNanos(Math.max(0, nanos - System.nanoTime())));
      long size = Long.parseLong(text("SELECT size FROM chain_head WHERE id = 1"));
      long commits = // every node's transactions: chain appends, heartbeats, shared limits
          Long.parseLong(
              text("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"));
      return new Snapshot(
          System.nanoTime(),
          size,
          commits,
          nodes.stream().mapToDouble(n -> ProcCpu.of(n.pid())).toArray(),
          ProcCpu.of(ProcessHandle.current().pid()),
          ProcCpu.tree(postmaster),
          ProcCpu.machine());
    } catch (InterruptedException | SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private String text(String sql) throws SQLException {
    try (Statement st = db.createStatement();
        ResultSet r = st.executeQuery(sql)) {
      r.next();
      return r.getString(1);
    }
  }
}
