package dev.agora.rtfs;

import java.util.Map;

/**
 * Printing in one place. {@link #print} gives the readable form: reading it back gives an equal
 * value for every data value ({@code nil}, booleans, numbers, strings, keywords, symbols, vectors,
 * lists, maps). Functions and errors print as {@code #<fn name>} and {@code #<error Kind:
 * message>}. {@link #display} is what {@code str} and {@code println} show: strings without quotes.
 */
public final class Printer {

  /** Values nested deeper than this are refused, like the reader refuses such text. */
  public static final int MAX_DEPTH = 1_000;

  private static final int DESCRIBE_CHARS = 80;

  private Printer() {}

  /** The readable printed form. */
  public static String print(Value v) {
    StringBuilder sb = new StringBuilder();
    print(v, sb, 0, Integer.MAX_VALUE);
    return sb.toString();
  }

  /** Strings as their raw text, everything else as {@link #print}. */
  public static String display(Value v) {
    return v instanceof Value.Str s ? s.value() : print(v);
  }

  /**
   * A short description for error messages: the printed value, cut at 80 characters, and its type.
   */
  public static String describe(Value v) {
    StringBuilder sb = new StringBuilder();
    print(v, sb, 0, DESCRIBE_CHARS);
    if (sb.length() > DESCRIBE_CHARS) {
      sb.setLength(DESCRIBE_CHARS);
      sb.append('…');
    }
    return sb + " (" + v.typeName() + ")";
  }

  /** A string literal with {@code \n \t \r \\ \"} escaped. */
  public static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2);
    appendQuoted(s, sb);
    return sb.toString();
  }

  private static void print(Value v, StringBuilder sb, int depth, int cap) {
    if (sb.length() > cap) {
      return;
    }
    if (depth > MAX_DEPTH) {
      if (cap != Integer.MAX_VALUE) {
        sb.append('…');
        return;
      }
      throw RtfsError.limit(
          "a value nested more than " + MAX_DEPTH + " levels deep cannot be printed");
    }
    switch (v) {
      case Value.Nil n -> sb.append("nil");
      case Value.Bool b -> sb.append(b.value());
      case Value.Int i -> sb.append(i.value());
      case Value.Real r -> sb.append(real(r.value()));
      case Value.Str s -> appendQuoted(s.value(), sb);
      case Value.Keyword k -> sb.append(':').append(k.name());
      case Value.Symbol s -> sb.append(s.name());
      case Vec vec -> items(vec, '[', ']', sb, depth, cap);
      case Lst lst -> items(lst, '(', ')', sb, depth, cap);
      case Dict d -> entries(d, sb, depth, cap);
      case Fn f -> sb.append("#<fn ").append(f.name()).append('>');
      case Err e ->
          sb.append("#<error ").append(e.kind()).append(": ").append(e.message()).append('>');
    }
  }

  private static String real(double d) {
    if (Double.isNaN(d)) {
      return "##NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "##Inf" : "##-Inf";
    }
    return Double.toString(d);
  }

  private static void items(Seq seq, char open, char close, StringBuilder sb, int depth, int cap) {
    sb.append(open);
    for (int i = 0; i < seq.size() && sb.length() <= cap; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      print(seq.get(i), sb, depth + 1, cap);
    }
    sb.append(close);
  }

  private static void entries(Dict d, StringBuilder sb, int depth, int cap) {
    sb.append('{');
    boolean first = true;
    for (Map.Entry<Value, Value> e : d.asMap().entrySet()) {
      if (sb.length() > cap) {
        break;
      }
      if (!first) {
        sb.append(' ');
      }
      first = false;
      print(e.getKey(), sb, depth + 1, cap);
      sb.append(' ');
      print(e.getValue(), sb, depth + 1, cap);
    }
    sb.append('}');
  }

  private static void appendQuoted(String s, StringBuilder sb) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        default -> sb.append(c);
      }
    }
    sb.append('"');
  }
}
