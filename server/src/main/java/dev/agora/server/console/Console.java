package dev.agora.server.console;

import dev.agora.core.AgoraNode;
import dev.agora.core.call.policy.SecurityContext;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;

/**
 * The web console at {@code /console}: server-rendered pages over the node's marketplace and Causal
 * Chain. A browser logs in once with an API key (or an OAuth access token), checked by the server's
 * own {@link Authenticator}, and gets a session cookie; the server's guard asks {@link #admit} who
 * a console request is. Every form carries the session's CSRF token, and every answer a strict
 * Content-Security-Policy: no inline script or style, nothing from elsewhere.
 */
public final class Console extends HttpServlet {

  private static final long serialVersionUID = 1L;

  /** How the server checks a credential typed into the login form. */
  @FunctionalInterface
  public interface Authenticator {
    /**
     * The caller of an API key or, when non-blank, of a bearer token; null when refused. Never the
     * anonymous context: the login form always needs a credential.
     */
    SecurityContext identify(String apiKey, String bearerToken);
  }

  static final String COOKIE = "agora_console";
  static final String CSRF = "csrf";
  static final String LOGIN = "/console/login";
  static final String HOME = "/console/capabilities";

  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  /** A session is forgotten after this long without a request. */
  static final Duration IDLE = Duration.ofMinutes(30);

  /** The largest form the console reads (a login, a decision). */
  private static final int MAX_FORM = 16 * 1024;

  private static final String SESSION = Console.class.getName() + ".session";

  /** Whom the login page and static files are rate-limited as, before anyone logged in. */
  private static final SecurityContext VISITOR = SecurityContext.pure("console:login");

  private final transient Sessions sessions;
  private final transient LoginPage login;
  private final transient Statics statics = new Statics();
  private final transient CapabilityPages capabilities;
  private final transient ApprovalPages approvals;
  private final transient ChainPages chain;
  private final transient QuarantinePage quarantine;
  private final transient HealthPage health;

  /** {@code tokens}: whether the login form offers a bearer token field (server.oauth is set). */
  public Console(AgoraNode node, Authenticator authenticator, boolean tokens) {
    this(node, authenticator, tokens, Clock.systemUTC());
  }

  Console(AgoraNode node, Authenticator authenticator, boolean tokens, Clock clock) {
    this.sessions = new Sessions(IDLE, clock);
    this.login = new LoginPage(sessions, authenticator, tokens);
    this.capabilities = new CapabilityPages(node.marketplace());
    this.approvals = new ApprovalPages(node.marketplace().approvals());
    this.chain = new ChainPages(node);
    this.quarantine = new QuarantinePage(node.marketplace());
    this.health = new HealthPage(node.chain());
  }

  /** Whether {@code uri} is the console's. */
  public static boolean serves(String uri) {
    return uri.equals("/console") || uri.startsWith("/console/");
  }

  /**
   * Who a console request is, for the server's guard: the caller of its session cookie; a visitor
   * for the login page and the static files; null after sending the browser to the login page. Sets
   * the console's headers on every answer.
   */
  public SecurityContext admit(HttpServletRequest req, HttpServletResponse res) {
    headers(res);
    String uri = req.getRequestURI();
    if (uri.equals(LOGIN) || uri.startsWith(Statics.PATH)) {
      return VISITOR;
    }
    Sessions.Session s = sessions.find(cookie(req));
    if (s == null) {
      res.setStatus(303);
      res.setHeader("Location", LOGIN);
      return null;
    }
    req.setAttribute(SESSION, s);
    return s.caller();
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
    headers(res);
    String uri = req.getRequestURI();
    boolean post = req.getMethod().equals("POST");
    try {
      if (uri.startsWith(Statics.PATH) && !post) {
        statics.serve(uri.substring(Statics.PATH.length()), res);
        return;
      }
      if (post && req.getContentLengthLong() > MAX_FORM) {
        throw new Failure(413, "a console form is at most " + MAX_FORM + " bytes");
      }
      if (uri.equals(LOGIN)) {
        login.handle(req, res, post);
        return;
      }
      Sessions.Session s = (Sessions.Session) req.getAttribute(SESSION);
      if (s == null) { // a spelling of /console the guard did not take for the console's
        res.setStatus(303);
        res.setHeader("Location", LOGIN);
        return;
      }
      Exchange ex = new Exchange(req, res, s);
      if (post && !s.csrfMatches(req.getParameter(CSRF))) {
        throw new Failure(403, "this form has no valid CSRF token: reload the page and try again");
      }
      route(uri, post, ex, req, res);
    } catch (Failure f) {
      fail(req, res, f);
    }
  }

  private void route(
      String uri, boolean post, Exchange ex, HttpServletRequest req, HttpServletResponse res)
      throws IOException {
    if (post) {
      switch (uri) {
        case "/console/logout" -> {
          sessions.remove(cookie(req));
          res.addHeader("Set-Cookie", LoginPage.cookie("", 0, req.isSecure()));
          ex.redirect(LOGIN);
        }
        case "/console/approvals" -> approvals.decide(ex);
        case "/console/quarantine" -> quarantine.approve(ex);
        default -> throw new Failure(405, "'" + uri + "' takes no form");
      }
      return;
    }
    switch (uri) {
      case "/console", "/console/" -> ex.redirect(HOME);
      case "/console/logout" -> throw new Failure(405, "log out with the button (a POST)");
      case HOME -> capabilities.list(ex);
      case "/console/capability" -> capabilities.show(ex);
      case "/console/approvals" -> approvals.list(ex);
      case "/console/calls" -> chain.calls(ex);
      case "/console/chain" -> chain.recent(ex);
      case "/console/plan" -> chain.plan(ex);
      case "/console/action" -> chain.action(ex);
      case "/console/quarantine" -> quarantine.list(ex);
      case "/console/health" -> health.show(ex);
      default -> throw Failure.notFound("the page '" + uri + "'");
    }
  }

  private static void fail(HttpServletRequest req, HttpServletResponse res, Failure f)
      throws IOException {
    Sessions.Session s = (Sessions.Session) req.getAttribute(SESSION);
    new Exchange(req, res, s)
        .page(
            f.status(), "Error " + f.status(), new Html().el("p", f.getMessage(), "class", "bad"));
  }

  private static String cookie(HttpServletRequest req) {
    Cookie[] cookies = req.getCookies();
    if (cookies != null) {
      for (Cookie c : cookies) {
        if (c.getName().equals(COOKIE)) {
          return c.getValue();
        }
      }
    }
    return null;
  }

  private static void headers(HttpServletResponse res) {
    res.setHeader("Content-Security-Policy", CSP);
    res.setHeader("X-Content-Type-Options", "nosniff");
    // not no-referrer: under it a browser sends "Origin: null" with a form, which the guard refuses
    res.setHeader("Referrer-Policy", "same-origin");
    res.setHeader("X-Frame-Options", "DENY");
  }
}
