package dev.agora.rtfs.stdlib;

import static dev.agora.rtfs.Builtin.VARIADIC;

import dev.agora.rtfs.ErrorKind;
import dev.agora.rtfs.RtfsError;
import dev.agora.rtfs.Value;

/**
 * Numbers and comparison. Integers stay exact 64-bit (overflow is an IntegerOverflow error, never a
 * wrap); any float operand makes a float result. Equality is type-strict ({@code (= 1 1.0)} is
 * false; use {@code ==} to compare numbers by value).
 */
final class Arithmetic {

  private Arithmetic() {}

  static void register(Stdlib.Registry r) {
    // Two operands is by far the commonest case: it has its own body, without an argument array.
    r.fn(
        "+",
        0,
        VARIADIC,
        (a, ev) -> fold("+", a, 0, Math::addExact, Double::sum),
        (x, y, ev) -> arith("+", x, y, Math::addExact, Double::sum));
    r.fn(
        "-",
        1,
        VARIADIC,
        (a, ev) ->
            a.length == 1
                ? arith("-", Value.of(0), a[0], Math::subtractExact, (x, y) -> x - y)
                : foldFrom("-", a, Math::subtractExact, (x, y) -> x - y),
        (x, y, ev) -> arith("-", x, y, Math::subtractExact, (p, q) -> p - q));
    r.fn(
        "*",
        0,
        VARIADIC,
        (a, ev) -> fold("*", a, 1, Math::multiplyExact, (x, y) -> x * y),
        (x, y, ev) -> arith("*", x, y, Math::multiplyExact, (p, q) -> p * q));
    r.fn(
        "/",
        1,
        VARIADIC,
        (a, ev) -> {
          Value acc = a.length == 1 ? Value.of(1) : a[0];
          for (int i = a.length == 1 ? 0 : 1; i < a.length; i++) {
            acc = divide(acc, a[i]);
          }
          return acc;
        });
    r.fn(
        "mod",
        2,
        2,
        (a, ev) -> remainder("mod", a[0], a[1], true),
        (x, y, ev) -> remainder("mod", x, y, true));
    r.fn(
        "rem",
        2,
        2,
        (a, ev) -> remainder("rem", a[0], a[1], false),
        (x, y, ev) -> remainder("rem", x, y, false));
    r.fn("quot", 2, 2, (a, ev) -> quot(a[0], a[1]));
    r.fn("inc", 1, 1, (a, ev) -> arith("inc", a[0], Value.of(1), Math::addExact, Double::sum));
    r.fn(
        "dec",
        1,
        1,
        (a, ev) -> arith("dec", a[0], Value.of(1), Math::subtractExact, (x, y) -> x - y));
    r.fn(
        "abs",
        1,
        1,
        (a, ev) ->
            a[0] instanceof Value.Int i
                ? arith("abs", Value.of(0), i, (zero, n) -> Math.absExact(n), null)
                : Value.of(Math.abs(Args.number(a[0], "abs"))));
    r.fn("max", 1, VARIADIC, (a, ev) -> extreme("max", a, 1));
    r.fn("min", 1, VARIADIC, (a, ev) -> extreme("min", a, -1));
    r.fn("sqrt", 1, 1, (a, ev) -> Value.of(Math.sqrt(Args.number(a[0], "sqrt"))));
    r.fn(
        "pow",
        2,
        2,
        (a, ev) -> Value.of(Math.pow(Args.number(a[0], "pow"), Args.number(a[1], "pow"))));
    r.fn("floor", 1, 1, (a, ev) -> toInteger("floor", Math.floor(Args.number(a[0], "floor"))));
    r.fn("ceil", 1, 1, (a, ev) -> toInteger("ceil", Math.ceil(Args.number(a[0], "ceil"))));
    r.fn("round", 1, 1, (a, ev) -> toInteger("round", Math.rint(Args.number(a[0], "round"))));
    r.fn(
        "int",
        1,
        1,
        (a, ev) ->
            a[0] instanceof Value.Int
                ? a[0]
                : toInteger("int", truncate(Args.number(a[0], "int"))));
    r.fn("float", 1, 1, (a, ev) -> Value.of(Args.number(a[0], "float")));

    r.fn(
        "=",
        1,
        VARIADIC,
        (a, ev) -> Value.of(chain(a, (x, y) -> x.equals(y))),
        (x, y, ev) -> Value.of(x.equals(y)));
    r.fn(
        "not=",
        1,
        VARIADIC,
        (a, ev) -> Value.of(!chain(a, (x, y) -> x.equals(y))),
        (x, y, ev) -> Value.of(!x.equals(y)));
    r.fn("==", 1, VARIADIC, (a, ev) -> Value.of(chain(a, (x, y) -> compare("==", x, y) == 0)));
    order(r, "<");
    order(r, ">");
    order(r, "<=");
    order(r, ">=");
    r.fn("compare", 2, 2, (a, ev) -> Value.of(Integer.signum(compare("compare", a[0], a[1]))));

    r.fn("zero?", 1, 1, (a, ev) -> Value.of(Args.number(a[0], "zero?") == 0));
    r.fn("pos?", 1, 1, (a, ev) -> Value.of(Args.number(a[0], "pos?") > 0));
    r.fn("neg?", 1, 1, (a, ev) -> Value.of(Args.number(a[0], "neg?") < 0));
    r.fn("even?", 1, 1, (a, ev) -> Value.of(Args.integer(a[0], "even?") % 2 == 0));
    r.fn("odd?", 1, 1, (a, ev) -> Value.of(Args.integer(a[0], "odd?") % 2 != 0));
  }

  // ---- Operations ----

  /**
   * Registers a comparison: numbers across integer and float (IEEE: NaN compares false), strings,
   * keywords.
   */
  private static void order(Stdlib.Registry r, String op) {
    r.fn(
        op,
        1,
        VARIADIC,
        (a, ev) -> Value.of(chain(a, (x, y) -> holds(op, x, y))),
        (x, y, ev) -> Value.of(holds(op, x, y)));
  }

  private static boolean holds(String op, Value x, Value y) {
    if (x instanceof Value.Int a && y instanceof Value.Int b) {
      return test(op, Long.compare(a.value(), b.value()));
    }
    if ((x instanceof Value.Real || y instanceof Value.Real) && isNumber(x) && isNumber(y)) {
      double a = Args.number(x, op);
      double b = Args.number(y, op);
      return switch (op) {
        case "<" -> a < b;
        case ">" -> a > b;
        case "<=" -> a <= b;
        default -> a >= b;
      };
    }
    return test(op, compare(op, x, y));
  }

  private static boolean test(String op, int c) {
    return switch (op) {
      case "<" -> c < 0;
      case ">" -> c > 0;
      case "<=" -> c <= 0;
      default -> c >= 0;
    };
  }

  private static boolean isNumber(Value v) {
    return v instanceof Value.Int || v instanceof Value.Real;
  }

  interface LongOp {
    long apply(long x, long y);
  }

  interface DoubleOp {
    double apply(double x, double y);
  }

  interface Relation {
    boolean test(Value x, Value y);
  }

  /**
   * {@code x op y}: exact on two integers, float otherwise ({@code real} may be null when unused).
   */
  static Value arith(String fn, Value x, Value y, LongOp exact, DoubleOp real) {
    if (x instanceof Value.Int a && y instanceof Value.Int b) {
      try {
        return Value.of(exact.apply(a.value(), b.value()));
      } catch (ArithmeticException e) {
        throw overflow();
      }
    }
    return Value.of(real.apply(Args.number(x, fn), Args.number(y, fn)));
  }

  private static Value fold(String fn, Value[] args, long identity, LongOp exact, DoubleOp real) {
    Value acc = Value.of(identity);
    for (Value v : args) {
      acc = arith(fn, acc, v, exact, real);
    }
    return acc;
  }

  private static Value foldFrom(String fn, Value[] args, LongOp exact, DoubleOp real) {
    Value acc = args[0];
    for (int i = 1; i < args.length; i++) {
      acc = arith(fn, acc, args[i], exact, real);
    }
    return acc;
  }

  /**
   * Division as in the reference: a zero divisor is DivisionByZero (for floats too), and the result
   * is an integer whenever the quotient is whole — {@code (/ 6 2)} and {@code (/ 6.0 2)} are both
   * 3, {@code (/ 7 2)} is 3.5.
   */
  static Value divide(Value x, Value y) {
    double divisor = Args.number(y, "/");
    double dividend = Args.number(x, "/");
    if (divisor == 0) {
      throw new RtfsError(ErrorKind.DivisionByZero, "Division by zero");
    }
    if (x instanceof Value.Int a && y instanceof Value.Int b) {
      if (a.value() % b.value() == 0) {
        return arith("/", a, b, Math::divideExact, null);
      }
      return Value.of((double) a.value() / b.value());
    }
    double q = dividend / divisor;
    if (q == Math.rint(q) && Math.abs(q) < 0x1p53) {
      return Value.of((long) q);
    }
    return Value.of(q);
  }

  /** {@code mod} takes the divisor's sign (floored), {@code rem} the dividend's (truncated). */
  private static Value remainder(String fn, Value x, Value y, boolean floored) {
    if (Args.number(y, fn) == 0) {
      throw new RtfsError(ErrorKind.DivisionByZero, "Division by zero in '" + fn + "'");
    }
    if (x instanceof Value.Int a && y instanceof Value.Int b) {
      return Value.of(floored ? Math.floorMod(a.value(), b.value()) : a.value() % b.value());
    }
    double a = Args.number(x, fn);
    double b = Args.number(y, fn);
    double r = a % b;
    return Value.of(floored && r != 0 && (r < 0) != (b < 0) ? r + b : r);
  }

  private static Value quot(Value x, Value y) {
    long a = Args.integer(x, "quot");
    long b = Args.integer(y, "quot");
    if (b == 0) {
      throw new RtfsError(ErrorKind.DivisionByZero, "Division by zero in 'quot'");
    }
    return arith("quot", x, y, Math::divideExact, null);
  }

  private static Value extreme(String fn, Value[] args, int sign) {
    Value best = args[0];
    Args.number(best, fn);
    for (int i = 1; i < args.length; i++) {
      Args.number(args[i], fn);
      if (Integer.signum(compare(fn, args[i], best)) == sign) {
        best = args[i];
      }
    }
    return best;
  }

  /**
   * Compares two numbers (across integer and float) or two strings; anything else is a TypeError.
   */
  static int compare(String fn, Value x, Value y) {
    if (x instanceof Value.Int a && y instanceof Value.Int b) {
      return Long.compare(a.value(), b.value());
    }
    if ((x instanceof Value.Int || x instanceof Value.Real)
        && (y instanceof Value.Int || y instanceof Value.Real)) {
      return Double.compare(Args.number(x, fn), Args.number(y, fn));
    }
    if (x instanceof Value.Str a && y instanceof Value.Str b) {
      return a.value().compareTo(b.value());
    }
    if (x instanceof Value.Keyword a && y instanceof Value.Keyword b) {
      return a.name().compareTo(b.name());
    }
    throw RtfsError.type(
        "'"
            + fn
            + "' compares two numbers, two strings or two keywords, got "
            + dev.agora.rtfs.Printer.describe(x)
            + " and "
            + dev.agora.rtfs.Printer.describe(y));
  }

  private static boolean chain(Value[] args, Relation r) {
    if (args.length == 2) {
      return r.test(args[0], args[1]);
    }
    for (int i = 0; i + 1 < args.length; i++) {
      if (!r.test(args[i], args[i + 1])) {
        return false;
      }
    }
    if (args.length == 1) {
      r.test(args[0], args[0]); // (< "a") still checks its operand
    }
    return true;
  }

  private static double truncate(double d) {
    return d < 0 ? Math.ceil(d) : Math.floor(d);
  }

  private static Value toInteger(String fn, double d) {
    if (Double.isNaN(d) || d >= 0x1p63 || d < -0x1p63) {
      throw RtfsError.invalid("'" + fn + "': " + d + " does not fit in a 64-bit integer");
    }
    return Value.of((long) d);
  }

  /** Java's exact-arithmetic overflow, as an RTFS error. */
  static RtfsError overflow() {
    return new RtfsError(
        ErrorKind.IntegerOverflow, "integer overflow: the result does not fit in 64 bits");
  }
}
