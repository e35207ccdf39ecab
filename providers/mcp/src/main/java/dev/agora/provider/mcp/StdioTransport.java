package dev.agora.provider.mcp;

import dev.agora.core.json.JsonLines;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * The stdio transport, written for Agora rather than taken from the SDK, because a gateway needs
 * what the SDK's lacks: a line on the server's stdout that is not JSON-RPC is logged and skipped
 * (the SDK's stops reading), sends from many threads are serialised (the SDK's fails under
 * concurrency), stderr is drained into Agora's log, the working directory can be set, the child
 * gets a minimal environment rather than Agora's ({@link ChildEnvironment}), the process's exit is
 * reported at once so calls in flight fail fast instead of waiting for their deadline, and a line
 * over the server's {@code max_bytes} is never kept whole: it is skipped, and the request it
 * answers fails at once. A reader that fails stops the server, as its exit would.
 */
final class StdioTransport implements McpClientTransport {

  /**
   * The key, in the {@code data} of the error a dropped reply is answered with, of its size: how
   * {@link McpConnection} tells it from an error of the server's.
   */
  static final String DROPPED = "agora.dropped_bytes";

  private final McpServerConfig config;
  private final McpJsonMapper json;
  private final Consumer<String> log;
  private final Runnable onExit;
  private final Object writeLock = new Object();
  private volatile Process process;
  private volatile OutputStream stdin;
  private volatile boolean closing;
  private volatile String startFailure;

  StdioTransport(
      McpServerConfig config, McpJsonMapper json, Consumer<String> log, Runnable onExit) {
    this.config = config;
    this.json = json;
    this.log = log;
    this.onExit = onExit;
  }

  @Override
  public Mono<Void> connect(
      Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
    return Mono.fromRunnable(
        () -> {
          try {
            process = ChildEnvironment.process(config).start();
          } catch (IOException e) {
            startFailure =
                "cannot start MCP server '"
                    + config.name()
                    + "' ("
                    + config.where()
                    + "): "
                    + e.getMessage();
            throw new IllegalStateException(startFailure, e);
          }
          stdin = process.getOutputStream();
          Process p = process;
          Thread.ofVirtual()
              .name("mcp-" + config.name() + "-stdout")
              .start(() -> readStdout(p, handler));
          Thread.ofVirtual().name("mcp-" + config.name() + "-stderr").start(() -> drainStderr(p));
        });
  }

  private void readStdout(
      Process p, Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
    boolean readerFailed = false;
    try (InputStream out = p.getInputStream()) {
      JsonLines lines = new JsonLines(out, config.maxBytes());
      for (JsonLines.Line line = lines.next(); line != null; line = lines.next()) {
        switch (line) {
          case JsonLines.Line.Text t -> take(t.text(), handler);
          case JsonLines.Line.TooLong big -> drop(big, handler);
        }
      }
    } catch (IOException e) {
      if (!closing) {
        log.accept("mcp " + config.name() + ": reading stdout failed: " + e.getMessage());
      }
    } catch (RuntimeException | Error e) { // the reader must not die quietly: the session is broken
      readerFailed = true;
      if (!closing) {
        log.accept(
            "mcp "
                + config.name()
                + ": reading stdout failed ("
                + e
                + "); the server is stopped and started again on the next request");
      }
    }
    if (!closing) {
      ended(p, readerFailed);
    }
  }

  /** Hands one line to the session, or logs and skips it when it is not JSON-RPC. */
  private void take(
      String line,
      Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
    if (line.isBlank()) {
      return;
    }
    McpSchema.JSONRPCMessage message;
    try {
      message = McpSchema.deserializeJsonRpcMessage(json, line);
    } catch (IOException | RuntimeException e) {
      log.accept(
          "mcp "
              + config.name()
              + ": skipped a stdout line that is not JSON-RPC: "
              + abbreviate(line));
      return;
    }
    handler
        .apply(Mono.just(message))
        .subscribe(
            m -> {},
            e ->
                log.accept(
                    "mcp " + config.name() + ": error handling a message: " + e.getMessage()));
  }

  /**
   * A message over {@code max_bytes}, dropped unread: the request it answers fails now rather than
   * at its deadline, and a request from the server is refused.
   */
  private void drop(
      JsonLines.Line.TooLong big,
      Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
    log.accept(
        "mcp "
            + config.name()
            + ": dropped a message of "
            + big.bytes()
            + " bytes, over max_bytes ("
            + config.maxBytes()
            + ")");
    if (big.id() == null) {
      return; // a notification: nobody waits for it
    }
    McpSchema.JSONRPCResponse.JSONRPCError error =
        new McpSchema.JSONRPCResponse.JSONRPCError(
            big.hasMethod()
                ? McpSchema.ErrorCodes.INVALID_REQUEST
                : McpSchema.ErrorCodes.INTERNAL_ERROR,
            "a message of " + big.bytes() + " bytes is over max_bytes (" + config.maxBytes() + ")",
            Map.of(DROPPED, big.bytes()));
    McpSchema.JSONRPCResponse reply =
        new McpSchema.JSONRPCResponse(McpSchema.JSONRPC_VERSION, big.id(), null, error);
    if (big.hasMethod()) {
      sendMessage(reply).subscribe(v -> {}, e -> {});
    } else {
      handler.apply(Mono.just(reply)).subscribe(m -> {}, e -> {});
    }
  }

  /**
   * The server's stdout ended (or could not be read any more): it cannot be talked to, and a new
   * one takes its place on the next request.
   */
  private void ended(Process p, boolean readerFailed) {
    try {
      if (!readerFailed) {
        p.waitFor(2, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (p.isAlive()) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      log.accept(
          "mcp "
              + config.name()
              + (readerFailed
                  ? ": stopped the server"
                  : ": the server closed its stdout but kept running; stopped it"));
    } else {
      log.accept("mcp " + config.name() + ": server process exited with code " + p.exitValue());
    }
    onExit.run();
  }

  /** Logs the server's stderr a line at a time; a line over 64 KiB is not kept, only counted. */
  private void drainStderr(Process p) {
    try (InputStream err = p.getErrorStream()) {
      JsonLines lines = new JsonLines(err, 64 << 10);
      for (JsonLines.Line line = lines.next(); line != null; line = lines.next()) {
        log.accept(
            "mcp "
                + config.name()
                + " stderr: "
                + switch (line) {
                  case JsonLines.Line.Text t -> abbreviate(t.text());
                  case JsonLines.Line.TooLong big -> "[a line of " + big.bytes() + " bytes]";
                });
      }
    } catch (IOException e) {
      // the process is gone; stdout's reader reports that
    }
  }

  private static String abbreviate(String line) {
    return line.length() <= 300 ? line : line.substring(0, 300) + "…";
  }

  @Override
  public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
    return Mono.fromRunnable(
        () -> {
          OutputStream out = stdin;
          if (out == null) {
            throw new IllegalStateException(
                startFailure != null
                    ? startFailure
                    : "MCP server '" + config.name() + "' is not running");
          }
          try {
            byte[] bytes = json.writeValueAsBytes(message);
            synchronized (writeLock) { // one whole line at a time, whatever thread sends
              out.write(bytes);
              out.write('\n');
              out.flush();
            }
          } catch (IOException e) {
            throw new IllegalStateException(
                "cannot write to MCP server '" + config.name() + "': " + e.getMessage(), e);
          }
        });
  }

  @Override
  public Mono<Void> closeGracefully() {
    return Mono.fromRunnable(this::stop);
  }

  @Override
  public void close() {
    stop();
  }

  /** Closes stdin (servers exit on end of input), then terminates and finally kills the process. */
  private void stop() {
    closing = true;
    Process p = process;
    if (p == null) {
      return;
    }
    try {
      stdin.close();
      if (!p.waitFor(1, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        if (!p.waitFor(2, TimeUnit.SECONDS)) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
        }
      }
    } catch (IOException e) {
      p.destroyForcibly();
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** The server's process id, or -1 before it started (tests kill it to test recovery). */
  long pid() {
    Process p = process;
    return p == null ? -1 : p.pid();
  }

  @Override
  public <T> T unmarshalFrom(Object data, TypeRef<T> type) {
    return json.convertValue(data, type);
  }
}
