package dev.agora.provider.mcp;

import dev.agora.core.json.JsonLines;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import reactor.core.publisher.Mono;

/**
 * The stdio transport, written for Agora rather than taken from the SDK, because a gateway needs
 * what the SDK's lacks: a line on the server's stdout that is not JSON-RPC is logged and skipped
 * (the SDK's stops reading), sends from many threads are serialised (the SDK's fails under
 * concurrency), stderr is drained into Agora's log, the working directory can be set, the child
 * gets a minimal environment rather than Agora's ({@link ChildEnvironment}), the process's exit is
 * reported at once so calls in flight fail fast instead of waiting for their deadline, and a line
 * over the server's {@code max_bytes} is never kept whole: it is skipped, and the request it
 * answers fails at once. A reader that fails stops the server, as its exit would. Closing stops the
 * server with everything it started, in bounded time ({@link ProcessTree}), and a shutdown hook
 * does the same for servers still running when the JVM exits (SIGTERM): no orphans.
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
  private volatile Process process;

  /**
   * The lines waiting for the writer thread ({@link #writeStdin}), which alone writes the server's
   * stdin: a sender never blocks on the pipe, and what queues up while a line is written goes out
   * in one write.
   */
  private final BlockingQueue<byte[]> lines = new ArrayBlockingQueue<>(QUEUED);

  /** How many lines may wait for the server to take them. */
  static final int QUEUED = 4096;

  /** Tells the writer thread to close the server's stdin and end. */
  private static final byte[] END = new byte[0];

  /** Why the server's stdin cannot be written any more; null while it can. */
  private volatile String writeFailure;

  /** Set when the writer thread is to end. */
  private volatile boolean ending;

  private volatile boolean closing;

  /** When the write in progress began ({@link System#nanoTime()}); 0 when there is none. */
  private volatile long writingSince;

  private volatile String startFailure;

  /** Takes the replies to requests sent past the SDK's session ({@link #handOver}). */
  private volatile Predicate<McpSchema.JSONRPCResponse> taker = r -> false;

  private final Object stopLock = new Object();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();

  StdioTransport(
      McpServerConfig config, McpJsonMapper json, Consumer<String> log, Runnable onExit) {
    this.config = config;
    this.json = json;
    this.log = log;
    this.onExit = onExit;
  }

  /**
   * Has {@code taker} offered every reply first: those it takes (the answers to Agora's own
   * requests, {@link TrackingTransport#exchange}) go no further, the rest to the SDK's session.
   */
  void handOver(Predicate<McpSchema.JSONRPCResponse> taker) {
    this.taker = taker;
  }

  /** Gives a message read from the server to whoever waits for it. */
  private void deliver(
      McpSchema.JSONRPCMessage message,
      Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
    if (message instanceof McpSchema.JSONRPCResponse r && taker.test(r)) {
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
          Process p = process;
          running(this);
          pipeThread("mcp-" + config.name() + "-stdin", () -> writeStdin(p));
          pipeThread("mcp-" + config.name() + "-stdout", () -> readStdout(p, handler));
          pipeThread("mcp-" + config.name() + "-stderr", () -> drainStderr(p));
          Thread.ofVirtual().name("mcp-" + config.name() + "-writes").start(() -> watchWrites(p));
        });
  }

  /**
   * Starts a thread that reads or writes a child's pipe — a platform thread, never a virtual one. A
   * read from a pipe blocks in native code and pins a virtual thread's carrier; the scheduler makes
   * up for it with a spare carrier only while the spare is busy, and retires it after some 30 s
   * idle. Two such readers (stdout and stderr) then held both carriers of this 2-core machine and
   * no other virtual thread ran: an idle {@code agora mcp} answered nothing ~45 s after its last
   * call. A write from a virtual thread has the scheduler wake a second carrier to stand in for the
   * first while it writes: two thread hand-offs per request, where handing the line to the writer
   * thread is one.
   */
  static Thread pipeThread(String name, Runnable work) {
    return Thread.ofPlatform().name(name).daemon().start(work);
  }

  /**
   * The writer thread: writes the queued lines to the server's stdin, as many as are queued before
   * one flush, until it is told to end ({@link #closeStdin}; then it closes stdin). A write that
   * fails stops the server: its exit fails the requests in flight ({@link #ended}), and the next
   * request starts a new one. {@link #writingSince} is set afresh for each line, so a server that
   * reads slowly but steadily under a backlog is never taken for one that stopped reading.
   */
  private void writeStdin(Process p) {
    try (OutputStream out = p.getOutputStream()) {
      byte[] line = lines.take();
      while (line != END && !ending) {
        try {
          do {
            writingSince = System.nanoTime() | 1; // never 0, which means no write
            out.write(line);
            out.write('\n');
            line = lines.poll();
          } while (line != null && line != END && !ending);
          out.flush();
        } finally {
          writingSince = 0;
        }
        if (line == null) {
          line = lines.take();
        }
      }
    } catch (IOException e) {
      writeFailure = "cannot write to MCP server '" + config.name() + "': " + e.getMessage();
      lines.clear();
      if (!closing) {
        log.accept("mcp " + config.name() + ": " + writeFailure + "; stopping it");
        ProcessTree.kill(p.toHandle());
      }
    } catch (InterruptedException e) {
      // nobody interrupts it; END ends it
    }
  }

  /**
   * Stops a server that has not taken a line of its input for a whole {@code timeout}: a write to
   * its full stdin pipe would otherwise hold the writer thread — and every request queued after it
   * — for good (each request's caller waits only until its deadline). Stopped, the server's pipe
   * breaks, the write fails, the requests in flight fail, and a new server is started on the next
   * request. One check a second at most: no cost per request.
   */
  private void watchWrites(Process p) {
    long limit = config.timeout().toNanos();
    long every = Math.clamp(config.timeout().toMillis() / 4, 50, 1000);
    try {
      while (!closing && p.isAlive()) {
        Thread.sleep(every);
        long since = writingSince;
        if (since != 0 && System.nanoTime() - since > limit) {
          log.accept(
              "mcp "
                  + config.name()
                  + ": the server has not read its input for "
                  + config.timeout().toMillis()
                  + " ms; stopping it");
          ProcessTree.kill(p.toHandle());
          return;
        }
      }
    } catch (InterruptedException e) {
      // nobody interrupts it; the process ends it
    }
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
    deliver(message, handler);
  }

  /** What the log says of a message over {@code max_bytes}, left out unread. */
  static String dropped(McpServerConfig config, JsonLines.Line.TooLong big) {
    return "mcp "
        + config.name()
        + ": dropped a message of "
        + big.bytes()
        + " bytes, over max_bytes ("
        + config.maxBytes()
        + ")";
  }

  /**
   * A message over {@code max_bytes}, dropped unread: the request it answers fails now rather than
   * at its deadline, and a request from the server is refused.
   */
  private void drop(
      JsonLines.Line.TooLong big,
      Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
    log.accept(dropped(config, big));
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
      deliver(reply, handler);
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
      ProcessTree.kill(p.toHandle());
      log.accept(
          "mcp "
              + config.name()
              + (readerFailed
                  ? ": stopped the server"
                  : ": the server closed its stdout but kept running; stopped it"));
    } else {
      log.accept("mcp " + config.name() + ": server process exited with code " + p.exitValue());
    }
    stopped();
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

  /**
   * Queues the message for the writer thread; waits for room up to the server's {@code timeout}
   * when {@link #QUEUED} lines already wait (a server that takes no input is stopped by then, see
   * {@link #watchWrites}).
   */
  @Override
  public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
    return Mono.fromRunnable(
        () -> {
          if (process == null) {
            throw new IllegalStateException(
                startFailure != null
                    ? startFailure
                    : "MCP server '" + config.name() + "' is not running");
          }
          boolean queued;
          try {
            byte[] bytes = json.writeValueAsBytes(message);
            queued =
                writeFailure == null
                    && (lines.offer(bytes) // never waits when there is room
                        || lines.offer(bytes, config.timeout().toNanos(), TimeUnit.NANOSECONDS));
          } catch (IOException e) {
            throw new IllegalStateException(
                "cannot write to MCP server '" + config.name() + "': " + e.getMessage(), e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            queued = false;
          }
          if (!queued || writeFailure != null) {
            throw new IllegalStateException(
                writeFailure != null
                    ? writeFailure
                    : "MCP server '"
                        + config.name()
                        + "' does not read its input: "
                        + QUEUED
                        + " messages wait for it");
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

  /**
   * Stops the server and every process it started ({@link ProcessTree}): closes its stdin (servers
   * exit on end of input), then terminates and finally kills what is left, in about a second at
   * most. Safe to call more than once, from any thread.
   */
  private void stop() {
    closing = true;
    Process p = process;
    if (p == null) {
      return;
    }
    synchronized (stopLock) {
      if (!stopped.isDone()) {
        ProcessTree.Ended how =
            ProcessTree.stop(
                p.toHandle(), this::closeStdin, ProcessTree.POLITE, ProcessTree.TERMINATE);
        if (how != ProcessTree.Ended.POLITELY) {
          log.accept(
              "mcp "
                  + config.name()
                  + ": the server did not exit when its input closed; "
                  + switch (how) {
                    case TERMINATED -> "terminated it (SIGTERM)";
                    case KILLED -> "killed it (SIGKILL)";
                    default -> "killed it, and some of its processes are still exiting";
                  });
        }
        stopped();
      }
    }
  }

  /**
   * Has the writer thread close the server's stdin once the line it writes is written; what is
   * still queued is dropped, and every later send fails at once as "not running" (a lost session:
   * the request is retried on a new one if it may be).
   */
  private void closeStdin() {
    if (writeFailure == null) {
      writeFailure = "MCP server '" + config.name() + "' is not running";
    }
    ending = true; // in case senders refill the queue before END gets in
    lines.clear();
    lines.offer(END);
  }

  /** This transport's process (tree) is gone: the shutdown hook need not wait for it. */
  private void stopped() {
    closeStdin(); // ends the writer thread, if the server ended first
    RUNNING.remove(this);
    stopped.complete(null);
  }

  /**
   * The servers running in this JVM, and the shutdown hook that takes them down with it: on SIGTERM
   * (or any exit) it gives their orderly close {@link #ORDERLY} to finish, then kills the trees of
   * those still running, so that no MCP server outlives Agora.
   */
  private static final Set<StdioTransport> RUNNING = ConcurrentHashMap.newKeySet();

  static final Duration ORDERLY = Duration.ofSeconds(2);

  private static final AtomicBoolean HOOKED = new AtomicBoolean();

  private static void running(StdioTransport t) {
    RUNNING.add(t);
    if (HOOKED.compareAndSet(false, true)) {
      try {
        Runtime.getRuntime()
            .addShutdownHook(new Thread(StdioTransport::reap, "agora-mcp-children"));
      } catch (IllegalStateException shuttingDown) {
        // started while the JVM exits: the orderly close is all there is
      }
    }
  }

  /** The shutdown hook: waits for the orderly close of every server, then kills what is left. */
  static void reap() {
    CompletableFuture<?>[] closing =
        RUNNING.stream().map(t -> t.stopped).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(closing).get(ORDERLY.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // some are still running: killed below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (StdioTransport t : List.copyOf(RUNNING)) {
      t.closing = true;
      ProcessTree.kill(t.process.toHandle());
      t.stopped();
    }
  }

  /** How many lines wait for the writer thread (tests). */
  int queued() {
    return lines.size();
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
