package dev.agora.bench;

import dev.agora.bench.load.ClosedLoop;
import dev.agora.bench.load.Latencies;
import dev.agora.bench.load.Options;
import dev.agora.chain.event.EventSink;
import dev.agora.core.AgoraNode;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ConfigLoader;
import dev.agora.server.AgoraServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What sharing 2025-11-25 MCP sessions between nodes costs (issue 18, {@code
 * cluster.shared_sessions}): two pairs of servers in this JVM on one embedded PostgreSQL, a pair
 * per mode, each pair on a fresh database, spoken to over loopback HTTP by the JDK client; the two
 * modes take turns, round after round, after a warm-up of each. Sequentially, per session: the
 * {@code initialize} on node A, a {@code tools/call} of {@code ccos.echo} on A (the session held
 * there), then with sharing on the first call on node B (B takes the session up from the database)
 * and a second one on B (held). Then {@code clients} virtual threads in a closed loop open a
 * session on A and call on B (shared) or on A (not shared) for {@code seconds}: sessions opened and
 * used per second. Medians and p99 in µs.
 *
 * <pre>
 * ./build mvn -B -o -q package -pl bench -DskipTests -Djacoco.skip -Dspotless.check.skip
 * flock /tmp/jmh.lock java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *     dev.agora.bench.SessionHarness [sessions=1000] [warmup=1000] [warmupSeconds=5] \
 *     [clients=32] [seconds=5] [rounds=3] [syncCommit=on]
 * </pre>
 */
public final class SessionHarness {

  static final String INITIALIZE =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
          + "\"2025-11-25\",\"capabilities\":{\"sampling\":{}},\"clientInfo\":{\"name\":\"bench\","
          + "\"version\":\"1\"}}}";
  static final String INITIALIZED =
      "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
  static final String CALL =
      "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"ccos.echo\","
          + "\"arguments\":{\"input\":\"hello\"}}}";

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  public static void main(String[] args) throws Exception {
    Options o =
        Options.parse(
            args,
            Map.of(
                "sessions", "1000", // sequential sessions per round and mode
                "warmup", "1000", // sequential sessions per mode before the first round, and …
                "warmupSeconds", "5", // … a concurrent window per mode, neither measured
                "clients", "32",
                "seconds", "5", // the concurrent window per round and mode
                "rounds", "3", // the modes take turns, so that the machine's moods weigh on both
                "syncCommit", "on")); // PostgreSQL's synchronous_commit (its default; zonky's: off)
    int sessions = o.integer("sessions");
    int clients = o.integer("clients");
    Duration seconds = o.seconds("seconds");
    Path work = Files.createTempDirectory("agora-sessions");
    try (EmbeddedPostgres pg =
            EmbeddedPostgres.builder()
                .setServerConfig("max_connections", "100")
                .setServerConfig("synchronous_commit", o.string("syncCommit"))
                .start();
        Pair shared = Pair.start(pg, work, true);
        Pair local = Pair.start(pg, work, false)) {
      SessionHarness h = new SessionHarness();
      for (Pair p : List.of(shared, local)) {
        h.sequential(p, o.integer("warmup"));
        h.concurrent(p, clients, o.seconds("warmupSeconds"));
      }
      for (int r = 0; r < o.integer("rounds"); r++) {
        for (Pair p : List.of(shared, local)) {
          Latencies[] seq = h.sequential(p, sessions);
          Latencies con = h.concurrent(p, clients, seconds);
          for (int i = 0; i < seq.length; i++) {
            p.sequential[i] = p.sequential[i] == null ? seq[i] : p.sequential[i].plus(seq[i]);
          }
          p.concurrent = p.concurrent == null ? con : p.concurrent.plus(con);
        }
      }
      System.out.println("| what | p50 µs | p99 µs | per second |");
      System.out.println("|---|---|---|---|");
      for (Pair p : List.of(shared, local)) {
        String mode = ", shared_sessions: " + p.shared;
        System.out.println(row("initialize on A" + mode, p.sequential[0]));
        System.out.println(row("tools/call on A (held)" + mode, p.sequential[1]));
        if (p.shared) {
          System.out.println(row("first tools/call on B (taken up)" + mode, p.sequential[2]));
          System.out.println(row("second tools/call on B (held)" + mode, p.sequential[3]));
        }
        System.out.println(
            row(
                clients
                    + " clients: initialize on A, tools/call on "
                    + (p.shared ? "B (taken up)" : "A")
                    + mode,
                p.concurrent));
      }
    }
  }

  /** Two servers on one fresh database, sharing sessions or not; what was measured of them. */
  static final class Pair implements AutoCloseable {
    final boolean shared;
    final Node a;
    final Node b;
    final Latencies[] sequential = new Latencies[4];
    Latencies concurrent;

    private Pair(boolean shared, Node a, Node b) {
      this.shared = shared;
      this.a = a;
      this.b = b;
    }

    static Pair start(EmbeddedPostgres pg, Path work, boolean shared) throws Exception {
      String db = shared ? "shared" : "local";
      try (Connection c = pg.getPostgresDatabase().getConnection();
          Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE " + db);
      }
      Path dir = Files.createDirectories(work.resolve(db));
      Path file = dir.resolve("agora.yaml");
      Files.writeString(
          file,
          """
          storage: {type: postgres, url: "%s", user: postgres}
          contexts:
            operator: {level: full}
          default_context: operator
          server:
            port: 0
            anonymous: operator
            max_sessions: 1000000
            limits: {default: {calls_per_second: 1000000, bytes_per_second: 1GiB}}
          cluster: {heartbeat: 1h, follow: 1h, shared_sessions: %s}
          """
              .formatted(pg.getJdbcUrl("postgres", db), shared));
      AgoraConfig cfg = ConfigLoader.load(file);
      return new Pair(
          shared,
          Node.start(cfg.withDataDir(dir.resolve("a"))),
          Node.start(cfg.withDataDir(dir.resolve("b"))));
    }

    /** Where the concurrent run's sessions are called: B when shared, else A itself. */
    Node callee() {
      return shared ? b : a;
    }

    @Override
    public void close() {
      a.close();
      b.close();
    }
  }

  /** A node and its server. */
  record Node(AgoraNode node, AgoraServer server) implements AutoCloseable {
    static Node start(AgoraConfig cfg) {
      AgoraNode n = AgoraNode.open(cfg, EventSink.NONE, l -> {});
      n.marketplace().bootstrap();
      return new Node(n, AgoraServer.start(n, cfg, l -> {}));
    }

    @Override
    public void close() {
      server.close();
      node.close();
    }
  }

  /**
   * {@code count} sessions one after the other: initialize on A, a call on A, and when shared two
   * calls on B; the latencies of each step (the last two empty when not shared).
   */
  private Latencies[] sequential(Pair p, int count) throws Exception {
    long[] open = new long[count];
    long[] heldA = new long[count];
    long[] adopt = new long[p.shared ? count : 0];
    long[] heldB = new long[p.shared ? count : 0];
    for (int i = 0; i < count; i++) {
      long t0 = System.nanoTime();
      String session = initialize(p.a);
      open[i] = System.nanoTime() - t0;
      post(p.a, INITIALIZED, session, 202);
      heldA[i] = nanos(() -> post(p.a, CALL, session, 200));
      if (p.shared) {
        adopt[i] = nanos(() -> post(p.b, CALL, session, 200));
        heldB[i] = nanos(() -> post(p.b, CALL, session, 200));
      }
    }
    return new Latencies[] {
      new Latencies("", open, 0),
      new Latencies("", heldA, 0),
      new Latencies("", adopt, 0),
      new Latencies("", heldB, 0)
    };
  }

  /**
   * {@code clients} closed loops for {@code seconds}: initialize on A, the initialized
   * notification, a call on {@link Pair#callee()}; the latency of each whole loop.
   */
  private Latencies concurrent(Pair p, int clients, Duration seconds) throws Exception {
    Latencies l =
        ClosedLoop.run(
            "",
            clients,
            Duration.ZERO,
            seconds,
            worker -> {
              String session = initialize(p.a);
              post(p.a, INITIALIZED, session, 202);
              post(p.callee(), CALL, session, 200);
            });
    if (l.failed() > 0) {
      throw new IllegalStateException(l.failed() + " sessions failed: " + l.firstFailure());
    }
    return l;
  }

  /** One step of a session's requests. */
  private interface Step {
    void run() throws Exception;
  }

  /** How long {@code step} took, in nanoseconds. */
  private static long nanos(Step step) throws Exception {
    long t0 = System.nanoTime();
    step.run();
    return System.nanoTime() - t0;
  }

  /** A table row: p50, p99, and for a closed-loop window (not one after the other) per second. */
  private static String row(String what, Latencies l) {
    String rate = l.seconds() > 0 ? String.format(Locale.ROOT, "%.0f", l.perSecond()) : "—";
    return String.format(Locale.ROOT, "| %s | %.0f | %.0f | %s |", what, l.p50(), l.p99(), rate);
  }

  private String initialize(Node n) throws Exception {
    HttpResponse<String> r = send(n, INITIALIZE, null);
    if (r.statusCode() != 200) {
      throw new IllegalStateException("initialize: " + r.statusCode() + " " + r.body());
    }
    return r.headers().firstValue("Mcp-Session-Id").orElseThrow();
  }

  private void post(Node n, String body, String session, int expected) throws Exception {
    HttpResponse<String> r = send(n, body, session);
    if (r.statusCode() != expected || (expected == 200 && !r.body().contains("\"result\""))) {
      throw new IllegalStateException(r.statusCode() + " " + r.body());
    }
  }

  private HttpResponse<String> send(Node n, String body, String session) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(n.server().url()))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (session != null) {
      b.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-11-25");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
