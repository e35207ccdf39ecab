package dev.agora.rtfs.stdlib;

import static dev.agora.rtfs.Builtin.VARIADIC;

import dev.agora.rtfs.ErrorKind;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.RtfsError;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Strings. Lengths and indexes count characters (Unicode code points), not bytes. The reference's
 * names ({@code string-length}, {@code string-contains} …) come with the names a Clojure hand
 * reaches for ({@code subs}, {@code upper-case}, {@code join} …).
 */
final class Strings {

  private Strings() {}

  static void register(Stdlib.Registry r) {
    r.fn(
        "str",
        0,
        VARIADIC,
        (a, ev) -> {
          StringBuilder sb = new StringBuilder();
          for (Value v : a) {
            sb.append(Printer.display(v));
            ev.checkString(sb.length());
          }
          return Value.of(sb.toString());
        });
    r.fn("string-length", 1, 1, (a, ev) -> Value.of(length(Args.string(a[0], "string-length"))));
    r.fn("substring", 2, 3, (a, ev) -> substring(a));
    r.alias("subs", "substring");
    r.fn(
        "string-upper",
        1,
        1,
        (a, ev) -> Value.of(Args.string(a[0], "string-upper").toUpperCase(Locale.ROOT)));
    r.alias("upper-case", "string-upper");
    r.fn(
        "string-lower",
        1,
        1,
        (a, ev) -> Value.of(Args.string(a[0], "string-lower").toLowerCase(Locale.ROOT)));
    r.alias("lower-case", "string-lower");
    r.fn("string-trim", 1, 1, (a, ev) -> Value.of(Args.string(a[0], "string-trim").strip()));
    r.alias("trim", "string-trim");
    r.fn(
        "string-contains",
        2,
        2,
        (a, ev) ->
            Value.of(
                Args.string(a[0], "string-contains")
                    .contains(Args.string(a[1], "string-contains"))));
    r.alias("string-contains?", "string-contains");
    r.alias("includes?", "string-contains");
    r.fn(
        "string-starts-with?",
        2,
        2,
        (a, ev) ->
            Value.of(
                Args.string(a[0], "string-starts-with?")
                    .startsWith(Args.string(a[1], "string-starts-with?"))));
    r.alias("starts-with?", "string-starts-with?");
    r.fn(
        "string-ends-with?",
        2,
        2,
        (a, ev) ->
            Value.of(
                Args.string(a[0], "string-ends-with?")
                    .endsWith(Args.string(a[1], "string-ends-with?"))));
    r.alias("ends-with?", "string-ends-with?");
    r.fn(
        "string-blank?",
        1,
        1,
        (a, ev) ->
            Value.of(a[0] instanceof Value.Nil || Args.string(a[0], "string-blank?").isBlank()));
    r.alias("blank?", "string-blank?");
    r.fn(
        "string-split",
        2,
        2,
        (a, ev) -> {
          String s = Args.string(a[0], "string-split");
          String sep = Args.string(a[1], "string-split");
          if (sep.isEmpty()) {
            return Vec.adopt(Args.items(a[0], "string-split"));
          }
          return Vec.adopt(
              Arrays.stream(s.split(Pattern.quote(sep), -1)).map(Value::of).toArray(Value[]::new));
        });
    r.alias("split", "string-split");
    r.fn(
        "string-join",
        1,
        2,
        (a, ev) -> {
          String sep = a.length == 2 ? Args.string(a[0], "string-join") : "";
          StringBuilder sb = new StringBuilder();
          Value[] items = Args.items(a[a.length - 1], "string-join");
          for (int i = 0; i < items.length; i++) {
            sb.append(i == 0 ? "" : sep).append(Printer.display(items[i]));
            ev.checkString(sb.length());
          }
          return Value.of(sb.toString());
        });
    r.alias("join", "string-join");
    r.fn(
        "string-replace",
        3,
        3,
        (a, ev) -> {
          String s = Args.string(a[0], "string-replace");
          String from = Args.string(a[1], "string-replace");
          String to = Args.string(a[2], "string-replace");
          if (!from.isEmpty() && to.length() > from.length()) {
            ev.checkString(
                (long) s.length() / from.length() * (to.length() - from.length()) + s.length());
          }
          return Value.of(from.isEmpty() ? s : s.replace(from, to));
        });
    r.fn(
        "name",
        1,
        1,
        (a, ev) ->
            Value.of(
                switch (a[0]) {
                  case Value.Keyword k -> k.name();
                  case Value.Symbol s -> s.name();
                  case Value.Str s -> s.value();
                  default -> throw Args.expected("name", "a keyword, symbol or string", a[0]);
                }));
    r.fn(
        "keyword",
        1,
        1,
        (a, ev) ->
            a[0] instanceof Value.Keyword ? a[0] : Value.keyword(Args.string(a[0], "keyword")));
    r.fn(
        "parse-int",
        1,
        1,
        (a, ev) -> {
          try {
            return Value.of(Long.parseLong(Args.string(a[0], "parse-int").strip()));
          } catch (NumberFormatException e) {
            return Value.NIL;
          }
        });
    r.fn(
        "parse-float",
        1,
        1,
        (a, ev) -> {
          String s = Args.string(a[0], "parse-float").strip();
          try {
            return s.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")
                ? Value.of(Double.parseDouble(s))
                : Value.NIL;
          } catch (NumberFormatException e) {
            return Value.NIL;
          }
        });
  }

  private static int length(String s) {
    return s.codePointCount(0, s.length());
  }

  private static Value substring(Value[] a) {
    String s = Args.string(a[0], "substring");
    int n = length(s);
    int start = Args.index(a[1], "substring");
    int end = a.length == 3 ? Args.index(a[2], "substring") : n;
    if (start < 0 || end > n || start > end) {
      throw new RtfsError(
          ErrorKind.IndexOutOfBounds,
          "'substring': ["
              + start
              + ", "
              + end
              + ") is outside the "
              + n
              + " characters of "
              + Printer.describe(a[0]));
    }
    return Value.of(s.substring(s.offsetByCodePoints(0, start), s.offsetByCodePoints(0, end)));
  }
}
