package dev.agora.rtfs.eval;

import dev.agora.rtfs.Builtin;
import dev.agora.rtfs.ErrorKind;
import dev.agora.rtfs.Evaluation;
import dev.agora.rtfs.RtfsError;
import dev.agora.rtfs.SourcePos;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.stdlib.Stdlib;

/**
 * {@code (op a b)} for the hottest integer builtins, computed in the node itself.
 *
 * <p>Why: every builtin is reached through one call site ({@code Builtin.apply2} → its body), which
 * the JIT cannot specialise when {@code + * mod =} all pass through it; in a map/filter/reduce
 * pipeline that dispatch was the largest single cost. Here the common case — two integers, and the
 * global still bound to the original builtin — needs no call at all. Anything else (floats,
 * strings, a redefined {@code +}) takes the ordinary path, so behaviour and errors are the
 * builtin's own.
 */
record Intrinsic(Op op, Globals.Cell cell, Builtin original, Node a, Node b, SourcePos pos)
    implements Node {

  /** The operations handled inline, by builtin name. */
  enum Op {
    ADD("+"),
    SUB("-"),
    MUL("*"),
    MOD("mod"),
    EQ("="),
    NEQ("not="),
    LT("<"),
    GT(">"),
    LE("<="),
    GE(">=");

    final String name;

    Op(String name) {
      this.name = name;
    }

    static Op byName(String name) {
      for (Op op : values()) {
        if (op.name.equals(name)) {
          return op;
        }
      }
      return null;
    }
  }

  /** The intrinsic for {@code (name a b)}, or null when {@code name} has none. */
  static Node of(String name, Globals.Cell cell, Node a, Node b, SourcePos pos) {
    Op op = Op.byName(name);
    Builtin original = Stdlib.builtins().get(name);
    return op == null || original == null ? null : new Intrinsic(op, cell, original, a, b, pos);
  }

  @Override
  public Value eval(Frame f, Evaluation ev) {
    Value x = Node.arg(a, f, ev);
    Value y = Node.arg(b, f, ev);
    if (cell.value == original && x instanceof Value.Int i && y instanceof Value.Int j) {
      Value v = ints(i.value(), j.value());
      if (v != null) {
        return v;
      }
    }
    return general(x, y, ev);
  }

  /**
   * The result for two integers, or null to let the builtin decide (overflow, division by zero).
   */
  private Value ints(long x, long y) {
    return switch (op) {
      case ADD -> {
        long r = x + y;
        yield ((x ^ r) & (y ^ r)) < 0 ? null : Value.of(r);
      }
      case SUB -> {
        long r = x - y;
        yield ((x ^ y) & (x ^ r)) < 0 ? null : Value.of(r);
      }
      case MUL -> {
        long hi = Math.multiplyHigh(x, y);
        long lo = x * y;
        yield (hi == 0 && lo >= 0) || (hi == -1 && lo < 0) ? Value.of(lo) : null;
      }
      case MOD -> y == 0 ? null : Value.of(Math.floorMod(x, y));
      case EQ -> Value.of(x == y);
      case NEQ -> Value.of(x != y);
      case LT -> Value.of(x < y);
      case GT -> Value.of(x > y);
      case LE -> Value.of(x <= y);
      case GE -> Value.of(x >= y);
    };
  }

  /** The ordinary call: whatever the global holds now, applied with this node's position. */
  private Value general(Value x, Value y, Evaluation ev) {
    Value callee = cell.value;
    if (callee == null) {
      throw new RtfsError(ErrorKind.UndefinedSymbol, "undefined symbol '" + op.name + "'", pos);
    }
    try {
      return ev.apply2(callee, x, y);
    } catch (RtfsError e) {
      throw e.at(pos);
    }
  }
}
