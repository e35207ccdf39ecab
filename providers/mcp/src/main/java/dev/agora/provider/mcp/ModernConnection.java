package dev.agora.provider.mcp;

import dev.agora.core.spi.Provider;
import dev.agora.core.telemetry.Telemetry;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.modern.McpException;
import io.modelcontextprotocol.modern.McpSchema.CreateMessageInputRequest;
import io.modelcontextprotocol.modern.McpSchema.DiscoverResult;
import io.modelcontextprotocol.modern.McpSchema.ElicitFormRequest;
import io.modelcontextprotocol.modern.McpSchema.ElicitInputRequest;
import io.modelcontextprotocol.modern.McpSchema.ElicitResult;
import io.modelcontextprotocol.modern.McpSchema.ErrorCodes;
import io.modelcontextprotocol.modern.McpSchema.Implementation;
import io.modelcontextprotocol.modern.McpSchema.InputRequest;
import io.modelcontextprotocol.modern.McpSchema.InputRequiredResult;
import io.modelcontextprotocol.modern.McpSchema.ListRootsInputRequest;
import io.modelcontextprotocol.modern.client.McpClient;
import io.modelcontextprotocol.modern.client.McpInvalidResultException;
import io.modelcontextprotocol.modern.client.McpSyncClient;
import io.modelcontextprotocol.modern.client.McpSyncElicitationHandler;
import io.modelcontextprotocol.modern.client.McpSyncSubscriptionListener;
import io.modelcontextprotocol.modern.client.McpTimeoutException;
import io.modelcontextprotocol.modern.client.SubscriptionEvent;
import io.modelcontextprotocol.modern.client.transport.HttpClientMcpTransport;
import io.modelcontextprotocol.modern.client.transport.McpClientTransport;
import io.modelcontextprotocol.modern.client.transport.McpHttpRequestCustomizer;
import io.modelcontextprotocol.modern.client.transport.McpHttpStatusException;
import io.modelcontextprotocol.modern.client.transport.StdioMcpClientTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A 2026-07-28 ("modern") MCP server, through the Java SDK's stateless client ({@code
 * io.modelcontextprotocol.modern}): no {@code initialize} and no session — every request carries
 * the protocol version, Agora's capabilities and name in its {@code _meta}, and over HTTP the
 * {@code Mcp-Method} / {@code Mcp-Name} headers (the SDK writes both). A stdio server is a child
 * process Agora starts as it starts a 2025-11-25 one ({@link ChildEnvironment}, stderr into the
 * log), and starts again on the next request when it has exited. Results come back in the
 * 2025-11-25 schema types (the JSON is the same), so that mapping and redaction are shared.
 */
final class ModernConnection implements Upstream {

  /** The version this client speaks. */
  static final String VERSION = McpServerConfig.Protocol.MODERN.key();

  /** How long the era probe waits for {@code server/discover} at most. */
  static final Duration PROBE = Duration.ofSeconds(10);

  /** Errors only a 2026-07-28 server answers with: header mismatch, capability, version. */
  private static final Set<Integer> MODERN_ERRORS =
      Set.of(
          ErrorCodes.HEADER_MISMATCH,
          ErrorCodes.MISSING_REQUIRED_CLIENT_CAPABILITY,
          ErrorCodes.UNSUPPORTED_PROTOCOL_VERSION);

  private static final McpJsonMapper JSON = McpJsonDefaults.getMapper();

  private static final TypeRef<Map<String, Object>> MAP = new TypeRef<>() {};

  /** At most this many rounds of questions per request. */
  static final int MAX_ROUNDS = McpClient.DEFAULT_MAX_INPUT_ROUNDS;

  /** A started client: for stdio, with the child it talks to. */
  private record Live(McpSyncClient client, StdioMcpClientTransport stdio, Process process) {
    boolean alive() {
      return process == null || process.isAlive();
    }
  }

  private final McpServerConfig config;
  private final Consumer<String> log;
  private final Object lock = new Object();
  private final CallsInFlight calls;
  private volatile Live live; // written under lock; read without it by ready()
  private volatile boolean closed;

  /** The resources Agora's clients watch, each on a {@code subscriptions/listen} stream. */
  private final Subscriptions subscriptions;

  private final Map<String, McpSyncClient.Listening> streams = new ConcurrentHashMap<>();

  /** Told when the server's tools changed, and its resources or prompts ({@link #watchLists}). */
  private volatile Runnable toolsChanged;

  private volatile Runnable catalogChanged;

  /** What the server said it tells of: its tools, prompts, resources changing. */
  private volatile boolean toolChanges;

  private volatile boolean promptChanges;
  private volatile boolean resourceChanges;

  private volatile McpSyncClient.Listening toolStream;

  ModernConnection(McpServerConfig config, Consumer<String> log) {
    this.config = config;
    this.log = log;
    this.calls = new CallsInFlight(config.name(), config.secrets());
    this.subscriptions = new Subscriptions(config.name(), log);
    subscriptions.to(
        new Subscriptions.Server() {
          @Override
          public void subscribe(String uri) {
            McpSyncClient.Listening l =
                listen(
                    "subscriptions/listen " + uri,
                    spec -> spec.resourceUpdates(uri),
                    e -> {
                      if (e instanceof SubscriptionEvent.ResourceUpdated u) {
                        subscriptions.updated(u.uri());
                      }
                    },
                    ack -> ack.honoured().resourceSubscriptionsOrEmpty().contains(uri),
                    gone -> again(uri, gone));
            close(streams.put(uri, l));
          }

          @Override
          public void unsubscribe(String uri) {
            close(streams.remove(uri));
          }
        });
  }

  /**
   * Opens a {@code subscriptions/listen} stream asking what {@code filter} adds, and waits (the
   * source's timeout) for its acknowledgement, which must satisfy {@code honoured}; the stream's
   * other events go to {@code events}.
   *
   * @throws McpConnection.ServerError when the server did not honour it, or refused
   */
  private McpSyncClient.Listening listen(
      String what,
      UnaryOperator<McpSyncClient.ListenSpec> filter,
      Consumer<SubscriptionEvent> events,
      Predicate<SubscriptionEvent.Subscribed> honoured,
      Consumer<McpSyncClient.Listening> ended) {
    CompletableFuture<SubscriptionEvent.Subscribed> ack = new CompletableFuture<>();
    CompletableFuture<McpSyncClient.Listening> self = new CompletableFuture<>();
    McpSyncClient.Listening l =
        request(
            what,
            c ->
                filter
                    .apply(c.listen())
                    .open(
                        new McpSyncSubscriptionListener() {
                          @Override
                          public void onEvent(SubscriptionEvent e) {
                            if (e instanceof SubscriptionEvent.Subscribed s) {
                              ack.complete(s);
                            } else {
                              events.accept(e);
                            }
                          }

                          @Override
                          public void onError(Throwable t) {
                            if (!ack.completeExceptionally(t)) {
                              self.thenAccept(ended);
                            }
                          }

                          @Override
                          public void onComplete() {
                            if (!ack.completeExceptionally(
                                new McpConnection.ServerError("it ended " + what, null))) {
                              self.thenAccept(ended);
                            }
                          }
                        }),
            true);
    try {
      SubscriptionEvent.Subscribed s = ack.get(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
      if (honoured.test(s)) {
        self.complete(l); // from now on, its end is told
        return l;
      }
      l.close();
      throw new McpConnection.ServerError("it did not honour " + what, null);
    } catch (TimeoutException e) {
      l.close();
      throw new McpConnection.DeadlinePassed(
          what
              + " on MCP server '"
              + config.name()
              + "' took longer than "
              + config.timeout().toMillis()
              + " ms");
    } catch (ExecutionException e) {
      l.close();
      throw typed(
          what,
          e.getCause() instanceof RuntimeException re
              ? re
              : new IllegalStateException(e.getCause()));
    } catch (InterruptedException e) {
      l.close();
      Thread.currentThread().interrupt();
      throw new McpConnection.Cancelled(
          "the caller gave up while " + what + " on MCP server '" + config.name() + "' ran");
    }
  }

  /**
   * The stream watching {@code uri} ended on the server's side (the server restarted, a proxy cut
   * it): it is made again, after a pause, while the resource is still watched and this stream is
   * still the one for it.
   */
  private void again(String uri, McpSyncClient.Listening gone) {
    again(
        "the stream watching " + uri,
        () -> streams.get(uri) == gone,
        () -> subscriptions.renew(uri));
  }

  /**
   * A stream ended on the server's side: after {@link #AGAIN}, if Agora has not closed the
   * connection and {@code current} still holds (it is still the stream in use — checked after the
   * pause, since an end told at once may come before the stream is stored), {@code open} makes it
   * again.
   */
  private void again(String what, BooleanSupplier current, Runnable open) {
    Thread.ofVirtual()
        .name("agora-mcp-listen-again")
        .start(
            () -> {
              try {
                Thread.sleep(AGAIN.toMillis());
              } catch (InterruptedException e) {
                return;
              }
              if (!closed && current.getAsBoolean()) {
                log.accept("mcp " + config.name() + ": " + what + " ended; listening again");
                open.run();
              }
            });
  }

  /** How long a stream the server ended waits before it is made again. */
  static final Duration AGAIN = Duration.ofSeconds(1);

  private static void close(McpSyncClient.Listening l) {
    if (l != null) {
      l.close();
    }
  }

  /**
   * From now on {@code tools} runs (on a thread of its own) each time the server says its tools
   * changed, and {@code catalog} when its prompts or resources did — told on a {@code
   * subscriptions/listen} stream, opened again when the server is started again — for what it said
   * it tells of.
   */
  @Override
  public void watchLists(Runnable tools, Runnable catalog) {
    toolsChanged = tools;
    catalogChanged = catalog;
    listenForChanges();
  }

  private void listenForChanges() {
    Runnable tools = toolsChanged;
    Runnable catalog = catalogChanged;
    if (tools == null || !(toolChanges || promptChanges || resourceChanges)) {
      return;
    }
    try {
      McpSyncClient.Listening l =
          listen(
              "subscriptions/listen (list changes)",
              spec -> {
                McpSyncClient.ListenSpec asked = toolChanges ? spec.toolsChanged() : spec;
                asked = promptChanges ? asked.promptsChanged() : asked;
                return resourceChanges ? asked.resourcesChanged() : asked;
              },
              e -> // a stream of list changes tells of nothing else
              Thread.ofVirtual()
                      .name("agora-mcp-list-changed")
                      .start(e instanceof SubscriptionEvent.ToolsListChanged ? tools : catalog),
              ack ->
                  ack.honoured().wantsToolsListChanged() == toolChanges
                      && ack.honoured().wantsPromptsListChanged() == promptChanges
                      && ack.honoured().wantsResourcesListChanged() == resourceChanges,
              gone ->
                  again(
                      "the stream of list changes",
                      () -> toolStream == gone,
                      this::listenForChanges));
      McpSyncClient.Listening old;
      synchronized (streams) { // discovery and a restart may both open one: only one stays
        old = toolStream;
        toolStream = l;
      }
      close(old);
    } catch (RuntimeException e) {
      log.accept(
          "mcp "
              + config.name()
              + ": cannot listen for list changes ("
              + e.getMessage()
              + "); its tools, resources and prompts are listed again only when it is started"
              + " again");
    }
  }

  /** Started and alive (closing forgets the client for good). */
  @Override
  public boolean ready() {
    Live l = live;
    return l != null && l.alive();
  }

  /** The started client, starting it (and for stdio its child) when there is none or it died. */
  private Live live() {
    synchronized (lock) {
      if (closed) {
        throw McpConnection.closed(config.name());
      }
      boolean again = false;
      if (live != null && !live.alive()) {
        log.accept(
            "mcp " + config.name() + ": the server had exited; starting it again (2026-07-28)");
        stop(live);
        live = null;
        again = true;
      }
      if (live == null) {
        live = open();
        if (again) { // the streams of the old child are gone with it: opened again, once it is up
          Thread.ofVirtual()
              .name("agora-mcp-listen-again")
              .start(
                  () -> {
                    subscriptions.renew();
                    listenForChanges();
                  });
        }
      }
      return live;
    }
  }

  private Live open() {
    Duration probe = config.timeout().compareTo(PROBE) < 0 ? config.timeout() : PROBE;
    Process process = null;
    StdioMcpClientTransport stdio = null;
    McpClientTransport transport;
    if (config.transport() == McpServerConfig.Transport.STDIO) {
      try {
        process = ChildEnvironment.process(config).start();
      } catch (IOException e) {
        throw new McpConnection.Unavailable(
            "cannot start MCP server '"
                + config.name()
                + "' ("
                + config.where()
                + "): "
                + e.getMessage(),
            e);
      }
      Process p = process;
      StdioTransport.pipeThread("mcp-" + config.name() + "-stderr", () -> drainStderr(p));
      stdio =
          StdioMcpClientTransport.builder(
                  new BoundedStdout(
                      process.getInputStream(),
                      config.maxBytes(),
                      big -> log.accept(StdioTransport.dropped(config, big))),
                  process.getOutputStream())
              .jsonMapper(JSON)
              .start();
      transport = stdio;
    } else {
      transport =
          HttpClientMcpTransport.builder(config.endpoint())
              .jsonMapper(JSON)
              .connectTimeout(Duration.ofSeconds(10))
              .maxResponseSize(config.maxBytes())
              .requestCustomizer(
                  McpHttpRequestCustomizer.fromSync(
                      (request, headers, context) -> {
                        config.headers().forEach(headers::set);
                        Telemetry.propagate(headers::set); // when a traced call is under way
                      }))
              .build();
    }
    McpSyncClient client =
        McpClient.sync(transport)
            .jsonMapper(JSON)
            .clientInfo(
                Implementation.builder("agora", "0.1.0")
                    .title("Agora capability marketplace")
                    .build())
            .roundTimeout(probe) // server/discover's; every other request says its own deadline
            .callTimeout(probe)
            .build();
    return new Live(client, stdio, process);
  }

  private void drainStderr(Process p) {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        log.accept("mcp " + config.name() + " stderr: " + line);
      }
    } catch (IOException e) {
      // the child is gone; its exit is noticed on the next request
    }
  }

  /**
   * Whether the server speaks 2026-07-28: it answered {@code server/discover}, or refused it with
   * an error only a 2026-07-28 server sends. Any other answer — an error, silence until the probe's
   * deadline, a reply that is not JSON-RPC — means it does not. Throws {@link
   * McpConnection.Unavailable} when the server cannot be reached at all, which says nothing about
   * its protocol.
   */
  boolean probe() {
    try {
      discover();
      return true;
    } catch (McpConnection.ServerError e) {
      return e.getCause() instanceof McpError err
          && err.getJsonRpcError() != null
          && MODERN_ERRORS.contains(err.getJsonRpcError().code());
    } catch (McpConnection.Unavailable e) {
      if (String.valueOf(e.getMessage()).startsWith("cannot start MCP server")) {
        throw e; // the command does not start: that says nothing about its protocol either
      }
      String unreachable = unreachable(e);
      if (unreachable != null) {
        throw new McpConnection.Unavailable(
            "cannot reach MCP server '"
                + config.name()
                + "' ("
                + config.where()
                + "): "
                + unreachable,
            e);
      }
      if (e.getCause() instanceof McpHttpStatusException status
          && (status.statusCode() == 401 || status.statusCode() == 403)) {
        // refused before it was asked anything: its protocol is still unknown
        throw new McpConnection.Unavailable(
            "MCP server '"
                + config.name()
                + "' ("
                + config.where()
                + ") refused Agora: HTTP "
                + status.statusCode()
                + " "
                + message(status.body()),
            e);
      }
      return e.getCause() instanceof McpHttpStatusException status && modernError(status.body());
    } catch (RuntimeException e) { // a deadline, a reply the SDK could not read
      return false;
    }
  }

  /** Whether an HTTP error's body is a JSON-RPC error only a 2026-07-28 server sends. */
  private static boolean modernError(String body) {
    try {
      return JSON.readValue(body, Map.class).get("error") instanceof Map<?, ?> error
          && error.get("code") instanceof Number code
          && MODERN_ERRORS.contains(code.intValue());
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Why an HTTP server cannot be reached at all — nobody listens, the host is unknown — which says
   * nothing about its protocol; null when it was reached.
   */
  private static String unreachable(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      switch (c) {
        case HttpConnectTimeoutException timeout -> {
          return "no connection within 10 s";
        }
        case ConnectException refused -> {
          return "connection refused";
        }
        case UnresolvedAddressException unknown -> {
          return "unknown host";
        }
        default -> {}
      }
    }
    return null;
  }

  private DiscoverResult discover() {
    return request("server/discover", McpSyncClient::discover, true);
  }

  @Override
  public McpSchema.InitializeResult hello() {
    DiscoverResult d = discover();
    // 2026-07-28 makes the server's name optional, and a server may leave out what it can do:
    // Agora reads such a server as one named after its source, of no version, that offers nothing
    Object info = d.meta() == null ? null : d.meta().get("io.modelcontextprotocol/serverInfo");
    McpSchema.ServerCapabilities caps =
        d.capabilities() == null
            ? McpSchema.ServerCapabilities.builder().build()
            : JSON.convertValue(d.capabilities(), McpSchema.ServerCapabilities.class);
    toolChanges = caps.tools() != null && Boolean.TRUE.equals(caps.tools().listChanged());
    promptChanges = caps.prompts() != null && Boolean.TRUE.equals(caps.prompts().listChanged());
    resourceChanges =
        caps.resources() != null && Boolean.TRUE.equals(caps.resources().listChanged());
    return new McpSchema.InitializeResult(
        VERSION,
        caps,
        info == null
            ? new McpSchema.Implementation(config.name(), "")
            : JSON.convertValue(info, McpSchema.Implementation.class),
        d.instructions());
  }

  @Override
  public McpSchema.ListToolsResult listTools(String cursor) {
    return legacy(
        request(
            "tools/list", c -> c.tools().cursor(cursor).callTimeout(config.timeout()).list(), true),
        McpSchema.ListToolsResult.class);
  }

  @Override
  public McpSchema.ListResourcesResult listResources(String cursor) {
    return legacy(
        request(
            "resources/list",
            c -> c.resources().cursor(cursor).callTimeout(config.timeout()).list(),
            true),
        McpSchema.ListResourcesResult.class);
  }

  @Override
  public McpSchema.ListResourceTemplatesResult listResourceTemplates(String cursor) {
    return legacy(
        request(
            "resources/templates/list",
            c -> c.resourceTemplates().cursor(cursor).callTimeout(config.timeout()).list(),
            true),
        McpSchema.ListResourceTemplatesResult.class);
  }

  /**
   * Calls in flight: a 2026-07-28 server's progress reaches the client of the call it belongs to,
   * and so do its form elicitations ({@link #elicit}); it cannot ask for sampling or roots yet (see
   * docs/MCP.md).
   */
  @Override
  public CallsInFlight calls() {
    return calls;
  }

  @Override
  public McpSchema.ListPromptsResult listPrompts(String cursor) {
    return legacy(
        request(
            "prompts/list",
            c -> c.prompts().cursor(cursor).callTimeout(config.timeout()).list(),
            true),
        McpSchema.ListPromptsResult.class);
  }

  @Override
  public McpSchema.CallToolResult callTool(
      McpSchema.CallToolRequest request, Duration deadline, Object tag, boolean retry) {
    String what = "tools/call " + request.name();
    long until = System.nanoTime() + deadline.toNanos(); // a retry does not start it again
    return legacy(
        request(
            what,
            c ->
                rounds(
                    what,
                    tag,
                    deadline,
                    until,
                    TOOL,
                    left ->
                        c.tool(request.name())
                            .arguments(request.arguments())
                            .meta(meta(request.meta()))
                            .progress(p -> progress(tag, p))
                            .roundTimeout(left)
                            .callTimeout(left)),
            retry),
        McpSchema.CallToolResult.class);
  }

  @Override
  public McpSchema.ReadResourceResult readResource(
      McpSchema.ReadResourceRequest request, Duration deadline, Object tag) {
    String what = "resources/read " + request.uri();
    long until = System.nanoTime() + deadline.toNanos(); // a retry does not start it again
    return legacy(
        request(
            what,
            c ->
                rounds(
                    what,
                    tag,
                    deadline,
                    until,
                    RESOURCE,
                    left ->
                        c.resource(request.uri())
                            .meta(meta(request.meta()))
                            .progress(p -> progress(tag, p))
                            .roundTimeout(left)
                            .callTimeout(left)),
            true),
        McpSchema.ReadResourceResult.class);
  }

  @Override
  public McpSchema.GetPromptResult getPrompt(
      McpSchema.GetPromptRequest request, Duration deadline, Object tag) {
    Map<String, String> args = new LinkedHashMap<>();
    request.arguments().forEach((k, v) -> args.put(k, String.valueOf(v)));
    String what = "prompts/get " + request.name();
    long until = System.nanoTime() + deadline.toNanos(); // a retry does not start it again
    return legacy(
        request(
            what,
            c ->
                rounds(
                    what,
                    tag,
                    deadline,
                    until,
                    PROMPT,
                    left ->
                        c.prompt(request.name())
                            .arguments(args)
                            .meta(meta(request.meta()))
                            .progress(p -> progress(tag, p))
                            .roundTimeout(left)
                            .callTimeout(left)),
            true),
        McpSchema.GetPromptResult.class);
  }

  /**
   * Sends a request round by round (2026-07-28's multi-round-trip requests): while the server
   * answers {@code input_required}, each of its questions is answered — sampling and elicitation by
   * the client of call {@code tag} (the one that made this very call, however many are in flight),
   * {@code roots/list} by Agora with the configured roots — and the request is sent again with the
   * answers and the server's {@code requestState}; at most {@link #MAX_ROUNDS} rounds, all by
   * {@code until} — {@code deadline} after the request was first made, a retry on a restarted
   * server included. {@code spec} makes the request with the time left.
   */
  private <S> Object rounds(
      String what,
      Object tag,
      Duration deadline,
      long until,
      Kind<S> kind,
      Function<Duration, S> spec) {
    Map<String, Object> answers = null;
    String requestState = null;
    for (int round = 1; ; round++) {
      long left = until - System.nanoTime();
      if (left <= 0) {
        throw new McpConnection.DeadlinePassed(
            what
                + " on MCP server '"
                + config.name()
                + "' took longer than "
                + deadline.toMillis()
                + " ms");
      }
      S s = declare(tag, spec.apply(Duration.ofNanos(left)), kind.elicitation());
      if (answers != null) {
        s = kind.state().apply(kind.responses().apply(s, answers), requestState);
      }
      Object outcome = kind.once().apply(s);
      if (!(outcome instanceof InputRequiredResult asked)) {
        return outcome;
      }
      if (round >= MAX_ROUNDS) {
        throw new McpConnection.ServerError(
            what + " asked for input " + round + " times over; Agora gave up", null);
      }
      answers = new LinkedHashMap<>();
      if (asked.inputRequests() != null) {
        for (Map.Entry<String, InputRequest> q : asked.inputRequests().entrySet()) {
          answers.put(q.getKey(), answer(tag, q.getValue()));
        }
      }
      requestState = asked.requestState();
    }
  }

  /**
   * What a request that may ask questions is, to {@link #rounds}: how to give it the answers and
   * the state, send it once, and declare form elicitation on it.
   */
  private record Kind<S>(
      BiFunction<S, Map<String, Object>, S> responses,
      BiFunction<S, String, S> state,
      Function<S, Object> once,
      BiFunction<S, McpSyncElicitationHandler<ElicitFormRequest>, S> elicitation) {}

  private static final Kind<McpSyncClient.ToolSpec> TOOL =
      new Kind<>(
          McpSyncClient.ToolSpec::inputResponses,
          McpSyncClient.ToolSpec::requestState,
          McpSyncClient.ToolSpec::callOnce,
          McpSyncClient.ToolSpec::formElicitation);

  private static final Kind<McpSyncClient.ResourceSpec> RESOURCE =
      new Kind<>(
          McpSyncClient.ResourceSpec::inputResponses,
          McpSyncClient.ResourceSpec::requestState,
          McpSyncClient.ResourceSpec::readOnce,
          McpSyncClient.ResourceSpec::formElicitation);

  private static final Kind<McpSyncClient.PromptSpec> PROMPT =
      new Kind<>(
          McpSyncClient.PromptSpec::inputResponses,
          McpSyncClient.PromptSpec::requestState,
          McpSyncClient.PromptSpec::getOnce,
          McpSyncClient.PromptSpec::formElicitation);

  /** The answer to one question of the server about call {@code tag}. */
  private Object answer(Object tag, InputRequest question) {
    String method = question.method();
    return switch (question) {
      case ListRootsInputRequest roots ->
          Map.of("roots", config.roots().stream().map(uri -> Map.of("uri", uri)).toList());
      case CreateMessageInputRequest sampling ->
          ask(tag, method, "sampling", JSON.convertValue(sampling.params(), MAP));
      case ElicitInputRequest elicit when elicit.params() instanceof ElicitFormRequest form ->
          ask(
              tag,
              method,
              "elicitation",
              CallsInFlight.form(form.message(), form.requestedSchema(), form.meta()));
      default ->
          throw new McpConnection.ServerError(
              "it asked for " + method + ", which Agora does not answer", null);
    };
  }

  /**
   * Puts a question to the client of call {@code tag}: its answer, or a ServerError saying why not.
   */
  private Object ask(Object tag, String method, String capability, Map<String, Object> params) {
    try {
      return calls.ask(tag, method, capability, params, Map.class);
    } catch (McpError e) {
      throw new McpConnection.ServerError(e.getMessage(), null);
    }
  }

  /**
   * Declares form elicitation on a request whose client declared it (the SDK declares what it has a
   * handler for); {@link #rounds} answers the questions, so the handler is there only in case the
   * SDK asks it.
   */
  private <S> S declare(
      Object tag, S spec, BiFunction<S, McpSyncElicitationHandler<ElicitFormRequest>, S> handler) {
    if (!calls.supports(tag, "elicitation")) {
      return spec;
    }
    return handler.apply(
        spec,
        r ->
            JSON.convertValue(
                ask(
                    tag,
                    McpSchema.METHOD_ELICITATION_CREATE,
                    "elicitation",
                    CallsInFlight.form(r.message(), r.requestedSchema(), r.meta())),
                ElicitResult.class));
  }

  /**
   * Watches resource {@code uri}: 2026-07-28 has no {@code resources/subscribe}, so each resource
   * watched has a {@code subscriptions/listen} stream of its own ({@code resourceSubscriptions}),
   * opened with its first watcher, closed with its last, opened again when the server is started
   * again.
   */
  @Override
  public Provider.Subscription subscribe(String uri, Runnable updated) {
    return subscriptions.add(uri, updated);
  }

  /** 2026-07-28 has no {@code ping}: a server that answers {@code server/discover} is up. */
  @Override
  public void ping(Duration deadline) {
    discover();
  }

  /**
   * Progress of the request for call {@code tag}, reported by the SDK for its own token (see {@link
   * #meta}), passed on to that call's client.
   */
  private void progress(Object tag, io.modelcontextprotocol.modern.McpSchema.ProgressParams p) {
    if (tag != null && p.progress() != null) {
      calls.progress(tag, p.progress(), p.total(), p.message());
    }
  }

  /**
   * A request's own {@code _meta} without its progress token: the SDK adds the protocol's keys and
   * a token of its own, and hands the progress that carries it to the request's consumer ({@link
   * #progress}).
   */
  private static Map<String, Object> meta(Map<String, Object> meta) {
    Map<String, Object> out = new LinkedHashMap<>(meta);
    out.remove("progressToken");
    return out;
  }

  /** A 2026-07-28 result as the 2025-11-25 type of the same JSON. */
  private static <T> T legacy(Object modern, Class<T> type) {
    return JSON.convertValue(modern, type);
  }

  /**
   * Runs one request; the SDK's failures become {@link McpConnection}'s typed errors. A request
   * that failed because the stdio server exited under it is sent once more to a new child when
   * {@code retry} allows it.
   */
  private <T> T request(String what, Function<McpSyncClient, T> op, boolean retry) {
    Live l = live();
    try {
      return op.apply(l.client());
    } catch (RuntimeException e) {
      if (l.process() == null || !exited(l.process())) {
        throw typed(what, e);
      }
      if (!retry) {
        throw new McpConnection.Unavailable(
            "MCP server '"
                + config.name()
                + "' exited during "
                + what
                + "; it is started again on the next request, but this one was not sent again"
                + " because it is not idempotent",
            e);
      }
      log.accept("mcp " + config.name() + ": the server exited during " + what + "; retrying once");
      try {
        return op.apply(live().client());
      } catch (RuntimeException again) {
        throw typed(what, again);
      }
    }
  }

  /** Whether the child has exited (waiting a moment: its output may end just before it does). */
  private static boolean exited(Process p) {
    try {
      return p.waitFor(200, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private RuntimeException typed(String what, RuntimeException e) {
    if (e instanceof McpConnection.ServerError
        || e instanceof McpConnection.DeadlinePassed
        || e instanceof McpConnection.Cancelled) {
      return e; // said already, by the rounds of a request or a listen stream
    }
    String where = what + " on MCP server '" + config.name() + "'";
    for (Throwable c = e; c != null; c = c.getCause()) {
      switch (c) {
        case McpTimeoutException t -> {
          return new McpConnection.DeadlinePassed(
              where + " took longer than " + t.timeout().toMillis() + " ms");
        }
        case McpException err
            when err.error() != null
                && err.error().data() instanceof Map<?, ?> data
                && data.containsKey(StdioTransport.DROPPED) -> {
          return tooLarge(what, e);
        }
        case McpException err when err.error() != null -> {
          // as a 2025-11-25 error, so that the caller's fault is told from the server's the same
          // way
          return new McpConnection.ServerError(
              message(err.error().message()),
              new McpError(
                  new McpSchema.JSONRPCResponse.JSONRPCError(
                      err.error().code(), message(err.error().message()), null)));
        }
        case McpInvalidResultException invalid -> {
          return new McpConnection.ServerError(
              where + " answered what is not a result: " + message(invalid.getMessage()), invalid);
        }
        case McpHttpStatusException status -> {
          return new McpConnection.Unavailable(
              where + " failed: HTTP " + status.statusCode() + " " + message(status.body()),
              status);
        }
        default -> {
          if (saysTooLarge(c)) {
            return tooLarge(what, e);
          }
        }
      }
    }
    return new McpConnection.Unavailable(
        where + " failed: " + message(McpConnection.telling(e)), e);
  }

  private McpConnection.TooLarge tooLarge(String what, RuntimeException e) {
    return new McpConnection.TooLarge(
        "the reply to "
            + what
            + " is larger than max_bytes ("
            + config.maxBytes()
            + " bytes) and was dropped",
        e);
  }

  private static boolean saysTooLarge(Throwable t) {
    String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
    return m.contains("exceeds") && (m.contains("size") || m.contains("max"));
  }

  /** What the server said, without its secrets. */
  private String message(String m) {
    return config.secrets().redact(m == null ? "" : m);
  }

  private static void stop(Live l) {
    if (l.stdio() != null) {
      l.stdio().close();
    }
    if (l.process() != null) {
      l.process().destroy();
      try {
        if (!l.process().waitFor(3, TimeUnit.SECONDS)) {
          l.process().destroyForcibly();
        }
      } catch (InterruptedException e) {
        l.process().destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The stdio child's pid, or -1 (tests). */
  long pid() {
    synchronized (lock) {
      return live == null || live.process() == null ? -1 : live.process().pid();
    }
  }

  @Override
  public void close() {
    Live l;
    synchronized (lock) {
      closed = true;
      l = live;
      live = null;
    }
    streams.values().forEach(ModernConnection::close);
    streams.clear();
    close(toolStream);
    if (l != null) {
      stop(l);
    }
  }
}
