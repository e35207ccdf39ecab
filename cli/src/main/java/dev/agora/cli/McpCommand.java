package dev.agora.cli;

import dev.agora.server.StdioServer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code agora mcp}: the marketplace as an MCP server on stdin/stdout, for MCP clients that start
 * their servers themselves. Acts as the context chosen with {@code --as}; logs go to stderr only.
 * The session, and the command, end when the client closes stdin.
 */
@Command(
    name = "mcp",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the marketplace as an MCP server over stdio (for clients that launch servers).",
      "Every call is governed and recorded as the --as context; stdout carries only MCP messages."
    })
final class McpCommand implements Callable<Integer> {

  @Mixin MarketplaceOptions options;

  private final Main.Io io;

  McpCommand(Main.Io io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    return Commands.withMarketplace(
        options,
        io,
        s -> {
          try (StdioServer server =
              new StdioServer(
                  s.marketplace(),
                  s.context(),
                  io.in(),
                  io.out(),
                  StdioServer.MAX_MESSAGE,
                  io.err()::println)) {
            io.err()
                .println(
                    "agora: MCP over stdio as '"
                        + s.context().identity()
                        + "', "
                        + server.gateway().toolsFor(s.context()).size()
                        + " tools");
            server.ended().join(); // the client closed our stdin (or our stdout)
          }
          // closing the marketplace stops the upstream MCP servers this process started
          return 0;
        });
  }
}
