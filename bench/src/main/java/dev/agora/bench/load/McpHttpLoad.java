package dev.agora.bench.load;

import dev.agora.provider.mcp.JavaMcpServer;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Issue 13's HTTP figures: the Java SDK client calling a fast in-process Java upstream (an SDK MCP
 * server on loopback, {@link JavaMcpServer}) directly — the baseline — and through Agora's {@code
 * /mcp} with an API key, policy, input validation and recording, the chain in memory or durable on
 * SQLite; and the same client calling Agora's built-in Java capability {@code ccos.echo} (no second
 * MCP hop). Each target has {@code sessions} client sessions shared by {@code inFlight} virtual
 * threads in a closed loop; the targets take turns in every round so a busy machine weighs on all
 * of them alike. Then the thread hand-offs per call, one call at a time, counted by {@link
 * Handoffs}.
 *
 * <pre>
 * ./build mvn -B -q -DskipTests -pl bench -am package
 * java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar dev.agora.bench.load.McpHttpLoad inFlight=64,1 rounds=3
 * </pre>
 */
public final class McpHttpLoad {

  record Target(String name, String url, String key, McpSchema.CallToolRequest request) {}

  public static void main(String[] args) throws Exception {
    run(args);
    System.exit(0); // the SDK's and Agora's leftover non-daemon threads would keep the JVM alive
  }

  private static void run(String[] args) throws Exception {
    Options o =
        Options.parse(
            args,
            Map.of(
                "inFlight", "64,1",
                "sessions", "64",
                "warmup", "20",
                "window", "5",
                "rounds", "3",
                "handoffs", "2000",
                "only", ".*"));
    List<AutoCloseable> open = new ArrayList<>();
    JavaMcpServer upstream = new JavaMcpServer();
    open.add(upstream);
    try {
      Path dir = Files.createTempDirectory("agora-mcp-load");
      String memory =
          Gateway.start(dir.resolve("memory"), upstream.url(), "storage: {type: memory}", open);
      String sqlite =
          Gateway.start(
              dir.resolve("sqlite"),
              upstream.url(),
              "storage: {type: sqlite}\nchain: {durability: durable}",
              open);
      List<Target> targets =
          new ArrayList<>(
              List.of(
                  new Target("direct to the upstream", upstream.url(), null, Gateway.UPSTREAM_ECHO),
                  new Target(
                      "Agora, chain in memory → upstream",
                      memory,
                      Gateway.KEY,
                      Gateway.GATEWAY_ECHO),
                  new Target(
                      "Agora, durable SQLite → upstream",
                      sqlite,
                      Gateway.KEY,
                      Gateway.GATEWAY_ECHO),
                  new Target(
                      "Agora, chain in memory, local ccos.echo",
                      memory,
                      Gateway.KEY,
                      Gateway.LOCAL_ECHO),
                  new Target(
                      "Agora, durable SQLite, local ccos.echo",
                      sqlite,
                      Gateway.KEY,
                      Gateway.LOCAL_ECHO)));
      targets.removeIf(
          t -> !t.name().equals(targets.getFirst().name()) && !t.name().matches(o.string("only")));
      Map<Target, List<McpSyncClient>> clients = new LinkedHashMap<>();
      for (Target t : targets) {
        List<McpSyncClient> cs = new ArrayList<>();
        for (int i = 0; i < o.integer("sessions"); i++) {
          cs.add(Gateway.client(t.url(), t.key()));
        }
        clients.put(t, cs);
        open.addFirst(() -> cs.forEach(McpSyncClient::closeGracefully));
      }
      for (int inFlight : o.integers("inFlight")) {
        measure(o, targets, clients, inFlight);
      }
      System.out.println("\nThread hand-offs, one call at a time:");
      for (Target t : targets) {
        McpSyncClient c = clients.get(t).getFirst();
        ClosedLoop.Call call = w -> Gateway.check(c.callTool(t.request()));
        for (int i = 0; i < o.integer("handoffs"); i++) {
          call.call(0);
        }
        System.out.print(Handoffs.record(o.integer("handoffs"), call).describe(t.name()));
      }
    } finally {
      for (AutoCloseable c : open) {
        c.close();
      }
    }
  }

  private static void measure(
      Options o, List<Target> targets, Map<Target, List<McpSyncClient>> clients, int inFlight)
      throws InterruptedException {
    Map<Target, Latencies> results = new LinkedHashMap<>();
    Duration none = Duration.ZERO;
    for (Target t : targets) { // warm up every path at this concurrency first; not measured
      ClosedLoop.run(t.name(), inFlight, none, o.seconds("warmup"), caller(t, clients.get(t)));
    }
    for (int round = 0; round < o.integer("rounds"); round++) {
      for (Target t : targets) {
        Latencies l =
            ClosedLoop.run(
                t.name(),
                inFlight,
                Duration.ofSeconds(1),
                o.seconds("window"),
                caller(t, clients.get(t)));
        results.merge(t, l, Latencies::plus);
      }
    }
    List<Latencies> all = new ArrayList<>(results.values());
    System.out.print(
        Table.of(
            "HTTP, "
                + inFlight
                + " in flight, "
                + clients.get(targets.getFirst()).size()
                + " sessions per target",
            all.getFirst(),
            all.subList(1, all.size())));
  }

  private static ClosedLoop.Call caller(Target t, List<McpSyncClient> sessions) {
    return worker -> Gateway.check(sessions.get(worker % sessions.size()).callTool(t.request()));
  }
}
