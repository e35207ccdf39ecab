package dev.agora.server.console;

/**
 * The frame of every page: head (the console's own stylesheet and scripts, nothing inline), the
 * navigation, who is logged in, and the logout form with its CSRF token.
 */
final class Layout {

  private Layout() {}

  /** The links of the navigation: path, label. */
  private static final String[][] NAV = {
    {"/console/capabilities", "Capabilities"},
    {"/console/approvals", "Approvals"},
    {"/console/calls", "Calls"},
    {"/console/chain", "Chain"},
    {"/console/quarantine", "Quarantine"},
    {"/console/health", "Health"},
  };

  /** A whole page; {@code session} null for the login page. */
  static String page(String title, Sessions.Session session, Html body) {
    Html h = new Html();
    h.open("html", "lang", "en").open("head");
    h.open("meta", "charset", "utf-8");
    h.open("meta", "name", "viewport", "content", "width=device-width, initial-scale=1");
    // htmx would add its indicator styles; the stylesheet has them instead
    h.open("meta", "name", "htmx-config", "content", "{\"includeIndicatorCSS\":false}");
    h.el("title", title + " · Agora console");
    h.open("link", "rel", "stylesheet", "href", Statics.PATH + "console.css");
    h.open("script", "src", Statics.PATH + Statics.HTMX, "defer", "").close("script");
    h.open("script", "src", Statics.PATH + "proof.js", "defer", "").close("script");
    h.close("head").open("body").open("header").el("strong", "Agora");
    if (session != null) {
      h.open("nav");
      for (String[] link : NAV) {
        h.link(link[0], link[1]);
      }
      h.close("nav");
      h.open("form", "method", "post", "action", "/console/logout", "class", "logout");
      csrf(h, session);
      h.el("span", session.caller().identity(), "class", "who");
      h.el("button", "Log out", "type", "submit");
      h.close("form");
    }
    h.close("header").open("main").el("h1", title).add(body).close("main");
    return "<!doctype html>\n" + h.close("body").close("html");
  }

  /** The hidden field that carries the session's CSRF token in a form. */
  static void csrf(Html h, Sessions.Session session) {
    h.open("input", "type", "hidden", "name", Console.CSRF, "value", session.csrf());
  }
}
