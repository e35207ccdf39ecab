package dev.agora.cli;

import dev.agora.core.Marketplace;
import dev.agora.server.StdioServer;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code agora mcp}: the marketplace as an MCP server on stdin/stdout, for MCP clients that start
 * their servers themselves. Acts as the context chosen with {@code --as}; logs go to stderr only.
 *
 * <p>The session, and the command, end within a second when the client closes stdin (or stdout), or
 * on SIGTERM: calls in flight get {@link #GRACE} to finish and be answered, then the rest are
 * cancelled (each recorded as such in the Causal Chain), the MCP servers Agora started are stopped
 * with everything they started, and the chain is closed.
 */
@Command(
    name = "mcp",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the marketplace as an MCP server over stdio (for clients that launch servers).",
      "Every call is governed and recorded as the --as context; stdout carries only MCP messages.",
      "Ends within a second of stdin closing or SIGTERM, cancelling the calls still running."
    })
final class McpCommand implements Callable<Integer> {

  /**
   * How long calls in flight have to finish once the input ended (or SIGTERM), before cancelling.
   */
  static final Duration GRACE = Duration.ofMillis(250);

  /** How long a SIGTERM waits for the command to close before the JVM halts anyway. */
  static final Duration CLOSING = Duration.ofSeconds(5);

  @Mixin MarketplaceOptions options;

  private final Main.Io io;

  McpCommand(Main.Io io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    CompletableFuture<String> stop = new CompletableFuture<>();
    try (ShutdownHook hook =
        ShutdownHook.install("agora-mcp-stop", () -> stop.complete("SIGTERM"), CLOSING)) {
      // closing the marketplace (after serve) cancels what is still running and stops the MCP
      // servers this process started; then the ledger signs its last checkpoint
      return Commands.withMarketplace(options, io, s -> serve(s, stop));
    }
  }

  private int serve(MarketplaceOptions.Started s, CompletableFuture<String> stop) {
    try (Input input = new Input(stdin(io.in()));
        StdioServer server =
            new StdioServer(
                s.marketplace(),
                s.context(),
                input,
                stdout(io.out()),
                StdioServer.MAX_MESSAGE,
                io.err()::println)) {
      io.err()
          .println(
              "agora: MCP over stdio as '"
                  + s.context().identity()
                  + "', "
                  + server.gateway().toolsFor(s.context()).size()
                  + " tools");
      String why =
          (String)
              CompletableFuture.anyOf(
                      input.ended.thenApply(v -> "stdin closed"),
                      server.ended().thenApply(v -> "the session ended"),
                      stop)
                  .join();
      finish(server, s.marketplace(), why);
    }
    return 0;
  }

  /**
   * The process's stdin as a channel, whose close wakes the thread blocked reading it; tests' own
   * streams as they are. On SIGTERM the client has not closed stdin: a thread still blocked in
   * {@code read} would hold the JVM's exit back by 300 ms (it waits for threads in native code).
   */
  static InputStream stdin(InputStream in) {
    return in == System.in
        ? Channels.newInputStream(new FileInputStream(FileDescriptor.in).getChannel())
        : in;
  }

  /**
   * The process's stdout as a plain file stream; tests' own streams as they are. {@code System.out}
   * marks each write as possibly blocking, and a virtual thread writing through it makes the
   * scheduler wake a second carrier to stand in for the one it holds — a thread hand-off on every
   * answer. A write to a plain file stream holds its carrier while the pipe takes the line; answers
   * are written one at a time, so a client that stops reading holds one carrier at most.
   */
  static OutputStream stdout(PrintStream out) {
    return out == System.out
        ? new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16)
        : out;
  }

  /**
   * Gives the calls in flight {@link #GRACE} to be answered (the server's session ends once they
   * are), then says how many are left to cancel.
   */
  private void finish(StdioServer server, Marketplace marketplace, String why) {
    try {
      server.ended().get(GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // answered below: what is still running is cancelled
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    int left = marketplace.callsInFlight();
    io.err()
        .println(
            "agora: "
                + why
                + (left == 0 ? "; stopping" : "; cancelling " + left + " call(s) in flight"));
  }

  /** Stdin, telling when it ends: the server may still be answering what it read before. */
  private static final class Input extends FilterInputStream {
    final CompletableFuture<Void> ended = new CompletableFuture<>();

    Input(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      try {
        return noticed(super.read());
      } catch (IOException e) { // a broken stdin ends the session as its end does
        ended.complete(null);
        throw e;
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return noticed(super.read(b, off, len));
      } catch (IOException e) {
        ended.complete(null);
        throw e;
      }
    }

    /** Closes stdin, after the server: a thread still reading it gets the end of input. */
    @Override
    public void close() {
      try {
        super.close();
      } catch (IOException e) { // nothing is read from it any more anyway
        ended.complete(null);
      }
    }

    private int noticed(int n) {
      if (n < 0) {
        ended.complete(null);
      }
      return n;
    }
  }
}
