package dev.agora.server;

import dev.agora.core.Marketplace;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.json.Json;
import dev.agora.core.json.JsonLines;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * {@code agora mcp}: the marketplace as an MCP server on stdin/stdout, for clients that start their
 * servers as child processes. The whole session acts as one security context (the process owner
 * chose it with {@code --as}); stdout carries only JSON-RPC — everything else goes to stderr.
 *
 * <p>One thread reads stdin; each request is answered on a virtual thread of its own, so any number
 * up to {@link #MAX_IN_FLIGHT} run at once (one more is answered with an error at once, never
 * queued); every message out is written whole, one line at a time, by whichever thread has it. A
 * line that is not JSON-RPC is answered with a JSON-RPC error and reading goes on. The end of input
 * ends the session ({@link #ended()}): the requests still running get {@link #GRACE} to finish,
 * then are cancelled (the call path records that) and get as long again to say so.
 */
public final class StdioServer implements AutoCloseable {

  /** The largest message read, in bytes: a longer line is dropped unread and refused. */
  public static final int MAX_MESSAGE = 4 << 20;

  /** The most requests of the client running at once. */
  public static final int MAX_IN_FLIGHT = 2048;

  /** How long the end of input waits for the requests running, before cancelling them. */
  static final Duration GRACE = Duration.ofMillis(400);

  private final McpGateway gateway;
  private final Peer peer;
  private final InputStream in;
  private final OutputStream out;
  private final int maxMessage;
  private final Consumer<String> log;
  private final Object writeLock = new Object();

  /** Completes as the session starts to end: what listens says it is over. */
  private final CountDownLatch finishing = new CountDownLatch(1);

  private final CompletableFuture<Void> ended = new CompletableFuture<>();
  private volatile boolean closing;

  /**
   * Serves on {@code in}/{@code out} as {@code caller}, messages up to {@code maxMessage} bytes;
   * {@code log} hears what went wrong with the streams.
   */
  public StdioServer(
      Marketplace marketplace,
      SecurityContext caller,
      InputStream in,
      OutputStream out,
      int maxMessage,
      Consumer<String> log) {
    this.gateway = new McpGateway(marketplace);
    this.peer = new Peer(caller, null, MAX_IN_FLIGHT);
    this.in = in;
    this.out = out;
    this.maxMessage = maxMessage;
    this.log = log;
    peer.notices = this::send;
    gateway.join(peer);
    Thread.ofPlatform().daemon().name("agora-mcp-stdin").start(this::read);
  }

  public McpGateway gateway() {
    return gateway;
  }

  /**
   * Completes when the session is over — its input ended (and the requests running were answered or
   * cancelled) or the client closed its output.
   */
  public CompletableFuture<Void> ended() {
    return ended;
  }

  private void read() {
    JsonLines lines = new JsonLines(in, maxMessage);
    try {
      for (JsonLines.Line line = lines.next(); line != null && !closing; line = lines.next()) {
        switch (line) {
          case JsonLines.Line.Text t -> take(t.text());
          case JsonLines.Line.TooLong big ->
              send(
                  Rpc.error(
                      big.id() == null ? Value.NIL : Json.fromJava(big.id()),
                      Rpc.INVALID_REQUEST,
                      "Invalid Request: a message is at most "
                          + maxMessage
                          + " bytes; this one, of "
                          + big.bytes()
                          + " bytes, was dropped"));
        }
      }
    } catch (IOException | RuntimeException e) {
      if (!closing) {
        log.accept("agora mcp: reading stdin failed: " + e.getMessage());
      }
    }
    finish();
  }

  private void take(String line) {
    if (line.isBlank()) {
      return;
    }
    Rpc.Message message;
    try {
      message = Rpc.parse(line.getBytes(StandardCharsets.UTF_8));
    } catch (Rpc.Invalid e) {
      send(Rpc.error(e.id, e.code, e.getMessage()));
      return;
    }
    switch (message) {
      case Rpc.Request r -> Thread.ofVirtual().name("agora-mcp-request").start(() -> answer(r));
      case Rpc.Notification n -> gateway.notice(peer, n);
      case Rpc.Response r -> peer.answered(r);
    }
  }

  private void answer(Rpc.Request request) {
    Peer.Running running = peer.start(request.id());
    if (running == null) {
      send(
          Rpc.error(
              request.id(),
              Rpc.SERVER_ERROR,
              "too many requests in flight: at most "
                  + peer.maxInFlight()
                  + " at once on one session; this one was refused, retry when answers come"));
      return;
    }
    try {
      if (request.method().equals("subscriptions/listen") && McpGateway.stateless(request)) {
        listen(request);
        return;
      }
      Dict answer = gateway.answer(peer, request, this::send);
      Thread.interrupted(); // a cancellation has done its work: the answer is still written
      if (!running.cancelled) { // a cancelled request is not answered (the protocol says so)
        send(answer);
      }
    } finally {
      peer.finish(request.id(), running);
    }
  }

  /**
   * A 2026-07-28 {@code subscriptions/listen}: its acknowledgement, then the changes it asked for,
   * each tagged with its id, on stdout — until the client cancels it ({@code
   * notifications/cancelled}: no answer) or the session ends (a {@code complete} result). It holds
   * one of the session's request slots meanwhile.
   */
  private void listen(Rpc.Request request) {
    Peer listener = new Peer(peer.caller, null, 1);
    Dict meta = McpGateway.subscription(request.id());
    // what comes while it subscribes waits, and follows the acknowledgement
    List<Dict> early = new ArrayList<>();
    boolean[] acknowledged = {false};
    listener.notices =
        m -> {
          synchronized (writeLock) {
            if (!acknowledged[0]) {
              return early.add(m);
            }
          }
          return send(McpGateway.tagged(m, meta));
        };
    try {
      Dict honoured;
      try {
        honoured = gateway.listenStatelessly(listener, request);
      } catch (Rpc.Failure f) {
        send(Rpc.error(request.id(), f.code, f.getMessage(), f.data));
        return;
      }
      synchronized (writeLock) {
        send(McpGateway.acknowledgement(honoured, meta));
        acknowledged[0] = true;
        early.forEach(m -> send(McpGateway.tagged(m, meta)));
      }
      try {
        finishing.await();
        send(Rpc.result(request.id(), Rpc.obj("resultType", "complete")));
      } catch (InterruptedException e) { // cancelled by its client: nothing more is said
        Thread.currentThread().interrupt();
      }
    } finally {
      gateway.leave(listener);
    }
  }

  /** Writes one message as one line; false when stdout is gone (which ends the session). */
  private boolean send(Dict message) {
    byte[] bytes = Rpc.bytes(message);
    synchronized (writeLock) {
      try {
        out.write(bytes);
        out.write('\n');
        out.flush();
        return true;
      } catch (IOException e) {
        if (!closing) {
          log.accept("agora mcp: cannot answer on stdout: " + e.getMessage());
        }
      }
    }
    if (!closing) {
      closing = true;
      Thread.ofVirtual().start(this::finish); // not on this thread: it holds a request's slot
    }
    return false;
  }

  /** The end of the session: what runs gets its grace, then is cancelled. */
  private synchronized void finish() {
    finishing.countDown();
    if (ended.isDone()) {
      return;
    }
    if (!peer.drain(GRACE)) {
      peer.cancelAll();
      peer.drain(GRACE);
    }
    gateway.leave(peer);
    ended.complete(null);
  }

  @Override
  public void close() {
    closing = true;
    finishing.countDown();
    peer.cancelAll();
    gateway.leave(peer);
    gateway.close();
    ended.complete(null);
  }
}
