package dev.agora.core.doc;

import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import java.util.regex.Pattern;

/**
 * How problems with a file may quote it. A file in a manifest directory may not be a manifest at
 * all — a link to /etc/shadow, an .env file, an SSH key — and its problems end up in the log and,
 * as {@code DiscoveryCompleted}, forever in the Causal Chain (issue 12). So a problem quotes at
 * most a short key name; a whole document, a list item, a parser's snippet of a line, or a "key"
 * that is no identifier is described by its shape, never quoted.
 */
public final class Quoting {

  /** The longest key a problem quotes; a longer one may be a token. */
  public static final int MAX_KEY = 32;

  /** The longest parser message kept (its first line, with every quoted part taken out). */
  public static final int MAX_PARSER_MESSAGE = 160;

  private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
  private static final Pattern DIGITS = Pattern.compile("\\d");
  private static final Pattern QUOTED = Pattern.compile("'[^'\\n]*'|\"[^\"\\n]*\"|`[^`\\n]*`");

  private Quoting() {}

  /**
   * True when {@code key} may be quoted in a problem: identifier-like, at most {@link #MAX_KEY}
   * characters, and not token-like (a long run with many digits, as API keys have).
   */
  public static boolean quotable(String key) {
    if (key.length() > MAX_KEY || !KEY.matcher(key).matches()) {
      return false;
    }
    long digits = DIGITS.matcher(key).results().count();
    return key.length() < 16 || digits * 4 < key.length();
  }

  /**
   * A value by its shape only — "a string of 42 characters", "a list of 3 items", a number or a
   * boolean as it is — for a value that should have been something else and may be anything.
   */
  public static String shape(Value v) {
    return switch (v) {
      case Value.Int i -> Printer.describe(v); // numbers and booleans hold no text to leak
      case Value.Real r -> Printer.describe(v);
      case Value.Bool b -> Printer.describe(v);
      case Value.Nil n -> Printer.describe(v);
      case Value.Str s -> "a string of " + count(s.value().length(), "character");
      case Seq s -> "a " + v.typeName() + " of " + count(s.size(), "item");
      case Dict d -> "a map of " + count(d.size(), "key");
      default -> "a " + v.typeName();
    };
  }

  private static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  /**
   * A parser's message without what it quotes of the file: its first line (later lines are a
   * snippet of the input), every quoted part replaced by {@code …}, at most {@link
   * #MAX_PARSER_MESSAGE} characters.
   */
  public static String parserMessage(String message) {
    if (message == null || message.isBlank()) {
      return "the parser gave no reason";
    }
    String first = message.strip().lines().findFirst().orElse("");
    String out = QUOTED.matcher(first).replaceAll("…");
    int cut = firstQuote(out);
    if (cut >= 0) { // an unbalanced quote: whatever follows it may be the file's text
      out = out.substring(0, cut) + "…";
    }
    return out.length() > MAX_PARSER_MESSAGE ? out.substring(0, MAX_PARSER_MESSAGE) + "…" : out;
  }

  /** Where the first quote mark left is, or -1. */
  private static int firstQuote(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\'' || c == '"' || c == '`') {
        return i;
      }
    }
    return -1;
  }
}
