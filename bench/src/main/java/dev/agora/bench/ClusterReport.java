package dev.agora.bench;

import dev.agora.bench.ClusterHarness.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** {@link ClusterHarness}'s results as Markdown: the set-up, two tables, how to run it again. */
final class ClusterReport {

  static final String HEADER =
      "| run | limits | nodes | C | calls/s | p50 µs | p99 µs | errors | chain appends/s |"
          + " entries/call | PG commits/s | CPU s per node (1, 2, …) | harness CPU s | PostgreSQL"
          + " CPU s | other CPU s | cores busy | calls per node-CPU-s | calls per (nodes+PG) CPU-s"
          + " |\n"
          + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";

  private final Map<String, String> o;
  private final String[] args;
  private final String pgVersion;
  private final String jar;
  private final List<String> notes;
  private final Map<String, String> configs = new LinkedHashMap<>();

  ClusterReport(
      Map<String, String> o, String[] args, String pgVersion, String jar, List<String> notes) {
    this.o = o;
    this.jar = jar;
    this.args = args.clone();
    this.pgVersion = pgVersion;
    this.notes = notes;
  }

  /** The agora.yaml of the clusters with {@code limits}. */
  void config(String limits, String yaml) {
    configs.put(limits, yaml);
  }

  static String row(Run r) {
    return String.format(
        Locale.ROOT,
        "| %s | %s | %d | %d | %,.0f | %,.0f | %,.0f | %s | %,.0f | %.2f | %,.0f | %s | %.1f | %.1f"
            + " | %.1f%s | %.2f | %,.0f | %,.0f |",
        r.what(),
        r.limits(),
        r.nodes(),
        r.clients(),
        r.lat().perSecond(),
        r.lat().p50(),
        r.lat().p99(),
        r.lat().failed() == 0
            ? "0"
            : r.lat().failed() + " (" + r.lat().firstFailure().replace('|', '/') + ")",
        r.appended() / r.seconds(),
        r.appended() / r.calls(),
        r.commits() / r.seconds(),
        Arrays.stream(r.nodeCpu())
            .mapToObj(c -> String.format(Locale.ROOT, "%.1f", c))
            .collect(Collectors.joining(", ")),
        r.harnessCpu(),
        r.pgCpu(),
        r.otherCpu(),
        r.attempt() == 1 ? "" : " (try " + r.attempt() + ")",
        r.machineCpu() / r.seconds(),
        r.calls() / r.nodeCpuTotal(),
        r.calls() / (r.nodeCpuTotal() + r.pgCpu()));
  }

  String markdown(List<Run> runs) throws IOException {
    StringBuilder out = new StringBuilder();
    out.append("# Several nodes on one PostgreSQL (issue 18): calls/s, appends/s, remote-rtfs\n\n");
    out.append(
        String.format(
            Locale.ROOT,
            "Run %s at %s on %d cores, %s; JDK %s; %s (embedded, synchronous_commit=%s,"
                + " max_connections=300). Nodes: `%s` (%s), JVM options `%s`. receipts.mode %s;"
                + " chain durability durable (the default); storage.pool_size %s.%n%n",
            Instant.now().toString().substring(0, 19) + "Z",
            git("rev-parse", "--short", "HEAD")
                + " with "
                + git("status", "--porcelain", "--untracked-files=no").lines().count()
                + " files changed in the working tree",
            Runtime.getRuntime().availableProcessors(),
            Files.readAllLines(Path.of("/proc/meminfo")).getFirst().replaceAll("\\s+", " "),
            Runtime.version(),
            pgVersion.replaceAll(" on .*", ""),
            o.get("syncCommit"),
            o.get("jar"),
            jar,
            o.get("jvm"),
            o.get("receipts").isEmpty() ? "batched (the default)" : o.get("receipts"),
            o.get("pool").isEmpty() ? "8 (the default)" : o.get("pool")));
    out.append(
        String.format(
            Locale.ROOT,
            "Each run: %s s warm-up (%s s more for the first run of freshly started nodes), %s s"
                + " measured. REST `POST /api/v1/capabilities/{id}/call`, the anonymous caller in a"
                + " full context, over %s java.net.http clients (HTTP/1.1, keep-alive, executor"
                + " %s), one closed-loop virtual thread per client (C). *limits*: `shared` —"
                + " `server.limits` (set far above the load) kept in the database, as on PostgreSQL"
                + " by default; `local` — `cluster.shared_limits: false`, in each node's memory."
                + " *PG commits/s*: the database's committed transactions (pg_stat_database,"
                + " flushed about once a second: approximate) — chain appends in groups,"
                + " heartbeats, shared limits. CPU seconds: user+system time from /proc over the"
                + " measured window; PostgreSQL is the postmaster and all its processes; *other CPU"
                + " s*: the machine's busy time (/proc/stat) less the measured processes' — other"
                + " processes, and kernel work charged to none (loopback softirq): a large value"
                + " means a disturbed run. Each run starts once the machine has been quiet for 5 s"
                + " and is measured again (at most %s tries, the least disturbed kept; *try N* says"
                + " which) while others used over %s of a core in its window. *cores busy*: the"
                + " machine's busy time over the window (%d = saturated). Errors count the whole"
                + " run, warm-up included.%n%n",
            o.get("warmup"),
            o.get("startWarmup"),
            o.get("measure"),
            o.get("httpClients"),
            o.get("executor"),
            o.get("attempts"),
            o.get("maxOther"),
            Runtime.getRuntime().availableProcessors()));
    out.append("## Calls/s and chain appends/s with N nodes (`bench.echo`, round robin)\n\n");
    out.append(HEADER);
    runs.stream()
        .filter(r -> r.what().endsWith("round robin"))
        .forEach(r -> out.append(row(r)).append('\n'));
    out.append("\n## remote-rtfs beside local RTFS, called through node 1 only\n\n");
    out.append(HEADER);
    runs.stream()
        .filter(r -> !r.what().endsWith("round robin"))
        .forEach(r -> out.append(row(r)).append('\n'));
    notes.forEach(n -> out.append("\n- ").append(n));
    out.append("\n\nReproduce (from the repository root):\n\n```sh\n")
        .append("./build mvn -B -o -q package -pl cli -DskipTests -Djacoco.skip")
        .append(" -Dspotless.check.skip\n")
        .append("./build mvn -B -o -q package -pl bench -DskipTests -Djacoco.skip")
        .append(" -Dspotless.check.skip\n")
        .append("flock /tmp/jmh.lock ")
        .append(Path.of(System.getProperty("java.home"), "bin", "java"))
        .append(" -cp bench/target/benchmarks.jar dev.agora.bench.ClusterHarness")
        .append(args.length == 0 ? "" : " " + String.join(" ", args))
        .append("\n```\n");
    configs.forEach(
        (limits, yaml) ->
            out.append("\nThe agora.yaml of the `")
                .append(limits)
                .append("` clusters (the database's port changes per run):\n\n```yaml\n")
                .append(yaml)
                .append("```\n"));
    return out.toString();
  }

  private static String git(String... command) {
    try {
      List<String> line = new ArrayList<>(List.of("git"));
      line.addAll(List.of(command));
      Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.waitFor() == 0 ? out : "(git: " + out + ")";
    } catch (IOException | InterruptedException e) {
      return "(git: " + e.getMessage() + ")";
    }
  }
}
