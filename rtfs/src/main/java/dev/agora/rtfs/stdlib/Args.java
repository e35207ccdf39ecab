package dev.agora.rtfs.stdlib;

import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Fn;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.RtfsError;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.util.Map;

/**
 * Argument checks shared by the builtins; each failure is a TypeError naming the function and the
 * value.
 */
final class Args {

  private Args() {}

  static long integer(Value v, String fn) {
    if (v instanceof Value.Int i) {
      return i.value();
    }
    throw expected(fn, "an integer", v);
  }

  /** An integer that fits an index or count. */
  static int index(Value v, String fn) {
    long n = integer(v, fn);
    if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
      throw RtfsError.invalid("'" + fn + "': " + n + " is out of range for an index or count");
    }
    return (int) n;
  }

  static double number(Value v, String fn) {
    return switch (v) {
      case Value.Int i -> i.value();
      case Value.Real r -> r.value();
      default -> throw expected(fn, "a number", v);
    };
  }

  static String string(Value v, String fn) {
    if (v instanceof Value.Str s) {
      return s.value();
    }
    throw expected(fn, "a string", v);
  }

  static Fn function(Value v, String fn) {
    if (v instanceof Fn f) {
      return f;
    }
    throw expected(fn, "a function", v);
  }

  /** A map, with nil read as the empty map. */
  static Dict map(Value v, String fn) {
    return switch (v) {
      case Dict d -> d;
      case Value.Nil n -> Dict.EMPTY;
      default -> throw expected(fn, "a map", v);
    };
  }

  /**
   * The items of anything sequential: a vector or list, nil (no items), a map (its entries as
   * {@code [k v]} vectors) or a string (its characters as one-character strings).
   */
  static Value[] items(Value v, String fn) {
    return switch (v) {
      case Seq s -> s.toArray();
      case Value.Nil n -> new Value[0];
      case Dict d -> {
        Value[] out = new Value[d.size()];
        int i = 0;
        for (Map.Entry<Value, Value> e : d.asMap().entrySet()) {
          out[i++] = Vec.of(e.getKey(), e.getValue());
        }
        yield out;
      }
      case Value.Str s ->
          s.value()
              .codePoints()
              .mapToObj(cp -> (Value) Value.of(Character.toString(cp)))
              .toArray(Value[]::new);
      default -> throw expected(fn, "a collection", v);
    };
  }

  static RtfsError expected(String fn, String what, Value got) {
    return RtfsError.type("'" + fn + "' expects " + what + ", got " + Printer.describe(got));
  }
}
