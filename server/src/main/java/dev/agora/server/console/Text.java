package dev.agora.server.console;

import dev.agora.rtfs.Printer;
import dev.agora.rtfs.Value;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Values as the pages show them: printed, shortened, timestamps in UTC, links with parameters. */
final class Text {

  private Text() {}

  /** Values longer than this many characters are cut (the action's page shows it whole). */
  static final int SHORT = 200;

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  /** {@code v} in RTFS syntax, or empty for none. */
  static String value(Value v) {
    return v == null ? "" : Printer.print(v);
  }

  /** {@link #value}, cut to {@link #SHORT} characters. */
  static String brief(Value v) {
    return cut(value(v));
  }

  static String cut(String s) {
    return s.length() <= SHORT ? s : s.substring(0, SHORT) + "…";
  }

  static String time(Instant t) {
    return t == null ? "" : TIME.format(t);
  }

  /** {@code path?name=value&…} from name, value pairs, the values URL-encoded. */
  static String href(String path, String... nameValues) {
    StringBuilder sb = new StringBuilder(path);
    for (int i = 0; i < nameValues.length; i += 2) {
      sb.append(i == 0 ? '?' : '&').append(nameValues[i]).append('=');
      sb.append(URLEncoder.encode(nameValues[i + 1], StandardCharsets.UTF_8));
    }
    return sb.toString();
  }

  /** A table's header row. */
  static Html header(Html h, String... names) {
    h.open("thead").open("tr");
    for (String n : names) {
      h.el("th", n);
    }
    return h.close("tr").close("thead");
  }
}
