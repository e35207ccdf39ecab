package dev.agora.cli;

import dev.agora.chain.ChainFormatException;
import dev.agora.chain.event.EventSink;
import dev.agora.core.AgoraNode;
import dev.agora.core.Marketplace;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ConfigLoader;
import dev.agora.core.discovery.Bootstrap;
import dev.agora.core.doc.DocumentException;
import dev.agora.core.doc.DocumentProblem;
import dev.agora.core.spi.StoreException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options every node command shares ({@code --config}, {@code --as}, {@code --data-dir}) and
 * the one way they start a node: problems in agora.yaml are all reported and stop the command (exit
 * 2), as does a store that cannot be opened (exit 1); a failing discovery source or a bad manifest
 * is a warning and start-up goes on.
 */
final class MarketplaceOptions {

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "The configuration file (default: ./agora.yaml if present).")
  Path config;

  @Option(
      names = "--as",
      paramLabel = "CONTEXT",
      description = "The security context to act as (default: the config's default_context).")
  String as;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = "${sys:agora.data.dir:-${env:AGORA_DATA_DIR}}",
      description =
          "Where the node keeps its key and SQLite store (default: the config's data_dir, else .agora).")
  Path dataDir;

  /** Thrown when the command cannot start; carries the lines to print and the exit code. */
  static final class Stop extends RuntimeException {
    final int exit;

    Stop(String message, int exit) {
      super(message, null, false, false);
      this.exit = exit;
    }
  }

  /**
   * Loads the configuration, opens the node, bootstraps its marketplace and resolves the context.
   */
  Started start(Main.Io io, EventSink sink) {
    Started s = open(io, sink);
    for (Bootstrap.SourceReport r : s.marketplace().bootstrap()) {
      if (r.failure() != null) {
        io.err()
            .println(
                "warning: discovery source '"
                    + r.source()
                    + "' failed and was skipped: "
                    + r.failure());
      }
      r.problems().forEach(p -> io.err().println("warning: " + p));
    }
    return s;
  }

  /** Loads the configuration and opens the node (store, key, chain) without running discovery. */
  Started open(Main.Io io, EventSink sink) {
    AgoraConfig cfg = config();
    SecurityContext context;
    try {
      context = cfg.context(as);
    } catch (IllegalArgumentException e) {
      throw new Stop("error: " + e.getMessage(), 2);
    }
    try {
      return new Started(AgoraNode.open(cfg, sink, io.err()::println), context);
    } catch (StoreException | ChainFormatException e) {
      throw new Stop("error: " + e.getMessage(), 1);
    }
  }

  /** The configuration: the file's (all its problems stop the command, exit 2) and the options'. */
  AgoraConfig config() {
    AgoraConfig cfg;
    try {
      cfg = ConfigLoader.find(config, Path.of(""));
    } catch (DocumentException e) {
      StringBuilder sb = new StringBuilder();
      for (DocumentProblem p : e.problems()) {
        sb.append(sb.isEmpty() ? "" : "\n").append("error: ").append(p);
      }
      throw new Stop(sb.toString(), 2);
    }
    return dataDir == null ? cfg : cfg.withDataDir(dataDir);
  }

  /** An open node and the context to call as. */
  record Started(AgoraNode node, SecurityContext context) implements AutoCloseable {
    Marketplace marketplace() {
      return node.marketplace();
    }

    @Override
    public void close() {
      node.close();
    }
  }
}
