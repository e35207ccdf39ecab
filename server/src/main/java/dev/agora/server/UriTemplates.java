package dev.agora.server;

import java.util.regex.Pattern;

/**
 * Whether a URI is one a resource template (RFC 6570) describes: {@code {name}} stands for one path
 * segment, {@code {+name}} and {@code {#name}} for anything, {@code {?a,b}} and {@code {&a}} for an
 * optional query. Enough to route a read to the template that serves it.
 */
final class UriTemplates {

  private UriTemplates() {}

  static boolean matches(String template, String uri) {
    return pattern(template).matcher(uri).matches();
  }

  static Pattern pattern(String template) {
    StringBuilder re = new StringBuilder();
    int i = 0;
    while (i < template.length()) {
      int open = template.indexOf('{', i);
      int close = open < 0 ? -1 : template.indexOf('}', open);
      if (open < 0 || close < 0) {
        re.append(Pattern.quote(template.substring(i)));
        break;
      }
      if (open > i) {
        re.append(Pattern.quote(template.substring(i, open)));
      }
      String expr = template.substring(open + 1, close);
      char op = expr.isEmpty() ? ' ' : expr.charAt(0);
      re.append(
          switch (op) {
            case '+', '#' -> ".*";
            case '?', '&' -> "(?:[?&].*)?";
            case '/' -> "(?:/[^/?#]*)*";
            case '.' -> "(?:\\.[^/?#.]*)*";
            default -> "[^/?#]+";
          });
      i = close + 1;
    }
    return Pattern.compile(re.toString());
  }
}
