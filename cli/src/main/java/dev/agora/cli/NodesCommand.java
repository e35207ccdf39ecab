package dev.agora.cli;

import dev.agora.core.spi.NodeStore;
import dev.agora.server.ClusterSection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code agora nodes}: the nodes serving from this configuration's store (issue 18) — each {@code
 * agora serve} on the same SQLite file or PostgreSQL database — with whether they are up (a
 * heartbeat within three of {@code cluster.heartbeat}) and the calls each was running.
 */
@Command(
    name = "nodes",
    mixinStandardHelpOptions = true,
    description = {
      "List the nodes serving from this configuration's store: id, up or down (a heartbeat",
      "within three of cluster.heartbeat), calls in flight, URL, when it started and was seen."
    })
final class NodesCommand implements Callable<Integer> {

  @Mixin MarketplaceOptions options;

  private final Main.Io io;

  NodesCommand(Main.Io io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    return Commands.withNode(
        options,
        io,
        s -> {
          NodeStore nodes = s.node().store().nodes();
          if (nodes == null) {
            io.err()
                .println(
                    "error: "
                        + s.node().store().describe()
                        + " keeps no node list: nodes share a SQLite file or a PostgreSQL"
                        + " database (storage: in agora.yaml)");
            return 1;
          }
          Duration heartbeat = ClusterSection.of(s.node().config()).heartbeat();
          Instant now = Instant.now();
          List<NodeStore.Node> all = nodes.all();
          for (NodeStore.Node n : all) {
            Duration since = Duration.between(n.seen(), now);
            boolean up = since.compareTo(heartbeat.multipliedBy(3)) <= 0;
            io.out()
                .printf(
                    "%s  %s  %d in flight  %s  started %s  seen %s ago%n",
                    n.id(), up ? "up  " : "down", n.inFlight(), n.url(), n.started(), human(since));
          }
          if (all.isEmpty()) {
            io.err().println("no node is serving from " + s.node().store().describe());
          }
          return 0;
        });
  }

  /** {@code 850ms}, {@code 12s}, {@code 3m4s}. */
  static String human(Duration d) {
    if (d.isNegative() || d.toMillis() < 1000) {
      return Math.max(0, d.toMillis()) + "ms";
    }
    long s = d.toSeconds();
    return s < 60 ? s + "s" : (s / 60) + "m" + (s % 60) + "s";
  }
}
