package dev.agora.server.console;

/**
 * HTML built in code, where every piece of data goes through {@link #escape}: text and attribute
 * values are always escaped, only tag and attribute names — constants of this package — are written
 * as they are. Capability descriptions, arguments and results come from untrusted upstreams, so
 * there is no way to add data unescaped.
 */
final class Html {

  private final StringBuilder out = new StringBuilder(1024);

  /**
   * {@code text} safe in element content and in a quoted attribute value: {@code & < > " '} as
   * character references (null as empty).
   */
  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  /**
   * Opens {@code tag} with attributes given as name, value pairs; an attribute whose value is null
   * is left out.
   */
  Html open(String tag, String... attributes) {
    if (attributes.length % 2 != 0) {
      throw new IllegalArgumentException("attributes come in name, value pairs");
    }
    out.append('<').append(tag);
    for (int i = 0; i < attributes.length; i += 2) {
      if (attributes[i + 1] != null) {
        out.append(' ').append(attributes[i]).append("=\"");
        out.append(escape(attributes[i + 1])).append('"');
      }
    }
    out.append('>');
    return this;
  }

  Html close(String tag) {
    out.append("</").append(tag).append('>');
    return this;
  }

  /** Escaped text. */
  Html text(String text) {
    out.append(escape(text));
    return this;
  }

  /** {@code <tag attributes…>text</tag>}. */
  Html el(String tag, String text, String... attributes) {
    return open(tag, attributes).text(text).close(tag);
  }

  /** A link. */
  Html link(String href, String text) {
    return el("a", text, "href", href);
  }

  /** Another piece built the same way. */
  Html add(Html other) {
    out.append(other.out);
    return this;
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
