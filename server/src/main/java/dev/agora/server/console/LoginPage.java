package dev.agora.server.console;

import dev.agora.core.call.policy.SecurityContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code /console/login}: a form for an API key (and a bearer token, with {@code server.oauth}),
 * checked by the server's {@link Console.Authenticator}; success sets the session cookie. The
 * credential is never echoed, kept or logged.
 */
final class LoginPage {

  private final Sessions sessions;
  private final Console.Authenticator authenticator;
  private final boolean tokens;

  LoginPage(Sessions sessions, Console.Authenticator authenticator, boolean tokens) {
    this.sessions = sessions;
    this.authenticator = authenticator;
    this.tokens = tokens;
  }

  void handle(HttpServletRequest req, HttpServletResponse res, boolean post) throws IOException {
    Exchange ex = new Exchange(req, res, null);
    if (!post) {
      ex.page("Log in", form(null));
      return;
    }
    SecurityContext who = authenticator.identify(req.getParameter("api_key"), tokenOf(req));
    if (who == null) {
      ex.page(401, "Log in", form("That key or token is not accepted."));
      return;
    }
    Sessions.Created c = sessions.create(who);
    res.addHeader("Set-Cookie", cookie(c.id(), (int) Console.IDLE.toSeconds(), req.isSecure()));
    ex.redirect(Console.HOME);
  }

  private String tokenOf(HttpServletRequest req) {
    return tokens ? req.getParameter("token") : null;
  }

  /** The session cookie: only for the console's paths, never to scripts or other sites. */
  static String cookie(String value, int maxAge, boolean secure) {
    return Console.COOKIE
        + "="
        + value
        + "; Path=/console; Max-Age="
        + maxAge
        + "; HttpOnly; SameSite=Strict"
        + (secure ? "; Secure" : "");
  }

  private Html form(String problem) {
    Html h = new Html();
    if (problem != null) {
      h.el("p", problem, "class", "bad", "id", "login-problem");
    }
    h.open("form", "method", "post", "action", Console.LOGIN, "class", "login");
    h.open("label").text("API key ");
    h.open("input", "type", "password", "name", "api_key", "id", "api_key", "autocomplete", "off");
    h.close("label");
    if (tokens) {
      h.open("label").text("or OAuth access token ");
      h.open("input", "type", "password", "name", "token", "id", "token", "autocomplete", "off");
      h.close("label");
    }
    h.el("button", "Log in", "type", "submit", "id", "login");
    return h.close("form");
  }
}
