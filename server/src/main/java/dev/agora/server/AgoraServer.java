package dev.agora.server;

import dev.agora.core.AgoraNode;
import dev.agora.core.Marketplace;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.cluster.RemoteRtfs;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.json.Json;
import dev.agora.core.telemetry.Telemetry;
import dev.agora.rtfs.Value;
import dev.agora.server.console.Console;
import dev.agora.server.rest.RestApi;
import io.javalin.Javalin;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.context.Scope;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * {@code agora serve}: the marketplace over HTTP on 127.0.0.1 (unless configured otherwise) — MCP
 * Streamable HTTP at {@code /mcp} (with SSE keep-alive), Prometheus metrics at {@code /metrics},
 * {@code /health}. Every request but one for {@code /health} passes one filter first, whatever its
 * path's spelling: its Host must be this server (DNS rebinding), its Origin, when a browser sends
 * one, must be allowed, it must carry an API key unless anonymous access is configured, its caller
 * must be within its rate limits ({@code server.limits}), a session it names must be its caller's,
 * and its body no larger than {@code server.max_body}. Refusals are plain HTTP errors
 * (400/401/403/404/413/429) with a JSON-RPC error body, counted in {@code
 * agora_server_refused_total}. A connection must send a request's line and headers within {@code
 * server.header_timeout}.
 *
 * <p>The web console at {@code /console} ({@link Console}) passes the same filter, but its caller
 * comes from the console's session cookie instead of a header.
 */
public final class AgoraServer implements AutoCloseable {

  private static final String WHO = McpServlet.WHO;

  /** Connections waiting to be accepted, at most (the kernel may cap it lower: somaxconn). */
  private static final int ACCEPT_QUEUE = 4096;

  /** A {@code .} or {@code ..} path segment, also percent-encoded. */
  private static final Pattern DOT_SEGMENT = Pattern.compile("(^|/)(\\.|%2[eE]){1,2}(/|$|;|\\?)");

  /** The only paths served without the guard: liveness, which says nothing about the node. */
  private static final Set<String> PUBLIC = Set.of("/health", "/health/");

  /** Where peer nodes send remote-rtfs calls (issue 18). */
  private static final String CLUSTER = "/" + RemoteRtfs.PATH;

  private final Javalin app;
  private final McpGateway gateway;
  private final Callers callers;
  private final ServerSettings settings;
  private final Marketplace marketplace;
  private final AgoraNode node;
  private final PrometheusMeterRegistry prometheus;
  private final McpServlet mcp;
  private final RateLimits limits;
  private final A2aTasks a2aTasks;
  private final A2aServlet a2a;
  private final BearerTokens tokens;
  private final Consumer<String> log;
  private final RestApi rest;
  private final Console console;
  private final Membership membership;
  private final ClusterServlet peers;
  private final AutoCloseable listening;
  private volatile Server jetty;

  /** The Host headers accepted, computed once the port is bound (requests come after that). */
  private volatile List<String> allowedHosts;

  private AgoraServer(AgoraNode node, AgoraConfig config, Consumer<String> log) {
    Marketplace marketplace = node.marketplace();
    this.node = node;
    this.log = log;
    this.settings = ServerSection.of(config);
    this.callers = new Callers(config);
    this.rest = new RestApi(node, WHO, McpServlet.BODY, log);
    this.tokens =
        settings.oauth() == null ? null : new BearerTokens(settings.oauth(), config, this::url);
    this.marketplace = marketplace;
    this.prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    marketplace.meters().add(prometheus);
    ClusterSection.Settings clustered = ClusterSection.of(config);
    this.limits =
        clustered.sharedLimits() && node.store().nodes() != null && node.store().quotas() != null
            ? new RateLimits(
                settings.limits(),
                System::nanoTime,
                new SharedBuckets(node.store().quotas(), System::currentTimeMillis),
                log)
            : new RateLimits(settings.limits());
    this.gateway = new McpGateway(marketplace);
    this.mcp = new McpServlet(gateway, settings);
    ServerSettings.A2aSettings a2aSettings = settings.a2a();
    A2aPush push = new A2aPush(config.policy().egress(), log);
    this.a2aTasks = new A2aTasks(marketplace, a2aSettings, push);
    this.a2a = new A2aServlet(a2aTasks, new A2aCard(marketplace, a2aSettings), push, a2aSettings);
    this.console = new Console(node, this::signIn, tokens != null);
    this.peers = new ClusterServlet(node, marketplace.nodeKey(), Clock.systemUTC());
    Filter guard =
        (req, res, chain) -> guard((HttpServletRequest) req, (HttpServletResponse) res, chain);
    this.app =
        Javalin.create(
            cfg -> {
              cfg.concurrency.useVirtualThreads = true;
              cfg.startup.showJavalinBanner = false;
              cfg.jetty.modifyServer(
                  server -> {
                    jetty = server;
                    // a burst of new connections waits to be accepted instead of being reset
                    // (the JDK's default backlog is 50)
                    server.addEventListener(
                        new LifeCycle.Listener() {
                          @Override
                          public void lifeCycleStarting(LifeCycle event) {
                            for (Connector c : server.getConnectors()) {
                              if (c instanceof ServerConnector sc) {
                                sc.setAcceptQueueSize(ACCEPT_QUEUE);
                              }
                            }
                          }
                        });
                  });
              cfg.jetty.modifyServletContextHandler(
                  h -> {
                    // every path, so that /metrics/, /mcp;x or a route added later cannot pass
                    // unguarded (issue 12: /metrics/ served metrics to anyone)
                    h.addFilter(new FilterHolder(guard), "/*", EnumSet.of(DispatcherType.REQUEST));
                    h.addServlet(new ServletHolder(mcp), "/mcp");
                    h.addServlet(new ServletHolder(console), "/console/*");
                    h.addServlet(new ServletHolder(peers), CLUSTER);
                    if (settings.a2a().enabled()) {
                      ServletHolder agent = new ServletHolder(a2a);
                      h.addServlet(agent, "/a2a/*");
                      h.addServlet(agent, A2aServlet.CARD);
                      h.addServlet(agent, A2aServlet.OLD_CARD);
                    }
                  });
              rest.install(cfg.routes);
              if (tokens != null) {
                for (String path :
                    List.of(BearerTokens.WELL_KNOWN, BearerTokens.WELL_KNOWN + "/<path>")) {
                  cfg.routes.get(
                      path,
                      ctx ->
                          ctx.contentType("application/json")
                              .result(Json.write(Json.fromJava(tokens.metadata()))));
                }
              }
              cfg.routes.get(
                  "/metrics",
                  ctx ->
                      ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                          .result(prometheus.scrape()));
              cfg.routes.get(
                  "/health",
                  ctx ->
                      ctx.contentType("application/json")
                          .result(
                              Json.write(
                                  Json.fromJava(
                                      Map.of(
                                          "status",
                                          "ok",
                                          "capabilities",
                                          marketplace.registry().size())))));
            });
    app.start(settings.host(), settings.port());
    for (Connector c : jetty.getConnectors()) {
      c.addEventListener(new HeaderTimeout(settings.headerTimeout(), c.getScheduler()));
    }
    ClusterSection.Settings cluster = ClusterSection.of(config);
    this.membership =
        Membership.join(
            node.store().nodes(),
            cluster.nodeId() != null ? cluster.nodeId() : defaultNodeId(port()),
            cluster.advertise() != null ? cluster.advertise() : url(),
            marketplace.nodeKey(),
            cluster.heartbeat(),
            () -> marketplace.callsInFlight() + peers.running(),
            Clock.systemUTC(),
            log,
            marketplace::followStore,
            cluster.follow());
    if (membership != null) { // remote-rtfs: its provider sends calls to peers, this takes theirs
      marketplace.cluster(membership);
      peers.serve(membership);
    }
    if (membership != null && cluster.sharedSessions() && node.store().sessions() != null) {
      mcp.share(
          new SharedSessions(
              node.store().sessions(),
              membership.self(),
              Clock.systemUTC(),
              settings.sessionIdle(),
              log));
    }
    // other nodes' registrations at once where the store tells (PostgreSQL), not only every follow
    this.listening = membership == null ? null : marketplace.followStoreChanges();
    log.accept(
        "agora: serving MCP at "
            + url()
            + (callers.anonymousAllowed()
                ? " (anonymous: " + settings.anonymous() + ")"
                : " (API key required)"));
    if (tokens != null) {
      log.accept(
          "agora: OAuth: tokens of "
              + settings.oauth().issuer()
              + " for "
              + tokens.audience()
              + " (metadata: "
              + tokens.metadataUrl()
              + ")");
    }
    if (settings.a2a().enabled()) {
      String base = url().substring(0, url().length() - "/mcp".length());
      log.accept(
          "agora: serving A2A at " + base + "/a2a (agent card: " + base + A2aServlet.CARD + ")");
    }
  }

  /**
   * Starts serving {@code node}'s marketplace and Causal Chain as {@code config}'s {@code server:}
   * section says ({@code config} is the node's, perhaps with another host or port).
   */
  public static AgoraServer start(AgoraNode node, AgoraConfig config, Consumer<String> log) {
    return new AgoraServer(node, config, log);
  }

  /** {@code agora-<host name>-<port>}: unique among the nodes of one host. */
  static String defaultNodeId(int port) {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException | RuntimeException e) {
      host = "localhost";
    }
    String safe = host.replaceAll("[^A-Za-z0-9_.-]", "-");
    return "agora-" + (safe.isEmpty() ? "localhost" : safe) + "-" + port;
  }

  /** This node's name among the nodes on its store, or null when its store keeps none. */
  public String nodeId() {
    return membership == null ? null : membership.self();
  }

  /** What this node knows of the nodes on its store, or null when its store keeps none (tests). */
  Membership cluster() {
    return membership;
  }

  /** Where peers' remote-rtfs calls arrive (tests). */
  ClusterServlet peers() {
    return peers;
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return app.port();
  }

  /** The MCP endpoint. */
  public String url() {
    String host = settings.host().contains(":") ? "[" + settings.host() + "]" : settings.host();
    return "http://" + host + ":" + port() + "/mcp";
  }

  /** The A2A endpoint's tasks (tests). */
  A2aTasks a2a() {
    return a2aTasks;
  }

  public McpGateway gateway() {
    return gateway;
  }

  /**
   * The guard in front of every path: who is calling, within which limits, in which session; the
   * request is handed on only when all of it holds.
   */
  private void guard(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    String raw = request.getRequestURI();
    if (DOT_SEGMENT.matcher(raw).find()) {
      // every decision below is on the path the request is served at; a path that only gets there
      // once its dot segments are removed (/console/static/../../mcp) is refused outright
      refuse(response, 400, "a path with '.' or '..' segments is not served", "path", "");
      return;
    }
    String uri;
    try {
      uri = servedAt(request);
    } catch (IllegalArgumentException ambiguous) { // Jetty's word for //x, %2F and the like
      refuse(
          response, 400, "an ambiguous path is not served: " + ambiguous.getMessage(), "path", "");
      return;
    }
    if (PUBLIC.contains(uri)) {
      chain.doFilter(request, response);
      return;
    }
    if (uri.equals(CLUSTER)) { // a peer node, by any name: its request is signed, checked there
      chain.doFilter(request, response);
      return;
    }
    boolean card = uri.equals(A2aServlet.CARD) || uri.equals(A2aServlet.OLD_CARD);
    if (!sameSite(request, response)) {
      return;
    }
    if (card) { // public: the card shows what the caller may use, anonymous or not
      request.setAttribute(
          WHO, identify(request) instanceof BearerTokens.Verdict.Accepted a ? a.caller() : null);
      chain.doFilter(request, response);
      return;
    }
    if (tokens != null
        && (uri.equals(BearerTokens.WELL_KNOWN) || uri.startsWith(BearerTokens.WELL_KNOWN + "/"))) {
      chain.doFilter(request, response); // public: where to get a token (RFC 9728)
      return;
    }
    boolean browser = Console.serves(uri); // the console: its session cookie, not headers
    SecurityContext who = browser ? console.admit(request, response) : admit(request, response);
    if (who == null) {
      return;
    }
    String caller = who.identity();
    RateLimits.Refusal over = limits.take(caller);
    ServerSettings.Tenant tenant =
        who.tenant() == null ? null : settings.tenants().get(who.tenant().name());
    if (over == null && tenant != null && tenant.limit() != null) {
      over = limits.takeTenant(who.tenant().name(), tenant.limit());
    }
    if (over != null) {
      response.setHeader("Retry-After", Long.toString(over.retryAfterSeconds()));
      ServerSettings.Limit l = over.limit();
      refuse(
          response,
          429,
          "caller '"
              + caller
              + "' is over its rate limit ("
              + BigDecimal.valueOf(l.callsPerSecond()).stripTrailingZeros().toPlainString()
              + " requests and "
              + l.bytesPerSecond()
              + " bytes a second, server.limits); retry after "
              + over.retryAfterSeconds()
              + " s",
          "rate_limit",
          caller);
      return;
    }
    if (browser) { // the console reads its own (small) forms
      chain.doFilter(request, response);
      return;
    }
    String session = request.getHeader(McpServlet.SESSION);
    McpServlet.Claim claim = session == null ? McpServlet.Claim.OWN : mcp.claim(session, who);
    if (claim == McpServlet.Claim.NONE) {
      // another caller's session is answered like one that does not exist (issue 12)
      refuse(
          response,
          404,
          "no MCP session with this Mcp-Session-Id for this caller",
          "session",
          caller);
      return;
    }
    if (claim == McpServlet.Claim.FULL) {
      refuse(
          response,
          503,
          "this node holds server.max_sessions MCP sessions, all in use; retry (another node may"
              + " answer)",
          "session",
          caller);
      return;
    }
    if (read(request, response, who)) {
      // the caller's W3C trace context: the calls this request makes join its trace
      try (Scope trace =
          marketplace
              .telemetry()
              .join(
                  request.getHeader(Telemetry.TRACEPARENT),
                  request.getHeader(Telemetry.TRACESTATE))) {
        chain.doFilter(request, response);
      }
    }
  }

  /** The path the servlet container serves the request at: decoded, without dot segments. */
  private static String servedAt(HttpServletRequest request) {
    String info = request.getPathInfo();
    return request.getServletPath() + (info == null ? "" : info);
  }

  /** Whether the request's Host is this server and its Origin allowed; refused if not. */
  private boolean sameSite(HttpServletRequest req, HttpServletResponse res) throws IOException {
    String host = req.getHeader("Host");
    if (host == null || !hostAllowed(host)) {
      refuse(
          res,
          403,
          "Host '" + host + "' is not this server (allowed: " + allowedHosts() + ")",
          "host",
          "");
      return false;
    }
    String origin = req.getHeader("Origin");
    if (origin != null
        && !settings.allowedOrigins().contains(origin)
        && !origin.equals("http://" + host)) {
      refuse(
          res,
          403,
          "Origin '" + origin + "' is not allowed (server.allowed_origins)",
          "origin",
          "");
      return false;
    }
    return true;
  }

  /**
   * Who the request is: an OAuth access token's caller or refusal (a bearer token shaped like a JWT
   * when {@code server.oauth} is set, and no X-API-Key), else an API key's or the anonymous context
   * (null when neither).
   */
  private BearerTokens.Verdict identify(HttpServletRequest req) {
    String authorization = req.getHeader("Authorization");
    String apiKey = req.getHeader("X-API-Key");
    if (tokens != null
        && (apiKey == null || apiKey.isBlank())
        && authorization != null
        && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String token = authorization.substring(7).strip();
      if (BearerTokens.isJwt(token)) {
        return tokens.check(token);
      }
    }
    SecurityContext who = callers.identify(authorization, apiKey);
    return who == null ? null : new BearerTokens.Verdict.Accepted(who);
  }

  /**
   * The console's login: the caller of a bearer token (with {@code server.oauth}) or of an API key,
   * checked as a request's headers are; null when refused — never the anonymous context.
   */
  private SecurityContext signIn(String apiKey, String bearerToken) {
    if (tokens != null && bearerToken != null && !bearerToken.isBlank()) {
      return tokens.check(bearerToken.strip()) instanceof BearerTokens.Verdict.Accepted a
          ? a.caller()
          : null;
    }
    return apiKey == null || apiKey.isBlank() ? null : callers.identify(null, apiKey);
  }

  /** The filter's decision: who is calling, or null after writing the refusal. */
  private SecurityContext admit(HttpServletRequest req, HttpServletResponse res)
      throws IOException {
    BearerTokens.Verdict verdict = identify(req);
    if (verdict instanceof BearerTokens.Verdict.Accepted a) {
      req.setAttribute(WHO, a.caller());
      return a.caller();
    }
    if (verdict instanceof BearerTokens.Verdict.Refused r) {
      if (r.status() == 503) { // the details (the server's URLs, its errors) go to the log only
        log.accept("agora: OAuth: " + r.description());
        res.setHeader("Retry-After", "5");
        refuse(
            res,
            503,
            "the authorization server's keys cannot be had now; try again shortly",
            r.error(),
            "");
        return null;
      }
      res.setHeader("WWW-Authenticate", challenge(r));
      refuse(res, r.status(), "the bearer token is refused: " + r.description(), r.error(), "");
      return null;
    }
    res.setHeader("WWW-Authenticate", challenge(null));
    refuse(
        res,
        401,
        tokens == null
            ? "an API key is required (Authorization: Bearer <key> or X-API-Key), and this one, if "
                + "any, is not known"
            : "an OAuth access token (Authorization: Bearer <token>; where to get one: "
                + tokens.metadataUrl()
                + ") or an API key is required, and this one, if any, is not known",
        "unauthenticated",
        "");
    return null;
  }

  /** {@code WWW-Authenticate} for a refusal (RFC 6750 §3, RFC 9728 §5.1). */
  private String challenge(BearerTokens.Verdict.Refused r) {
    StringBuilder h = new StringBuilder("Bearer realm=\"agora\"");
    if (r != null) {
      h.append(", error=\"").append(r.error()).append('"');
      h.append(", error_description=\"").append(quotable(r.description())).append('"');
      if (r.status() == 403) {
        h.append(", scope=\"")
            .append(String.join(" ", settings.oauth().scopes().keySet()))
            .append('"');
      }
    }
    if (tokens != null) {
      h.append(", resource_metadata=\"").append(tokens.metadataUrl()).append('"');
    }
    return h.toString();
  }

  /** {@code text} as a quoted-string's content: printable ASCII, no quote or backslash, short. */
  private static String quotable(String text) {
    String plain = text.replaceAll("[^\\x20-\\x7e]|[\"\\\\]", "?");
    return plain.substring(0, Math.min(plain.length(), 200));
  }

  /**
   * Reads a POST's body for the MCP endpoint, which parses it once: false after refusing one that
   * is too large ({@code server.max_body}: refused before it is read, or as soon as a chunked one
   * grows past it), or one that cannot be a JSON-RPC message. Its bytes count against the caller's
   * rate limit.
   */
  private boolean read(HttpServletRequest req, HttpServletResponse res, SecurityContext who)
      throws IOException {
    if (!"POST".equals(req.getMethod())) {
      return true;
    }
    int max = settings.maxBody();
    byte[] body =
        req.getContentLengthLong() > max ? null : req.getInputStream().readNBytes(max + 1);
    if (body == null || body.length > max) {
      refuse(
          res,
          413,
          "the request body is larger than " + max + " bytes (server.max_body)",
          "body_too_large",
          who.identity());
      return false;
    }
    limits.charge(who.identity(), body.length);
    // A2A's HTTP+JSON and the REST API read bodies of their own kinds
    String at = servedAt(req);
    boolean rest = at.startsWith("/a2a/") || at.startsWith("/api/");
    if (!rest && !looksLikeMessages(body)) {
      refuse(
          res,
          400,
          "Invalid Request: a JSON-RPC message is an object, or a batch (array) of them",
          "invalid_message",
          who.identity());
      return false;
    }
    req.setAttribute(McpServlet.BODY, body);
    return true;
  }

  /** Whether {@code body} starts like a JSON object or array (what else is there is the SDK's). */
  private static boolean looksLikeMessages(byte[] body) {
    for (byte b : body) {
      if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
        return b == '{' || b == '[';
      }
    }
    return false;
  }

  private boolean hostAllowed(String host) {
    return allowedHosts().contains(host.toLowerCase(Locale.ROOT));
  }

  private List<String> allowedHosts() {
    List<String> known = allowedHosts;
    if (known == null) {
      known = allowedHosts = hostsFor(port());
    }
    return known;
  }

  private List<String> hostsFor(int p) {
    List<String> hosts = new ArrayList<>(List.of("127.0.0.1:" + p, "localhost:" + p, "[::1]:" + p));
    if (!settings.host().equals("127.0.0.1") && !settings.host().equals("0.0.0.0")) {
      hosts.add(
          (settings.host().contains(":") ? "[" + settings.host() + "]" : settings.host())
              + ":"
              + p);
    }
    settings.allowedHosts().forEach(h -> hosts.add(h.toLowerCase(Locale.ROOT)));
    return List.copyOf(hosts);
  }

  /** Writes a refusal and counts it ({@code agora_server_refused_total{reason, caller}}). */
  private void refuse(
      HttpServletResponse res, int status, String message, String reason, String caller)
      throws IOException {
    count(reason, caller);
    // Most refusals leave the body unread; a connection kept open would then fail the client's
    // next request on it (Jetty closes it anyway), so the client is told not to reuse it.
    res.setHeader("Connection", "close");
    McpServlet.fail(res, status, Value.NIL, Rpc.SERVER_ERROR, message);
  }

  private void count(String reason, String caller) {
    Counter.builder("agora.server.refused")
        .description("Requests the HTTP guard refused, by reason and caller")
        .tag("reason", reason)
        .tag("caller", caller)
        .register(marketplace.meters())
        .increment();
  }

  @Override
  public void close() {
    try { // peers' runs under way answer before the node goes (their callers would retry them)
      if (!peers.drain(Duration.ofSeconds(30))) {
        log.accept("agora: peers' runs still under way after 30 s; stopping anyway");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (listening != null) {
      try {
        listening.close();
      } catch (Exception e) {
        log.accept("agora: could not stop listening for changes: " + e.getMessage());
      }
    }
    if (membership != null) {
      membership.close();
    }
    mcp.closeAll();
    a2aTasks.close();
    gateway.close();
    app.stop();
    marketplace.meters().remove(prometheus);
    prometheus.close();
  }
}
