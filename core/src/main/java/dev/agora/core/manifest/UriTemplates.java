package dev.agora.core.manifest;

import java.util.regex.Pattern;

/**
 * URI templates (RFC 6570), as MCP servers give them for their resources: whether a URI is one a
 * template can expand to. The MCP provider checks it before reading through a template, and the
 * gateway routes a {@code resources/read} to the template that serves the URI — one rule for both.
 */
public final class UriTemplates {

  private UriTemplates() {}

  /**
   * Whether {@code uri} is one that URI template {@code template} (RFC 6570) can expand to: literal
   * parts as they are; {@code {var}} any text without {@code / ? #}; {@code {+var}} and {@code
   * {#var}} any text; {@code {?…}} and {@code {&…}} an optional query part; {@code {/var}} and
   * {@code {.var}} path and dot segments.
   */
  public static boolean matches(String template, String uri) {
    StringBuilder regex = new StringBuilder();
    int i = 0;
    while (i < template.length()) {
      int open = template.indexOf('{', i);
      int close = open < 0 ? -1 : template.indexOf('}', open);
      if (open < 0 || close < 0) {
        regex.append(Pattern.quote(template.substring(i)));
        break;
      }
      regex.append(Pattern.quote(template.substring(i, open)));
      String expr = template.substring(open + 1, close);
      char op = expr.isEmpty() ? ' ' : expr.charAt(0);
      regex.append(
          switch (op) {
            case '+', '#' -> ".*";
            case '?', '&' -> "([?&][^#]*)?";
            case '/' -> "(/[^/?#]*)*";
            case '.' -> "(\\.[^/?#.]*)*";
            case ';' -> "(;[^/?#]*)*";
            default -> "[^/?#]*";
          });
      i = close + 1;
    }
    return Pattern.matches(regex.toString(), uri);
  }
}
