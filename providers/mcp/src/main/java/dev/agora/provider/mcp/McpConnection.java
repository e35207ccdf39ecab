package dev.agora.provider.mcp;

import dev.agora.core.spi.Provider;
import dev.agora.core.telemetry.Telemetry;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.customizer.McpSyncHttpClientRequestCustomizer;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpTransportSessionNotFoundException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import reactor.core.publisher.Mono;

/**
 * The one session Agora keeps with an MCP server, shared by discovery and every call to its tools.
 * It connects on first use ({@code initialize}, then {@code notifications/initialized}, both by the
 * SDK), answers {@code ping} and {@code roots/list}, and recovers: when the server has lost the
 * session (HTTP 404 / unknown session) or its process died, the next request re-initializes, and an
 * idempotent request is retried once on the new session.
 */
final class McpConnection implements AutoCloseable {

  /** The server could not be reached, or its session was lost and the request not retried. */
  static final class Unavailable extends RuntimeException {
    Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A request ran past its deadline (it was cancelled on the server). */
  static final class DeadlinePassed extends RuntimeException {
    DeadlinePassed(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The caller gave up while the request was in flight — its thread was interrupted (its client
   * cancelled, or the deadline passed): the request was cancelled on the server.
   */
  static final class Cancelled extends RuntimeException {
    Cancelled(String message) {
      super(message, null, false, false);
    }
  }

  /** The server's reply was larger than its {@code max_bytes}, and was dropped. */
  static final class TooLarge extends RuntimeException {
    TooLarge(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The server answered with a JSON-RPC error, or a tool reported one ({@code isError}, no cause).
   */
  static final class ServerError extends RuntimeException {
    ServerError(String message, Throwable cause) {
      super(message, cause);
    }

    /**
     * Whether the server refused what the caller sent — a tool's own error result, invalid params
     * or request, an unknown resource — rather than failing itself: such errors never count against
     * the circuit breaker (issue 12). Read from the JSON-RPC code, not the message.
     */
    boolean callerFault() {
      if (!(getCause() instanceof McpError err)) {
        return getCause() == null;
      }
      int code = err.getJsonRpcError() == null ? 0 : err.getJsonRpcError().code();
      return code == McpSchema.ErrorCodes.INVALID_PARAMS
          || code == McpSchema.ErrorCodes.INVALID_REQUEST
          || code == McpSchema.ErrorCodes.RESOURCE_NOT_FOUND;
    }
  }

  /** One live session: the client and the transport under it. */
  private record Session(McpAsyncClient client, TrackingTransport transport, long generation) {}

  private final McpServerConfig config;
  private final Consumer<String> log;
  private final Function<List<McpSchema.Tool>, Mono<Void>> toolsChanged;
  private final Runnable catalogChanged;
  private final Runnable reconnected;
  private final CallsInFlight calls;
  private final Subscriptions subscriptions;
  private final Object lock = new Object();
  private volatile Session session; // written under lock; read without it by ready()
  private long generation;
  private volatile boolean closed;

  /**
   * @param toolsChanged called with the new tool list after {@code
   *     notifications/tools/list_changed}
   * @param catalogChanged called after {@code notifications/resources/list_changed} or {@code
   *     prompts/list_changed}, on the SDK's thread: it must not block
   * @param reconnected called (on a background thread) after a lost session was re-established
   */
  McpConnection(
      McpServerConfig config,
      Consumer<String> log,
      Function<List<McpSchema.Tool>, Mono<Void>> toolsChanged,
      Runnable catalogChanged,
      Runnable reconnected) {
    this.config = config;
    this.log = log;
    this.toolsChanged = toolsChanged;
    this.catalogChanged = catalogChanged;
    this.reconnected = reconnected;
    this.calls = new CallsInFlight(config.name(), config.secrets());
    this.subscriptions = new Subscriptions(config.name(), log);
    subscriptions.to(
        new Subscriptions.Server() {
          @Override
          public void subscribe(String uri) {
            offersSubscriptions();
            request(
                "resources/subscribe " + uri,
                c -> c.subscribeResource(new McpSchema.SubscribeRequest(uri)),
                config.timeout(),
                null,
                true);
          }

          @Override
          public void unsubscribe(String uri) {
            if (!ready()) {
              return; // no session: the server holds no subscription, and none is started for it
            }
            request(
                "resources/unsubscribe " + uri,
                c -> c.unsubscribeResource(new McpSchema.UnsubscribeRequest(uri)),
                config.timeout(),
                null,
                true);
          }
        });
  }

  /**
   * Watches resource {@code uri} on the server ({@code resources/subscribe}), for as long as the
   * returned subscription is open, across new sessions.
   *
   * @throws ServerError when the server does not offer subscriptions or refused this one
   */
  Provider.Subscription subscribe(String uri, Runnable updated) {
    return subscriptions.add(uri, updated);
  }

  /** The resources watched now (tests). */
  Set<String> watched() {
    return subscriptions.watched();
  }

  private void offersSubscriptions() {
    McpSchema.ServerCapabilities caps = session().client().getServerCapabilities();
    if (caps == null
        || caps.resources() == null
        || !Boolean.TRUE.equals(caps.resources().subscribe())) {
      throw new ServerError(
          "it does not offer resource subscriptions (no capabilities.resources.subscribe)", null);
    }
  }

  /** The calls in flight: where progress, sampling and elicitation from the server go. */
  CallsInFlight calls() {
    return calls;
  }

  /**
   * Whether there is a live session: a request now needs no connecting or initializing (closing
   * forgets the session for good).
   */
  boolean ready() {
    return session != null;
  }

  /** The live session, connecting (and initializing) first if there is none. */
  private Session session() {
    synchronized (lock) {
      if (closed) {
        throw closed(config.name());
      }
      if (session == null) {
        session = open(++generation);
      }
      return session;
    }
  }

  /** The failure of a request to server {@code name} after its connection was closed. */
  static Unavailable closed(String name) {
    return new Unavailable("the connection to MCP server '" + name + "' is closed", null);
  }

  @SuppressWarnings(
      "deprecation") // HttpClientSseClientTransport: the legacy transport is deprecated, and still
  // deployed
  private Session open(long gen) {
    TrackingTransport[] tracking = new TrackingTransport[1];
    McpClientTransport inner =
        switch (config.transport()) {
          case STDIO ->
              new StdioTransport(
                  config, McpJsonDefaults.getMapper(), log, () -> died(gen, tracking[0]));
          case HTTP ->
              HttpClientStreamableHttpTransport.builder(base())
                  .endpoint(path())
                  .maxResponseSize(config.maxBytes())
                  .requestBuilder(headers())
                  .httpRequestCustomizer(TRACE_HEADERS)
                  .connectTimeout(Duration.ofSeconds(10))
                  .build();
          case SSE ->
              HttpClientSseClientTransport.builder(base())
                  .sseEndpoint(path())
                  .maxResponseSize(config.maxBytes())
                  .requestBuilder(headers())
                  .httpRequestCustomizer(TRACE_HEADERS)
                  .connectTimeout(Duration.ofSeconds(10))
                  .build();
        };
    tracking[0] = new TrackingTransport(inner, subscriptions::updated);
    McpClient.AsyncSpec spec =
        McpClient.async(tracking[0])
            .clientInfo(
                McpSchema.Implementation.builder("agora", "0.1.0")
                    .title("Agora capability marketplace")
                    .build())
            .requestTimeout(config.timeout())
            .initializationTimeout(config.timeout())
            .toolsChangeConsumer(toolsChanged)
            .resourcesChangeConsumer(r -> Mono.fromRunnable(catalogChanged))
            .promptsChangeConsumer(p -> Mono.fromRunnable(catalogChanged))
            .loggingConsumer(
                n -> {
                  log.accept("mcp " + config.name() + " log " + n.level() + ": " + n.data());
                  return Mono.empty();
                });
    McpSchema.ClientCapabilities.Builder caps = McpSchema.ClientCapabilities.builder();
    if (!config.roots().isEmpty()) {
      caps.roots(false);
      spec.roots(config.roots().stream().map(uri -> new McpSchema.Root(uri, null)).toList());
    }
    calls.wire(spec, caps);
    McpAsyncClient client = spec.build();
    try {
      client.initialize().toFuture().get(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      client.closeGracefully().subscribe(v -> {}, err -> {});
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new Unavailable(
          "cannot initialize MCP server '"
              + config.name()
              + "' ("
              + config.where()
              + "): "
              + (timedOut(cause)
                  ? "no answer within " + config.timeout().toMillis() + " ms"
                  : message(cause)),
          cause);
    } catch (InterruptedException e) {
      client.close();
      Thread.currentThread().interrupt();
      throw new Unavailable(
          "interrupted while connecting to MCP server '" + config.name() + "'", e);
    }
    if (gen > 1 && !subscriptions.watched().isEmpty()) {
      // a new session: the server forgot what was subscribed to (asked once this one is in place)
      Thread.ofVirtual().name("agora-mcp-resubscribe").start(subscriptions::renew);
    }
    return new Session(client, tracking[0], gen);
  }

  private String base() {
    String u = config.url().toString();
    String p = config.url().getRawPath();
    return p == null || p.isEmpty()
        ? u
        : u.substring(
            0,
            u.length()
                - p.length()
                - (config.url().getRawQuery() == null
                    ? 0
                    : config.url().getRawQuery().length() + 1));
  }

  private String path() {
    URI e = config.endpoint();
    return e.getRawQuery() == null ? e.getRawPath() : e.getRawPath() + "?" + e.getRawQuery();
  }

  private HttpRequest.Builder headers() {
    HttpRequest.Builder b = HttpRequest.newBuilder();
    config.headers().forEach(b::header);
    return b;
  }

  /** Forgets session {@code s} (closing it) so that the next request opens a new one. */
  private void drop(Session s) {
    synchronized (lock) {
      if (session == s) {
        session = null;
      } else {
        return;
      }
    }
    s.client().closeGracefully().subscribe(v -> {}, e -> {});
  }

  /** The stdio child exited: fail what is in flight now, and reconnect on the next request. */
  private void died(long gen, TrackingTransport transport) {
    synchronized (lock) {
      if (session != null && session.generation() == gen) {
        session = null;
      }
    }
    if (transport != null) {
      transport.failAll("MCP server '" + config.name() + "' exited");
    }
  }

  /**
   * A request that Agora can send itself, past the SDK's client, where the transport allows it
   * ({@link TrackingTransport#direct()}): its method, params and the type of its result. Sent only
   * when the server declared the {@code capability} it needs; otherwise it goes to the SDK's
   * client, as it always did.
   */
  record Direct<T>(
      String method,
      Object params,
      TypeRef<T> type,
      Predicate<McpSchema.ServerCapabilities> capability) {

    /** Whether the server declared the capability this request needs. */
    boolean offered(McpSchema.ServerCapabilities c) {
      return c != null && capability.test(c);
    }
  }

  /**
   * Runs one request with a deadline. {@code tag} marks it for cancellation (null: not
   * cancellable); {@code retry} says whether it may be sent again once if the session turns out to
   * be lost.
   */
  <T> T request(
      String what,
      Function<McpAsyncClient, Mono<T>> op,
      Duration deadline,
      Object tag,
      boolean retry) {
    return request(what, op, null, deadline, tag, retry);
  }

  /**
   * {@link #request(String, Function, Duration, Object, boolean)}, sent past the SDK's client as
   * {@code direct} where the session allows it: one wake-up of the caller per request.
   */
  <T> T request(
      String what,
      Function<McpAsyncClient, Mono<T>> op,
      Direct<T> direct,
      Duration deadline,
      Object tag,
      boolean retry) {
    Session s = session();
    try {
      return await(s, what, op, direct, deadline, tag);
    } catch (ServerError | Unavailable e) {
      if (!lost(e)) {
        throw e;
      }
      Session fresh = reconnect(s);
      if (!retry) {
        throw new Unavailable(
            "MCP server '"
                + config.name()
                + "' lost the session during "
                + what
                + " ("
                + message(e)
                + "); it was re-initialized, but the request was not retried because it is not idempotent",
            e);
      }
      log.accept(
          "mcp "
              + config.name()
              + ": session lost during "
              + what
              + "; re-initialized and retrying once");
      return await(fresh, what, op, direct, deadline, tag);
    }
  }

  /**
   * {@code request} carrying the W3C trace headers of the traced call under way on this thread, if
   * any, to the HTTP request the SDK's transport makes for it on another thread ({@link
   * #TRACE_HEADERS} reads them there).
   */
  private static <T> Mono<T> traced(Mono<T> request) {
    Map<String, Object> headers = new HashMap<>(2);
    Telemetry.propagate(headers::put);
    return headers.isEmpty()
        ? request
        : request.contextWrite(
            reactor.util.context.Context.of(
                McpTransportContext.KEY, McpTransportContext.create(headers)));
  }

  /** Sets the trace headers {@link #traced} passed along on the SDK's HTTP request. */
  static final McpSyncHttpClientRequestCustomizer TRACE_HEADERS =
      (builder, method, uri, body, context) -> {
        for (String name : List.of(Telemetry.TRACEPARENT, Telemetry.TRACESTATE)) {
          if (context != null && context.get(name) instanceof String value) {
            builder.setHeader(name, value);
          }
        }
      };

  private <T> T await(
      Session s,
      String what,
      Function<McpAsyncClient, Mono<T>> op,
      Direct<T> direct,
      Duration deadline,
      Object tag) {
    long ms = Math.max(1, deadline.toMillis());
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    try {
      if (direct != null
          && s.transport().direct()
          && direct.offered(s.client().getServerCapabilities())) {
        Object result =
            Deadlines.await(s.transport().exchange(direct.method(), direct.params()), until);
        try {
          return s.transport().unmarshalFrom(result, direct.type());
        } catch (RuntimeException e) { // a result of the wrong shape, failed as the SDK fails it
          throw new ExecutionException(e);
        }
      }
      return Deadlines.await(traced(op.apply(s.client())).toFuture(), until);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (Thread.currentThread().isInterrupted()) {
        // the caller gave up as the request failed (the marketplace closing interrupts its calls,
        // then closes this connection): the call was cancelled, whatever the request says
        throw new Cancelled(
            "the caller gave up while " + what + " on MCP server '" + config.name() + "' ran");
      }
      if (timedOut(cause) || System.nanoTime() - until >= 0) {
        // the SDK's own request timeout, or a failure that came after the deadline (a write that
        // waited out a full pipe, a server that failed late): the deadline is what counts
        throw passed(s, what, ms, tag);
      }
      if (tooLarge(cause) != null) {
        throw new TooLarge(
            "the reply to "
                + what
                + tooLarge(cause)
                + " is larger than max_bytes ("
                + config.maxBytes()
                + " bytes) and was dropped",
            cause);
      }
      if (cause instanceof McpError err && !lost(err)) {
        throw new ServerError(message(err), err);
      }
      throw new Unavailable(
          what + " on MCP server '" + config.name() + "' failed: " + message(cause), cause);
    } catch (TimeoutException e) {
      throw passed(s, what, ms, tag);
    } catch (InterruptedException e) {
      cancel(s, tag, "the caller gave up (it cancelled the call, or its deadline passed)");
      Thread.currentThread().interrupt();
      throw new Cancelled(
          "the caller gave up while " + what + " on MCP server '" + config.name() + "' ran");
    }
  }

  /** The request ran past its deadline of {@code ms}: cancelled on the server, and said so. */
  private DeadlinePassed passed(Session s, String what, long ms, Object tag) {
    cancel(s, tag, "deadline of " + ms + " ms passed");
    return new DeadlinePassed(
        what + " on MCP server '" + config.name() + "' took longer than " + ms + " ms");
  }

  private void cancel(Session s, Object tag, String reason) {
    if (config.transport() == McpServerConfig.Transport.SSE) {
      // the SDK's SSE transport ends its event stream, without a word, on an event over
      // max_bytes: every later answer would be lost, so the next request opens a new session
      drop(s);
    }
    if (tag != null && s.transport().cancel(tag, reason)) {
      log.accept(
          "mcp "
              + config.name()
              + ": sent notifications/cancelled for call "
              + tag
              + " ("
              + reason
              + ")");
    }
  }

  /**
   * Replaces {@code broken} with a new session (unless another thread already has) and returns the
   * live one.
   */
  private Session reconnect(Session broken) {
    Session fresh;
    synchronized (lock) {
      if (closed) { // closing ends the calls in flight: none may start the server again
        throw closed(config.name());
      }
      if (session == null || session == broken) {
        if (session != null) {
          session.client().closeGracefully().subscribe(v -> {}, e -> {});
        }
        session = null;
        session = open(++generation);
        Thread.ofVirtual().start(reconnected);
      }
      fresh = session;
    }
    return fresh;
  }

  /**
   * Whether a failure is a reply over {@code max_bytes}: null if not, else its size for messages
   * (empty when unknown), said in the error the request was failed with: by the stdio transport,
   * which knows which reply it dropped, or by the tracking of HTTP requests, which does not.
   */
  private static String tooLarge(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof McpError err
          && err.getJsonRpcError() != null
          && err.getJsonRpcError().data() instanceof Map<?, ?> data
          && data.get(StdioTransport.DROPPED) instanceof Number n) {
        return n.longValue() < 0 ? "" : " (" + n + " bytes)";
      }
      if (String.valueOf(c.getMessage()).contains(TrackingTransport.OVER_LIMIT)) {
        return "";
      }
    }
    return null;
  }

  /** Whether a failure is (caused by) a timeout: the SDK's own, Reactor's, or ours. */
  private static boolean timedOut(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof TimeoutException) {
        return true;
      }
    }
    return false;
  }

  /** Whether a failure means the server no longer knows our session (or is gone): re-initialize. */
  static boolean lost(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof McpTransportSessionNotFoundException) {
        return true;
      }
      String m = String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT);
      if (m.contains("session")
              && (m.contains("terminated") || m.contains("not found") || m.contains("closed"))
          || m.contains("exited")
          || m.contains("not running")
          || m.contains("connection refused")
          || m.contains("cannot write to mcp server")) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@link #telling} without the server's secrets: what the server answered may quote what it was
   * sent, and these messages reach discovery reports, the log and the Causal Chain (issue 11).
   */
  private String message(Throwable t) {
    return config.secrets().redact(telling(t));
  }

  /**
   * The most telling message in a chain of causes: one of Agora's own (naming the server), else the
   * deepest — the SDK wraps causes in generic messages ("Client failed to initialize…").
   */
  static String telling(Throwable t) {
    String deepest = null;
    for (Throwable c = t; c != null; c = c.getCause()) {
      String m = c.getMessage();
      if (m != null && m.contains("MCP server '")) {
        return m;
      }
      if (m != null) {
        deepest = m;
      }
    }
    return deepest == null ? t.getClass().getSimpleName() : deepest;
  }

  /** How many requests are waiting for an answer on the current session (tests). */
  int inFlight() {
    synchronized (lock) {
      return session == null ? 0 : session.transport().inFlight();
    }
  }

  /** The stdio child's pid, or -1 (tests). */
  long pid() {
    synchronized (lock) {
      return session != null && session.transport().inner() instanceof StdioTransport st
          ? st.pid()
          : -1;
    }
  }

  @Override
  public void close() {
    Session s;
    synchronized (lock) {
      closed = true;
      s = session;
      session = null;
    }
    if (s != null) {
      try {
        s.client().closeGracefully().toFuture().get(3, TimeUnit.SECONDS);
      } catch (Exception e) {
        s.client().close();
      }
      s.transport().close();
    }
  }
}
