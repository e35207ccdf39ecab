package dev.agora.provider.mcp;

import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * Wraps a transport to know which requests are in flight — what the SDK does not expose — so that
 * Agora can (1) send {@code notifications/cancelled} for the request behind a call that ran past
 * its deadline, and (2) fail every request in flight at once when the connection is known to be
 * dead, instead of letting each wait out its timeout. A call is found by the progress token Agora
 * puts in its {@code _meta}: the call's own id. Over stdio it is also Agora's own lane to the
 * server ({@link #exchange}): requests sent past the SDK's session, their replies handed straight
 * to the thread that waits for them.
 */
final class TrackingTransport implements McpClientTransport {

  /** How the SDK's HTTP transports say that a body was over their limit. */
  static final String OVER_LIMIT = "exceeds the maximum allowed size";

  /** A request sent and not yet answered. */
  private record InFlight(String method, Object tag) {}

  private final McpClientTransport inner;
  private final Map<Object, InFlight> inFlight = new ConcurrentHashMap<>();
  private volatile Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler;

  private volatile Consumer<Throwable> exceptions = t -> {};

  /** Agora's own requests (null: the transport cannot hand replies over, they go to the SDK). */
  private final Replies replies;

  TrackingTransport(McpClientTransport inner) {
    this.inner = inner;
    inner.setExceptionHandler(this::exception);
    if (inner instanceof StdioTransport stdio) {
      replies = new Replies();
      stdio.handOver(this::answer);
    } else {
      replies = null;
    }
  }

  /** Whether requests can be sent past the SDK's session: {@link #exchange}. */
  boolean direct() {
    return replies != null;
  }

  /**
   * Sends a request of Agora's own and waits for its reply on the calling thread, past the SDK's
   * session (which still handles everything else: initialization, the server's notifications and
   * requests). Only where {@link #direct()}. Fails as the SDK's requests do: a JSON-RPC error, or a
   * request that cannot be sent, as an {@link ExecutionException} with the {@link McpError} or the
   * transport's failure as its cause.
   *
   * @return the reply's result
   * @throws TimeoutException {@code deadlineNanos} ({@link System#nanoTime()}) passed first
   * @throws InterruptedException the caller gave up first
   */
  Object exchange(String method, Object params, long deadlineNanos)
      throws InterruptedException, TimeoutException, ExecutionException {
    String id = replies.nextId();
    Replies.Waiter w = replies.expect(id, deadlineNanos);
    try {
      sendMessage(new McpSchema.JSONRPCRequest(McpSchema.JSONRPC_VERSION, method, id, params))
          .block();
    } catch (RuntimeException e) {
      inFlight.remove(id);
      replies.forget(id, w);
      if (w.overdue(System.nanoTime())) {
        throw new TimeoutException(); // the write waited out the deadline (a full pipe)
      }
      throw new ExecutionException(e);
    }
    // given up (deadline, interrupt), the request stays in flight until cancelled or answered
    McpSchema.JSONRPCResponse reply = replies.await(id, w);
    if (reply.error() != null && w.overdue(System.nanoTime())) {
      throw new TimeoutException(); // the server failed past the deadline: the deadline counts
    }
    if (reply.error() != null) {
      throw new ExecutionException(new McpError(reply.error()));
    }
    return reply.result();
  }

  /**
   * A reply from the server: one to a request of Agora's own is taken (the SDK's session knows
   * nothing of it) and handed to its waiter, if it still waits.
   */
  private boolean answer(McpSchema.JSONRPCResponse reply) {
    if (!(reply.id() instanceof String id && id.startsWith(Replies.PREFIX))) {
      return false;
    }
    inFlight.remove(id); // before the waiter wakes: it is answered
    replies.answer(reply);
    return true;
  }

  /**
   * What the transport could not handle. A reply over the HTTP transports' body limit is only
   * reported here, without the request it answered, which would wait for its deadline: the requests
   * in flight fail with it at once.
   */
  private void exception(Throwable t) {
    if (String.valueOf(t.getMessage()).contains(OVER_LIMIT)) {
      failAll(
          "a reply was larger than the transport's limit and was dropped",
          Map.of(StdioTransport.DROPPED, -1));
    }
    exceptions.accept(t);
  }

  @Override
  public Mono<Void> connect(
      Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> h) {
    this.handler = h;
    return inner.connect(in -> h.apply(in.doOnNext(this::answered)));
  }

  private void answered(McpSchema.JSONRPCMessage m) {
    if (m instanceof McpSchema.JSONRPCResponse r) {
      inFlight.remove(r.id());
    }
  }

  @Override
  public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
    if (message instanceof McpSchema.JSONRPCRequest r) {
      inFlight.put(r.id(), new InFlight(r.method(), tagOf(r.params())));
    }
    return inner.sendMessage(message);
  }

  private static Object tagOf(Object params) {
    Map<String, Object> meta =
        switch (params) {
          case McpSchema.CallToolRequest c -> c.meta();
          case McpSchema.ReadResourceRequest rr -> rr.meta();
          case McpSchema.GetPromptRequest g -> g.meta();
          case null, default -> null;
        };
    return meta == null ? null : meta.get("progressToken");
  }

  /**
   * Cancels the request tagged {@code tag}: tells the server ({@code notifications/cancelled}) and
   * completes it locally with an error. Returns whether one was in flight.
   */
  boolean cancel(Object tag, String reason) {
    for (Map.Entry<Object, InFlight> e : inFlight.entrySet()) {
      if (tag.equals(e.getValue().tag())) {
        Object id = e.getKey();
        inner
            .sendMessage(
                new McpSchema.JSONRPCNotification(
                    McpSchema.JSONRPC_VERSION,
                    "notifications/cancelled",
                    Map.of("requestId", id, "reason", reason)))
            .subscribe(v -> {}, err -> {});
        fail(id, reason, null);
        return true;
      }
    }
    return false;
  }

  /** Fails every request in flight with {@code reason} (the server is gone). */
  void failAll(String reason) {
    failAll(reason, null);
  }

  private void failAll(String reason, Object data) {
    inFlight.keySet().forEach(id -> fail(id, reason, data));
  }

  private void fail(Object id, String reason, Object data) {
    if (inFlight.remove(id) == null) {
      return;
    }
    McpSchema.JSONRPCResponse error =
        new McpSchema.JSONRPCResponse(
            McpSchema.JSONRPC_VERSION,
            id,
            null,
            new McpSchema.JSONRPCResponse.JSONRPCError(
                McpSchema.ErrorCodes.INTERNAL_ERROR, reason, data));
    if (replies != null && answer(error)) {
      return;
    }
    if (handler != null) {
      handler.apply(Mono.just(error)).subscribe(m -> {}, e -> {});
    }
  }

  /** How many requests are waiting for an answer. */
  int inFlight() {
    return inFlight.size();
  }

  McpClientTransport inner() {
    return inner;
  }

  @Override
  public void setExceptionHandler(Consumer<Throwable> h) {
    exceptions = h;
  }

  /**
   * Closing fails Agora's own requests still in flight at once, as the SDK's session fails its own
   * ("terminated": a lost session, retried on a new one where the request may be), rather than
   * leaving them to their deadlines.
   */
  @Override
  public Mono<Void> closeGracefully() {
    failOwn();
    return inner.closeGracefully();
  }

  @Override
  public void close() {
    failOwn();
    inner.close();
  }

  private void failOwn() {
    if (replies != null) {
      inFlight.keySet().stream()
          .filter(id -> id instanceof String s && s.startsWith(Replies.PREFIX))
          .forEach(id -> fail(id, "MCP session with server terminated", null));
    }
  }

  @Override
  public List<String> protocolVersions() {
    return inner.protocolVersions();
  }

  @Override
  public <T> T unmarshalFrom(Object data, TypeRef<T> type) {
    return inner.unmarshalFrom(data, type);
  }
}
