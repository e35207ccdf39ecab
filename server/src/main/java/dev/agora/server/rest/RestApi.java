package dev.agora.server.rest;

import dev.agora.core.AgoraNode;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.error.AgoraError;
import dev.agora.core.json.Json;
import dev.agora.rtfs.Value;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * The REST API under {@code /api/v1} (docs/SERVER.md): capabilities, plans, the Causal Chain,
 * approvals, sources and figures, as JSON, for the caller the server's guard identified — the same
 * authentication, rate limits and call path as MCP. Failures are RFC 9457 problems. Its OpenAPI 3.1
 * document, {@code /api/openapi.json}, is made from the same {@link #routes} the server serves.
 */
public final class RestApi {

  /** Where the OpenAPI document is served. */
  public static final String OPENAPI = "/api/openapi.json";

  private final List<Route> routes;
  private final String who;
  private final String body;
  private final Consumer<String> log;

  /**
   * @param who the request attribute holding the caller's {@link SecurityContext}
   * @param body the request attribute holding the body the guard read (absent: none)
   */
  public RestApi(AgoraNode node, String who, String body, Consumer<String> log) {
    this.who = who;
    this.body = body;
    this.log = log;
    this.routes = Routes.of(node);
  }

  /** Adds the API's routes and its OpenAPI document to {@code cfg}. */
  public void install(RoutesConfig cfg) {
    for (Route r : routes) {
      HandlerType type =
          switch (r.method()) {
            case "POST" -> HandlerType.POST;
            case "DELETE" -> HandlerType.DELETE;
            default -> HandlerType.GET;
          };
      cfg.addHttpHandler(type, r.path(), ctx -> handle(r, ctx));
    }
    cfg.error(
        404,
        ctx -> {
          String type = ctx.res().getContentType();
          if (ctx.path().startsWith("/api/")
              && (type == null || !type.startsWith("application/problem+json"))) {
            problem(
                ctx,
                new Problem(
                    404,
                    "NotFound",
                    "no operation "
                        + ctx.method()
                        + " "
                        + ctx.path()
                        + "; the operations are listed in "
                        + OPENAPI));
          }
        });
    cfg.get(
        OPENAPI,
        ctx ->
            ctx.contentType("application/json; charset=utf-8")
                .result(Json.write(OpenApi.document(routes, base(ctx)))));
  }

  /** The operations, in the order the document lists them. */
  List<Route> routes() {
    return routes;
  }

  private static String base(Context ctx) {
    return ctx.scheme() + "://" + ctx.host();
  }

  private void handle(Route route, Context ctx) {
    SecurityContext caller = ctx.attribute(who);
    byte[] bytes = ctx.attribute(body);
    Request request =
        new Request(
            caller,
            ctx.pathParamMap(),
            ctx::queryParam,
            bytes == null ? new byte[0] : bytes,
            ctx.contentType());
    Value out;
    try {
      if (route.operator() && caller.level() != SecurityContext.Level.FULL) {
        throw new Problem(
            403,
            "Forbidden",
            "only a caller of a full context may "
                + route.summary().toLowerCase(java.util.Locale.ROOT)
                + " ('"
                + caller.identity()
                + "' is "
                + caller.level().name().toLowerCase(java.util.Locale.ROOT)
                + ")");
      }
      if (route.download() != null) {
        download(route, route.download().open(request), ctx);
        return;
      }
      out = route.run().run(request);
    } catch (Problem p) {
      problem(ctx, p);
      return;
    } catch (AgoraError e) {
      problem(ctx, Problem.of(e));
      return;
    } catch (RuntimeException e) {
      log.accept("agora: REST " + route.operationId() + " failed: " + e);
      problem(
          ctx,
          new Problem(
              500,
              "Internal",
              "the server failed to "
                  + route.summary().toLowerCase(java.util.Locale.ROOT)
                  + "; its log says why"));
      return;
    }
    ctx.status(200).contentType("application/json; charset=utf-8").result(Json.write(out));
  }

  /**
   * Writes a download as it is read. A failure once writing began cannot become a problem any more:
   * the answer is cut short — the export's first line says how many entries follow, so a reader
   * sees it — and the log says why.
   */
  private void download(Route route, Route.Lines lines, Context ctx) {
    ctx.status(200).contentType("application/jsonl; charset=utf-8");
    try {
      Writer w =
          new BufferedWriter(
              new OutputStreamWriter(ctx.res().getOutputStream(), StandardCharsets.UTF_8));
      lines.write(w);
      w.flush();
    } catch (IOException | RuntimeException e) {
      log.accept("agora: REST " + route.operationId() + " cut short: " + e);
    }
  }

  private static void problem(Context ctx, Problem p) {
    ctx.status(p.status())
        .contentType("application/problem+json; charset=utf-8")
        .result(Json.write(p.body(ctx.path())));
  }
}
