package dev.agora.cli;

import dev.agora.server.StdioServer;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code agora mcp}: the marketplace as an MCP server on stdin/stdout, for MCP clients that start
 * their servers themselves. Acts as the context chosen with {@code --as}; logs go to stderr only.
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
          CountDownLatch ended = new CountDownLatch(1);
          InputStream in =
              new FilterInputStream(io.in()) { // the session ends when the client closes our stdin
                @Override
                public int read() throws IOException {
                  int b = super.read();
                  if (b < 0) {
                    ended.countDown();
                  }
                  return b;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                  int n = super.read(buf, off, len);
                  if (n < 0) {
                    ended.countDown();
                  }
                  return n;
                }
              };
          try (StdioServer server = new StdioServer(s.marketplace(), s.context(), in, io.out())) {
            io.err()
                .println(
                    "agora: MCP over stdio as '"
                        + s.context().identity()
                        + "', "
                        + server.gateway().toolsFor(s.context()).size()
                        + " tools");
            ended.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return 0;
        });
  }
}
