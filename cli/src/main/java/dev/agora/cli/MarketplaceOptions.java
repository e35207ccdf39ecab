package dev.agora.cli;

import dev.agora.core.Marketplace;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ConfigLoader;
import dev.agora.core.discovery.Bootstrap;
import dev.agora.core.doc.DocumentException;
import dev.agora.core.doc.DocumentProblem;
import dev.agora.core.event.EventSink;
import dev.agora.core.security.SecurityContext;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options every marketplace command shares ({@code --config}, {@code --as}) and the one way
 * they load the configuration and bootstrap: problems in agora.yaml are all reported and stop the
 * command (exit 2); a failing discovery source or a bad manifest is a warning and start-up goes on.
 */
final class MarketplaceOptions {

  @Option(names = "--config", paramLabel = "FILE", description = "The configuration file (default: ./agora.yaml if present).")
  Path config;

  @Option(names = "--as", paramLabel = "CONTEXT", description = "The security context to act as (default: the config's default_context).")
  String as;

  /** Thrown when the command cannot start; carries the lines to print and the exit code. */
  static final class Stop extends RuntimeException {
    final int exit;

    Stop(String message, int exit) {
      super(message, null, false, false);
      this.exit = exit;
    }
  }

  /** Loads the configuration, builds and bootstraps the marketplace, and resolves the context. */
  Started start(Main.Io io, EventSink sink) {
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
    SecurityContext context;
    try {
      context = cfg.context(as);
    } catch (IllegalArgumentException e) {
      throw new Stop("error: " + e.getMessage(), 2);
    }
    Marketplace m = Marketplace.builder().config(cfg).sink(sink).log(io.err()::println).build();
    for (Bootstrap.SourceReport r : m.bootstrap()) {
      if (r.failure() != null) {
        io.err().println("warning: discovery source '" + r.source() + "' failed and was skipped: " + r.failure());
      }
      r.problems().forEach(p -> io.err().println("warning: " + p));
    }
    return new Started(m, context);
  }

  /** A bootstrapped marketplace and the context to call as. */
  record Started(Marketplace marketplace, SecurityContext context) implements AutoCloseable {
    @Override
    public void close() {
      marketplace.close();
    }
  }
}
