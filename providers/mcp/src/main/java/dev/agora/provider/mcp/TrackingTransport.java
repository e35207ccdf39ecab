package dev.agora.provider.mcp;

import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
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

  /** How the ids of Agora's own requests begin: never one of the SDK's (a UUID prefix). */
  static final String OWN = "agora-";

  /**
   * A request sent and not yet answered; {@code result} is where the answer to one of Agora's own
   * requests goes ({@link #exchange}), null for the SDK's.
   */
  private record InFlight(String method, Object tag, CompletableFuture<Object> result) {}

  private final McpClientTransport inner;
  private final Map<Object, InFlight> inFlight = new ConcurrentHashMap<>();
  private volatile Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler;

  private volatile Consumer<Throwable> exceptions = t -> {};

  /** Whether the transport hands replies over, so that Agora can send requests of its own. */
  private final boolean direct;

  private final AtomicLong ids = new AtomicLong();

  /** Where {@code notifications/resources/updated} goes: the URI it names. */
  private final Consumer<String> updated;

  TrackingTransport(McpClientTransport inner) {
    this(inner, uri -> {});
  }

  /**
   * @param updated told the URI of each {@code notifications/resources/updated}; the SDK's session
   *     never sees one (it would read the resource again, unasked and unrecorded)
   */
  TrackingTransport(McpClientTransport inner, Consumer<String> updated) {
    this.inner = inner;
    this.updated = updated;
    inner.setExceptionHandler(this::exception);
    direct = inner instanceof StdioTransport;
    if (inner instanceof StdioTransport stdio) {
      stdio.handOver(this::answer);
    }
  }

  /** Whether requests can be sent past the SDK's session: {@link #exchange}. */
  boolean direct() {
    return direct;
  }

  /**
   * Sends a request of Agora's own, past the SDK's session (which still handles everything else:
   * initialization, the server's notifications and requests); the thread reading the server's
   * output completes the returned future with the reply's result. Only where {@link #direct()}. It
   * fails as the SDK's requests fail: with the {@link McpError} of a JSON-RPC error, or the
   * transport's failure when the request cannot be sent. A request given up (its deadline, its
   * caller) stays in flight until it is cancelled or answered.
   */
  CompletableFuture<Object> exchange(String method, Object params) {
    String id = OWN + ids.incrementAndGet();
    CompletableFuture<Object> result = new CompletableFuture<>();
    inFlight.put(id, new InFlight(method, tagOf(params), result));
    try {
      inner
          .sendMessage(new McpSchema.JSONRPCRequest(McpSchema.JSONRPC_VERSION, method, id, params))
          .block();
    } catch (RuntimeException e) {
      inFlight.remove(id);
      result.completeExceptionally(e);
    }
    return result;
  }

  /**
   * A reply from the server: one to a request of Agora's own is taken (the SDK's session knows
   * nothing of it) and completes its request, if that is still in flight.
   */
  private boolean answer(McpSchema.JSONRPCResponse reply) {
    if (!(reply.id() instanceof String id && id.startsWith(OWN))) {
      return false;
    }
    InFlight f = inFlight.remove(id);
    if (f != null) {
      complete(f.result(), reply);
    }
    return true;
  }

  private static void complete(CompletableFuture<Object> result, McpSchema.JSONRPCResponse reply) {
    if (reply.error() != null) {
      result.completeExceptionally(new McpError(reply.error()));
    } else {
      result.complete(reply.result());
    }
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
    return inner.connect(in -> h.apply(in.filter(this::passOn)));
  }

  /**
   * Notes a reply's request as answered; takes a resource's update notice for {@link #updated}.
   * Whether the message goes on to the SDK's session.
   */
  private boolean passOn(McpSchema.JSONRPCMessage m) {
    if (m instanceof McpSchema.JSONRPCResponse r) {
      inFlight.remove(r.id());
    } else if (m instanceof McpSchema.JSONRPCNotification n
        && McpSchema.METHOD_NOTIFICATION_RESOURCES_UPDATED.equals(n.method())) {
      if (n.params() instanceof Map<?, ?> p && p.get("uri") instanceof String uri) {
        updated.accept(uri);
      }
      return false;
    }
    return true;
  }

  @Override
  public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
    if (message instanceof McpSchema.JSONRPCRequest r) {
      inFlight.put(r.id(), new InFlight(r.method(), tagOf(r.params()), null));
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
    InFlight f = inFlight.remove(id);
    if (f == null) {
      return;
    }
    McpSchema.JSONRPCResponse error =
        new McpSchema.JSONRPCResponse(
            McpSchema.JSONRPC_VERSION,
            id,
            null,
            new McpSchema.JSONRPCResponse.JSONRPCError(
                McpSchema.ErrorCodes.INTERNAL_ERROR, reason, data));
    if (f.result() != null) {
      complete(f.result(), error);
    } else if (handler != null) {
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
    inFlight.forEach(
        (id, f) -> {
          if (f.result() != null) {
            fail(id, "MCP session with server terminated", null);
          }
        });
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
