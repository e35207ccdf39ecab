package dev.agora.cli;

import dev.agora.core.config.AgoraConfig;
import dev.agora.server.AgoraServer;
import dev.agora.server.ServerSection;
import dev.agora.server.ServerSettings;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code agora serve}: the gateway. Every capability — built-in, from files, from MCP servers — as
 * MCP tools at {@code http://127.0.0.1:8420/mcp}, each call governed and recorded. Runs until
 * interrupted (Ctrl-C, SIGTERM), then closes cleanly: MCP sessions, child servers, the chain.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the marketplace as a governed MCP endpoint (Streamable HTTP at /mcp).",
      "Callers authenticate with an API key from agora.yaml (server.api_keys) unless server.anonymous is set."
    })
final class ServeCommand implements Callable<Integer> {

  @Mixin MarketplaceOptions options;

  @Option(
      names = "--host",
      paramLabel = "HOST",
      description = "Interface to bind (default: server.host, 127.0.0.1).")
  String host;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "Port (default: server.port, 8420; 0 picks a free one).")
  Integer port;

  private final Main.Io io;

  ServeCommand(Main.Io io) {
    this.io = io;
  }

  /** How long a SIGTERM waits for the server to close before the JVM halts anyway. */
  static final Duration CLOSING = Duration.ofSeconds(30);

  /**
   * Serves until stopped. On SIGTERM the hook stops the server and waits ({@link #CLOSING}) until
   * the server, the marketplace and the ledger (which signs its final checkpoint) are closed.
   */
  @Override
  public Integer call() {
    CountDownLatch stop = new CountDownLatch(1);
    try (ShutdownHook hook = ShutdownHook.install("agora-serve-stop", stop::countDown, CLOSING)) {
      return serve(stop);
    }
  }

  private Integer serve(CountDownLatch stop) {
    return Commands.withMarketplace(
        options,
        io,
        s -> {
          AgoraConfig cfg = s.node().config();
          ServerSettings configured = ServerSection.of(cfg);
          ServerSettings at =
              configured.at(
                  host != null ? host : configured.host(), port != null ? port : configured.port());
          try (AgoraServer server =
              AgoraServer.start(s.node(), cfg.with(ServerSection.SECTION, at), io.err()::println)) {
            io.err()
                .println(
                    "agora: " + s.marketplace().registry().size() + " capabilities; Ctrl-C stops");
            stop.await();
          } catch (InterruptedException e) { // stopped in-process
            Thread.currentThread().interrupt();
          } catch (RuntimeException e) {
            io.err()
                .println(
                    "error: cannot serve on "
                        + at.host()
                        + ":"
                        + at.port()
                        + ": "
                        + rootMessage(e));
            return 1;
          }
          return 0;
        });
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null) {
      c = c.getCause();
    }
    return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
  }
}
