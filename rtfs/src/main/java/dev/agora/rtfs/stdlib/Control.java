package dev.agora.rtfs.stdlib;

import static dev.agora.rtfs.Builtin.VARIADIC;

import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Err;
import dev.agora.rtfs.ErrorKind;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.RtfsError;
import dev.agora.rtfs.Value;
import java.util.Arrays;

/**
 * Errors, capability calls and output: {@code throw}, {@code Exception.}, {@code getMessage},
 * {@code call} (as a value; in call position the analyzer handles it and adds the position), {@code
 * println}, {@code log-step}, {@code type-name}.
 */
final class Control {

  private Control() {}

  static void register(Stdlib.Registry r) {
    r.fn(
        "throw",
        1,
        1,
        (a, ev) -> {
          throw thrown(a[0]);
        });
    r.fn(
        "Exception.",
        0,
        2,
        (a, ev) ->
            new Err(
                ErrorKind.Thrown,
                a.length == 0 ? "exception" : Printer.display(a[0]),
                a.length == 2 ? a[1] : Value.NIL,
                null));
    r.fn(
        "getMessage",
        1,
        1,
        (a, ev) -> {
          if (a[0] instanceof Err e) {
            return Value.of(e.message());
          }
          throw Args.expected("getMessage", "an error", a[0]);
        });
    r.alias("error-message", "getMessage");
    r.fn(
        "call",
        1,
        VARIADIC,
        (a, ev) -> ev.callCapability(a[0], Arrays.copyOfRange(a, 1, a.length), null));
    r.fn(
        "println",
        0,
        VARIADIC,
        (a, ev) -> {
          ev.out().println(joined(a));
          return Value.NIL;
        });
    r.fn(
        "print",
        0,
        VARIADIC,
        (a, ev) -> {
          ev.out().print(joined(a));
          return Value.NIL;
        });
    r.fn(
        "log-step",
        1,
        VARIADIC,
        (a, ev) -> {
          String level = a[0] instanceof Value.Keyword k ? k.name() : Printer.display(a[0]);
          String message = a.length > 1 ? Printer.display(a[1]) : "";
          ev.log(level, message, a.length > 2 ? a[2] : Value.NIL);
          return Value.NIL;
        });
    r.fn("type-name", 1, 1, (a, ev) -> Value.of(a[0].typeName()));
  }

  /**
   * {@code (throw x)}: an error value is raised again as it was; a string becomes the message; a
   * map gives its {@code :message} (or its printed form) and travels as the error's data.
   */
  private static RtfsError thrown(Value v) {
    return switch (v) {
      case Err e -> e.toError();
      case Value.Str s -> new RtfsError(ErrorKind.Thrown, s.value());
      case Dict d ->
          new RtfsError(
              ErrorKind.Thrown,
              d.get("message") instanceof Value.Str m ? m.value() : Printer.print(d),
              null,
              d);
      default -> new RtfsError(ErrorKind.Thrown, Printer.print(v), null, v);
    };
  }

  private static String joined(Value[] a) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < a.length; i++) {
      sb.append(i == 0 ? "" : " ").append(Printer.display(a[i]));
    }
    return sb.toString();
  }
}
