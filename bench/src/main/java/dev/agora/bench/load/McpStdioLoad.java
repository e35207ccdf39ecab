package dev.agora.bench.load;

import dev.agora.bench.ProcCpu;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Issue 13's stdio figures: a raw JSON-RPC client (ours, {@link StdioPeer}: pipelined lines, no
 * SDK) calling server-everything's {@code echo} directly — the baseline — and through {@code agora
 * mcp} started as a user starts it ({@code ./agora mcp --config …}) with the chain in memory, async
 * on SQLite and durable on SQLite. The targets take turns in every round. Then the thread hand-offs
 * per call in each Agora process, one call at a time, recorded with JFR through {@code jcmd} (only
 * Agora runs in that JVM, so every park in it is Agora's). Beside each table, the CPU time per call
 * of the client (this JVM), the target process and its children, and the whole machine, read from
 * {@code /proc} around the measured windows.
 *
 * <pre>
 * ./build jar &amp;&amp; ./build mvn -B -q -DskipTests -pl bench -am package
 * java -cp bench/target/benchmarks.jar dev.agora.bench.load.McpStdioLoad inFlight=32,1 rounds=3
 * </pre>
 *
 * {@code profile=NAME-REGEX} records a JFR CPU profile ({@code settings=profile}) of the matching
 * Agora processes during their measured windows at the first concurrency, to {@code /tmp}.
 */
public final class McpStdioLoad {

  record Target(String name, List<String> command, String tool, String storage) {}

  public static void main(String[] args) throws Exception {
    run(args);
    System.exit(0); // the SDK's and Agora's leftover non-daemon threads would keep the JVM alive
  }

  private static void run(String[] args) throws Exception {
    Options o =
        Options.parse(
            args,
            Map.of(
                "inFlight", "32,1",
                "warmup", "20",
                "window", "5",
                "rounds", "3",
                "handoffs", "2000",
                "root", ".",
                "only", ".*",
                "profile", "^$"));
    Path root = Path.of(o.string("root")).toAbsolutePath().normalize();
    Path everything = root.resolve("interop/node_modules/.bin/mcp-server-everything");
    if (!Files.isExecutable(everything)) {
      throw new IllegalArgumentException(everything + " is missing: (cd interop && npm ci)");
    }
    List<String> agora = List.of(root.resolve("agora").toString(), "mcp", "--config", "agora.yaml");
    List<Target> targets =
        new ArrayList<>(
            List.of(
                new Target(
                    "direct to server-everything", List.of(everything.toString()), "echo", null),
                new Target(
                    "agora mcp, chain in memory",
                    agora,
                    "mcp.everything.echo",
                    "storage: {type: memory}"),
                new Target(
                    "agora mcp, async SQLite",
                    agora,
                    "mcp.everything.echo",
                    "storage: {type: sqlite}\nchain: {durability: async}"),
                new Target(
                    "agora mcp, durable SQLite",
                    agora,
                    "mcp.everything.echo",
                    "storage: {type: sqlite}\nchain: {durability: durable}")));
    targets.removeIf(t -> t != targets.getFirst() && !t.name().matches(o.string("only")));
    Path dir = Files.createTempDirectory("agora-stdio-load");
    Target baseline = targets.getFirst();
    try (StdioPeer direct = peer(baseline, dir, everything)) {
      // One Agora process at a time, measured as soon as it is up, beside the baseline: on main at
      // 2d4035c an idle 'agora mcp' (~45 s without a call) no longer reaches its MCP child.
      for (Target t : targets.subList(1, targets.size())) {
        try (StdioPeer p = peer(t, dir, everything)) {
          Map<Target, StdioPeer> peers = new LinkedHashMap<>();
          peers.put(baseline, direct);
          peers.put(t, p);
          boolean first = true;
          Set<Target> dead = new HashSet<>();
          for (int inFlight : o.integers("inFlight")) {
            dead.addAll(measure(o, peers, inFlight, first ? o.string("profile") : "^$", dead));
            first = false;
          }
          if (!dead.contains(t)) {
            p.serial(o.integer("handoffs"));
            Path jfc = Files.writeString(dir.resolve("handoffs.jfc"), handoffSettings());
            Path file = dir.resolve("handoffs-" + p.pid() + ".jfr");
            jcmd(p.pid(), "JFR.start", "name=handoffs", "settings=" + jfc);
            p.serial(o.integer("handoffs"));
            jcmd(p.pid(), "JFR.stop", "name=handoffs", "filename=" + file);
            System.out.print(
                "\nThread hand-offs in the Agora process, one call at a time: "
                    + Handoffs.Counts.of(file, o.integer("handoffs")).describe(t.name()));
          }
        }
      }
    }
  }

  private static StdioPeer peer(Target t, Path dir, Path everything) throws IOException {
    Path d = Files.createTempDirectory(dir, "t");
    if (t.storage() != null) {
      Files.writeString(
          d.resolve("agora.yaml"),
          """
          sources: [{name: everything, type: mcp, command: "%s", timeout: 20s}]
          contexts: {operator: {level: full}}
          default_context: operator
          data_dir: data
          %s
          """
              .formatted(everything, t.storage()));
    }
    return new StdioPeer(t.name(), t.command(), d, Map.of(), t.tool(), "hello");
  }

  /** Measures at one concurrency and returns the targets that stalled or failed. */
  private static Set<Target> measure(
      Options o, Map<Target, StdioPeer> all, int inFlight, String profile, Set<Target> dead)
      throws Exception {
    Map<Target, StdioPeer> peers = new LinkedHashMap<>(all);
    peers.keySet().removeAll(dead);
    Map<Target, Latencies> results = new LinkedHashMap<>();
    for (var e : peers.entrySet()) { // warm up every path at this concurrency; not measured
      attempt(
          e.getKey(), () -> e.getValue().load(inFlight, 0, o.seconds("warmup").toNanos()), results);
    }
    for (var e : peers.entrySet()) {
      if (e.getKey().storage() != null && e.getKey().name().matches(profile)) {
        jcmd(e.getValue().pid(), "JFR.start", "name=profile", "settings=profile");
      }
    }
    Map<Target, double[]> cpu = new LinkedHashMap<>();
    for (int round = 0; round < o.integer("rounds"); round++) {
      for (var e : peers.entrySet()) {
        double[] before = cpu(e.getValue().pid());
        Latencies l =
            attempt(
                e.getKey(),
                () -> e.getValue().load(inFlight, 1_000_000_000L, o.seconds("window").toNanos()),
                results);
        if (l != null) {
          results.merge(e.getKey(), l, Latencies::plus);
          double[] after = cpu(e.getValue().pid());
          double[] sum = cpu.computeIfAbsent(e.getKey(), k -> new double[before.length]);
          for (int i = 0; i < sum.length; i++) {
            sum[i] += after[i] - before[i];
          }
        }
      }
    }
    for (var e : peers.entrySet()) {
      if (e.getKey().storage() != null && e.getKey().name().matches(profile)) {
        Path file = Path.of("/tmp/h13-bench-stdio-" + e.getValue().pid() + ".jfr");
        jcmd(e.getValue().pid(), "JFR.stop", "name=profile", "filename=" + file);
        System.out.println("profile of " + e.getKey().name() + ": " + file);
      }
    }
    List<Latencies> rows = new ArrayList<>();
    for (Target t : peers.keySet()) { // in the targets' order: the baseline first
      rows.add(results.get(t));
    }
    System.out.print(
        Table.of(
            "stdio, " + inFlight + " in flight (raw JSON-RPC client, pipelined)",
            rows.getFirst(),
            rows.subList(1, rows.size())));
    System.out.println("\nCPU per call (/proc), in µs:");
    double window = o.seconds("window").toNanos() / 1e9;
    cpu.keySet().removeIf(t -> results.get(t).failed() > 0); // its calls were not counted
    cpu.forEach(
        (t, c) -> {
          // the CPU readings also span each window's unmeasured first second, at the same load:
          // the calls counted are scaled to that span
          double calls = Math.max(1, results.get(t).nanos().length * (window + 1) / window);
          System.out.printf(
              "    %-32s client (this JVM) %5.1f, %s %5.1f, %s %5.1f; whole machine %5.1f%n",
              t.name(),
              c[0] / calls * 1e6,
              t.storage() == null ? "server-everything" : "Agora",
              c[1] / calls * 1e6,
              t.storage() == null ? "(none)" : "server-everything",
              c[2] / calls * 1e6,
              c[3] / calls * 1e6);
        });
    Set<Target> failed = new HashSet<>();
    results.forEach(
        (t, l) -> {
          if (l.failed() > 0) {
            failed.add(t);
          }
        });
    return failed;
  }

  /**
   * CPU seconds used so far by this JVM (the client), by the target's process, by that process's
   * children, and by the whole machine.
   */
  private static double[] cpu(long pid) {
    return new double[] {
      ProcCpu.of(ProcessHandle.current().pid()),
      ProcCpu.of(pid),
      ProcCpu.descendants(pid),
      ProcCpu.machine()
    };
  }

  interface Load {
    Latencies run() throws Exception;
  }

  /**
   * Runs a load unless the target stalled before; a stall (calls unanswered for 30 s) or a failure
   * is kept as the target's result — an empty row with the reason — and the target is not loaded
   * again (its stdin/stdout are in an unknown state).
   */
  private static Latencies attempt(Target t, Load load, Map<Target, Latencies> results)
      throws Exception {
    Latencies before = results.get(t);
    if (before != null && before.failed() > 0) {
      return null;
    }
    try {
      return load.run();
    } catch (IllegalStateException e) {
      String why = e.getMessage() + (e.getCause() == null ? "" : ": " + e.getCause().getMessage());
      System.out.println(t.name() + ": " + why);
      results.put(t, new Latencies(t.name(), new long[0], 1, 1, why));
      return null;
    }
  }

  private static String handoffSettings() {
    StringBuilder x =
        new StringBuilder("<?xml version=\"1.0\"?>\n<configuration version=\"2.0\">\n");
    for (String e : Handoffs.EVENTS) {
      x.append("  <event name=\"")
          .append(e)
          .append(
              "\"><setting name=\"enabled\">true</setting><setting name=\"threshold\">0 ms</setting>")
          .append("<setting name=\"stackTrace\">false</setting></event>\n");
    }
    return x.append("</configuration>\n").toString();
  }

  private static void jcmd(long pid, String... command) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
    cmd.add(Long.toString(pid));
    cmd.addAll(List.of(command));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0 || out.contains("Could not") || out.contains("rror")) {
      throw new IllegalStateException("jcmd " + String.join(" ", command) + " failed: " + out);
    }
  }
}
