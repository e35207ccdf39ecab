package dev.agora.server;

import dev.agora.core.Marketplace;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.json.Json;
import dev.agora.rtfs.Value;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/**
 * {@code agora serve}: the marketplace over HTTP on 127.0.0.1 (unless configured otherwise) — MCP
 * Streamable HTTP at {@code /mcp} (with SSE keep-alive), Prometheus metrics at {@code /metrics},
 * {@code /health}. Every request to {@code /mcp} and {@code /metrics} passes one filter first: its
 * Host must be this server (DNS rebinding), its Origin, when a browser sends one, must be allowed,
 * and it must carry an API key unless anonymous access is configured. Refusals are plain HTTP
 * errors (400/403/401) with a JSON-RPC error body.
 */
public final class AgoraServer implements AutoCloseable {

  private static final String WHO = "agora.who";

  private final Javalin app;
  private final McpGateway gateway;
  private final Callers callers;
  private final ServerSettings settings;
  private final Marketplace marketplace;
  private final PrometheusMeterRegistry prometheus;

  /** The Host headers accepted, computed once the port is bound (requests come after that). */
  private volatile List<String> allowedHosts;

  private AgoraServer(Marketplace marketplace, AgoraConfig config, Consumer<String> log) {
    this.settings = ServerSection.of(config);
    this.callers = new Callers(config);
    this.marketplace = marketplace;
    this.prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    marketplace.meters().add(prometheus);
    HttpServletStreamableServerTransportProvider transport =
        HttpServletStreamableServerTransportProvider.builder()
            .jsonMapper(new PlainErrors(McpJsonDefaults.getMapper()))
            .mcpEndpoint("/mcp")
            .maxRequestSize(MAX_BODY)
            .keepAliveInterval(settings.keepAlive())
            .contextExtractor(
                request ->
                    McpTransportContext.create(
                        request.getAttribute(WHO) instanceof SecurityContext c
                            ? Map.of(McpGateway.CALLER, c)
                            : Map.of()))
            .build();
    this.gateway =
        new McpGateway(
            marketplace,
            transport,
            ctx -> ctx.get(McpGateway.CALLER) instanceof SecurityContext c ? c : null);
    Filter guard =
        (req, res, chain) -> {
          HttpServletRequest request = (HttpServletRequest) req;
          HttpServletResponse response = (HttpServletResponse) res;
          SecurityContext who = admit(request, response);
          HttpServletRequest read = who == null ? null : noticed(request, response, who);
          if (read != null) {
            chain.doFilter(read, res);
          }
        };
    this.app =
        Javalin.create(
            cfg -> {
              cfg.concurrency.useVirtualThreads = true;
              cfg.startup.showJavalinBanner = false;
              cfg.jetty.modifyServletContextHandler(
                  h -> {
                    h.addFilter(
                        new FilterHolder(guard), "/mcp", EnumSet.of(DispatcherType.REQUEST));
                    h.addFilter(
                        new FilterHolder(guard), "/metrics", EnumSet.of(DispatcherType.REQUEST));
                    h.addServlet(new ServletHolder(transport), "/mcp");
                  });
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
    log.accept(
        "agora: serving MCP at "
            + url()
            + (callers.anonymousAllowed()
                ? " (anonymous: " + settings.anonymous() + ")"
                : " (API key required)"));
  }

  /** Starts serving {@code marketplace} as {@code config}'s {@code server:} section says. */
  public static AgoraServer start(
      Marketplace marketplace, AgoraConfig config, Consumer<String> log) {
    return new AgoraServer(marketplace, config, log);
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

  public McpGateway gateway() {
    return gateway;
  }

  /** The filter's decision: who is calling, or null after writing the refusal. */
  private SecurityContext admit(HttpServletRequest req, HttpServletResponse res)
      throws IOException {
    String host = req.getHeader("Host");
    if (host == null || !hostAllowed(host)) {
      refuse(res, 403, "Host '" + host + "' is not this server (allowed: " + allowedHosts() + ")");
      return null;
    }
    String origin = req.getHeader("Origin");
    if (origin != null
        && !settings.allowedOrigins().contains(origin)
        && !origin.equals("http://" + host)) {
      refuse(res, 403, "Origin '" + origin + "' is not allowed (server.allowed_origins)");
      return null;
    }
    SecurityContext who =
        callers.identify(req.getHeader("Authorization"), req.getHeader("X-API-Key"));
    if (who == null) {
      res.setHeader("WWW-Authenticate", "Bearer realm=\"agora\"");
      refuse(
          res,
          401,
          "an API key is required (Authorization: Bearer <key> or X-API-Key), and this one, if "
              + "any, is not known");
      return null;
    }
    req.setAttribute(WHO, who);
    return who;
  }

  /**
   * The largest request body taken, 16 MiB (the MCP SDK's own default): the guard refuses a larger
   * one (413) before reading it, or as soon as a chunked one grows past it.
   */
  static final int MAX_BODY = 16 << 20;

  /**
   * The request, after recording any {@code tools/call} in its body for a tool this gateway does
   * not publish: the SDK answers those itself (JSON-RPC -32602) before Agora sees them, and issue
   * 11 wants them in the Causal Chain with the caller, like any refusal. Every POST body is read
   * here, chunked or not (one that was not went to the SDK unread: issue 11's bookkeeping was
   * bypassed by leaving out Content-Length); null after refusing one that is too large.
   */
  private HttpServletRequest noticed(
      HttpServletRequest req, HttpServletResponse res, SecurityContext who) throws IOException {
    if (!"POST".equals(req.getMethod())) {
      return req;
    }
    byte[] body =
        req.getContentLengthLong() > MAX_BODY
            ? null
            : req.getInputStream().readNBytes(MAX_BODY + 1);
    if (body == null || body.length > MAX_BODY) {
      refuse(res, 413, "the request body is larger than " + (MAX_BODY >> 20) + " MiB");
      return null;
    }
    gateway.noticeUnknownTools(new String(body, StandardCharsets.UTF_8), who);
    return new BufferedRequest(req, body);
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

  private static void refuse(HttpServletResponse res, int status, String message)
      throws IOException {
    res.setStatus(status);
    res.setContentType("application/json");
    res.getWriter()
        .write(
            "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32000,\"message\":"
                + Json.write(Value.of(message))
                + "}}");
  }

  @Override
  public void close() {
    gateway.close();
    app.stop();
    marketplace.meters().remove(prometheus);
    prometheus.close();
  }
}
