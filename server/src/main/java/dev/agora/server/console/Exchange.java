package dev.agora.server.console;

import dev.agora.core.call.policy.SecurityContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** One console request and its answer: parameters, the session, and ways to reply. */
final class Exchange {

  private final HttpServletRequest req;
  private final HttpServletResponse res;
  private final Sessions.Session session;

  Exchange(HttpServletRequest req, HttpServletResponse res, Sessions.Session session) {
    this.req = req;
    this.res = res;
    this.session = session;
  }

  /** A query or form parameter, stripped; null when absent or blank. */
  String param(String name) {
    String v = req.getParameter(name);
    return v == null || v.isBlank() ? null : v.strip();
  }

  /** A parameter that must be there. */
  String required(String name) {
    String v = param(name);
    if (v == null) {
      throw new Failure(400, "the parameter '" + name + "' is missing");
    }
    return v;
  }

  Sessions.Session session() {
    return session;
  }

  SecurityContext caller() {
    return session.caller();
  }

  /**
   * Pages that show every caller's calls, and decisions, are for full contexts of no tenant only (a
   * tenant's callers use the REST API, which shows each tenant its own).
   */
  void requireFull() {
    if (caller().level() != SecurityContext.Level.FULL) {
      throw new Failure(
          403, "this page needs a context with level full; '" + caller().identity() + "' is not");
    }
    if (caller().tenant() != null) {
      throw new Failure(
          403,
          "this page shows every tenant's records; '"
              + caller().identity()
              + "' belongs to tenant '"
              + caller().tenant().name()
              + "'");
    }
  }

  /** Whether htmx made the request (it then wants a fragment, not a page). */
  boolean htmx() {
    return "true".equals(req.getHeader("HX-Request"));
  }

  void page(String title, Html body) throws IOException {
    page(200, title, body);
  }

  void page(int status, String title, Html body) throws IOException {
    send(status, Layout.page(title, session, body));
  }

  void fragment(Html html) throws IOException {
    send(200, html.toString());
  }

  /** 303 See Other: after a form, the browser GETs {@code path}. */
  void redirect(String path) {
    res.setStatus(303);
    res.setHeader("Location", path);
  }

  private void send(int status, String html) throws IOException {
    res.setStatus(status);
    res.setContentType("text/html; charset=utf-8");
    res.setHeader("Cache-Control", "no-store");
    byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
    res.setContentLength(bytes.length);
    res.getOutputStream().write(bytes);
  }
}
