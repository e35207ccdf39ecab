package dev.agora.cli;

import dev.agora.chain.CallStats;
import dev.agora.chain.ChainQuery;
import dev.agora.chain.Entry;
import dev.agora.chain.event.Event;
import dev.agora.core.manifest.Glob;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code agora caps stats [PATTERN] [--since WHEN]}: per capability, from the Causal Chain — calls,
 * failures by kind, latency p50/p95/max, retries, cache hits, fallbacks, the circuit's last state.
 */
@Command(
    name = "stats",
    mixinStandardHelpOptions = true,
    description =
        "Summarise recorded calls per capability: failures, latency, retries, cache hits, fallbacks, circuits.")
final class StatsCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(
      arity = "0..1",
      paramLabel = "PATTERN",
      description = "Only capabilities matching this glob.")
  String pattern;

  @Option(
      names = "--since",
      paramLabel = "WHEN",
      description = "From this time: an ISO instant or a duration ago (10m, 2h).")
  String since;

  @Mixin MarketplaceOptions options;

  private final Main.Io io;

  StatsCommand(Main.Io io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    Glob glob;
    try {
      glob = pattern == null ? null : Glob.of(pattern);
    } catch (IllegalArgumentException e) {
      // issue 11: a bad pattern was exit 1 here but a usage error (exit 2) in 'caps list'
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    Instant from = ChainCommand.when(spec, since, "--since");
    return Commands.withNode(
        options,
        io,
        s -> {
          List<Event> actions = new ArrayList<>();
          for (String type :
              List.of("CapabilityResult", "PolicyDenied", "CapabilityRetrying", "CircuitChanged")) {
            for (Entry e :
                s.node().chain().query(ChainQuery.ALL.withType(type).withTime(from, null))) {
              Event a = e.action();
              if (glob == null || a.capabilityId() != null && glob.matches(a.capabilityId())) {
                actions.add(a);
              }
            }
          }
          List<CallStats.Row> rows = CallStats.of(actions);
          if (rows.isEmpty()) {
            io.out()
                .println(
                    "no recorded calls" + (pattern == null ? "" : " matching '" + pattern + "'"));
            return 0;
          }
          io.out()
              .printf(
                  "%-36s %7s %7s %9s %9s %9s %7s %6s %9s %-9s %s%n",
                  "CAPABILITY",
                  "CALLS",
                  "FAILED",
                  "P50",
                  "P95",
                  "MAX",
                  "RETRIES",
                  "CACHED",
                  "FALLBACKS",
                  "CIRCUIT",
                  "ERRORS");
          for (CallStats.Row r : rows) {
            io.out()
                .printf(
                    "%-36s %7d %7d %9s %9s %9s %7d %6d %9d %-9s %s%n",
                    r.capability(),
                    r.calls(),
                    r.failed(),
                    ms(r.p50()),
                    ms(r.p95()),
                    ms(r.max()),
                    r.retries(),
                    r.cacheHits(),
                    r.fallbacks(),
                    r.circuit() == null ? "-" : r.circuit(),
                    errors(r.errors()));
          }
          return 0;
        });
  }

  private static String ms(Duration d) {
    if (d == null) {
      return "-";
    }
    double ms = d.toNanos() / 1e6;
    return ms < 10 ? String.format("%.2fms", ms) : String.format("%.0fms", ms);
  }

  private static String errors(Map<String, Long> errors) {
    if (errors.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    errors.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ", ").append(k).append(' ').append(v));
    return sb.toString();
  }
}
