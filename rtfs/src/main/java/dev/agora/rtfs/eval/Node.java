package dev.agora.rtfs.eval;

import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Err;
import dev.agora.rtfs.ErrorKind;
import dev.agora.rtfs.Evaluation;
import dev.agora.rtfs.Host;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.RtfsError;
import dev.agora.rtfs.SourcePos;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import dev.agora.rtfs.types.Problem;
import dev.agora.rtfs.types.TypeExpr;
import dev.agora.rtfs.types.Validator;

/**
 * An analyzed expression, ready to run: special forms are resolved, locals are slots, globals are
 * cells. Each node evaluates itself against a frame ({@link #eval}); errors raised without a
 * position get the position of the call that raised them.
 */
sealed interface Node
    permits Node.Const,
        Node.Local,
        Node.Global,
        Node.VectorLit,
        Node.MapLit,
        Node.If,
        Node.Do,
        Node.Let,
        Node.FnNode,
        Node.DefGlobal,
        Node.DefLocal,
        Node.Call,
        Node.CallGlobal,
        Node.CapabilityCall,
        Node.And,
        Node.Or,
        Node.Match,
        Node.Try,
        Node.Step,
        Intrinsic {

  Value eval(Frame f, Evaluation ev);

  SourcePos pos();

  /** A literal, or a vector/map of literals built once at analysis. */
  record Const(Value value, SourcePos pos) implements Node {
    @Override
    public Value eval(Frame f, Evaluation ev) {
      return value;
    }
  }

  /** A local variable: {@code depth} frames out, at {@code slot}. */
  record Local(int depth, int slot, String name, SourcePos pos) implements Node {
    @Override
    public Value eval(Frame f, Evaluation ev) {
      Value v = f.up(depth).get(slot);
      if (v == null) {
        throw new RtfsError(
            ErrorKind.UndefinedSymbol, "'" + name + "' is used before its value is defined", pos);
      }
      return v;
    }
  }

  /** A global variable. */
  record Global(Globals.Cell cell, Globals globals, SourcePos pos) implements Node {
    @Override
    public Value eval(Frame f, Evaluation ev) {
      Value v = cell.value;
      if (v == null) {
        String hint = globals.suggest(cell.name);
        throw new RtfsError(
            ErrorKind.UndefinedSymbol,
            "undefined symbol '"
                + cell.name
                + "'"
                + (hint == null ? "" : "; did you mean '" + hint + "'?"),
            pos);
      }
      return v;
    }
  }

  /** {@code [a b c]} with at least one non-literal item. */
  record VectorLit(Node[] items, SourcePos pos) implements Node {
    @Override
    public Value eval(Frame f, Evaluation ev) {
      Value[] out = new Value[items.length];
      for (int i = 0; i < items.length; i++) {
        out[i] = items[i].eval(f, ev);
      }
      return Vec.adopt(out);
    }
  }

  /** {@code {:k v …}} with at least one non-literal value; values are evaluated in source order. */
  record MapLit(Value[] keys, Node[] values, SourcePos pos) implements Node {
    @Override
    public Value eval(Frame f, Evaluation ev) {
      Dict.Builder b = Dict.builder();
      for (int i = 0; i < keys.length; i++) {
        b.put(keys[i], values[i].eval(f, ev));
      }
      return b.build();
    }
  }

  /** {@code (if test then else)}. */
  record If(Node test, Node then, Node otherwise, SourcePos pos) implements Node {
    @Override
    public Value eval(Frame f, Evaluation ev) {
      return test.eval(f, ev).truthy() ? then.eval(f, ev) : otherwise.eval(f, ev);
    }
  }

  /** {@code (do a b c)}: each in order, the last one's value. */
  record Do(Node[] body, SourcePos pos) implements Node {
    @Override
    public Value eval(Frame f, Evaluation ev) {
      Value last = Value.NIL;
      for (Node n : body) {
        last = n.eval(f, ev);
      }
      return last;
    }
  }

  /** One {@code let} binding: a pattern, an optional type, a value. */
  record Binding(Pattern pattern, String text, Node value) {}

  /** {@code (let [p v …] body)}: bindings in order, each seeing the ones before. */
  record Let(Binding[] bindings, Node body, SourcePos pos) implements Node {
    @Override
    public Value eval(Frame f, Evaluation ev) {
      for (Binding b : bindings) {
        Value v = b.value().eval(f, ev);
        bindOrFail(b.pattern(), b.text(), v, f, ev, b.value().pos());
      }
      return body.eval(f, ev);
    }
  }

  /** {@code (fn …)}: makes a closure over the current frame. */
  record FnNode(Lambda lambda, SourcePos pos) implements Node {
    @Override
    public Value eval(Frame f, Evaluation ev) {
      return new Closure(lambda, f);
    }
  }

  /** {@code (def name value)} at top level: defines a global; returns the value. */
  record DefGlobal(Globals.Cell cell, TypeExpr type, Node value, SourcePos pos) implements Node {
    @Override
    public Value eval(Frame f, Evaluation ev) {
      Value v = value.eval(f, ev);
      checkType(type, "'" + cell.name + "'", v, pos);
      cell.value = v;
      return v;
    }
  }

  /** {@code (def name value)} inside a {@code let} or function body: defines a local. */
  record DefLocal(int slot, String name, TypeExpr type, Node value, SourcePos pos) implements Node {
    @Override
    public Value eval(Frame f, Evaluation ev) {
      Value v = value.eval(f, ev);
      checkType(type, "'" + name + "'", v, pos);
      f.set(slot, v);
      return v;
    }
  }

  /** {@code (f a b)}: the callee, then the arguments left to right, then the application. */
  record Call(Node fn, Node[] args, SourcePos pos) implements Node {
    @Override
    public Value eval(Frame f, Evaluation ev) {
      Value callee = fn.eval(f, ev);
      Value[] values = evalArgs(args, f, ev);
      try {
        return ev.apply(callee, values);
      } catch (RtfsError e) {
        throw e.at(pos);
      }
    }
  }

  /**
   * {@code (f a b)} where {@code f} names a global: the commonest call, without dispatching on the
   * callee node, and with one or two arguments without an argument array.
   */
  record CallGlobal(Global fn, Node[] args, SourcePos pos) implements Node {
    @Override
    public Value eval(Frame f, Evaluation ev) {
      Value callee = fn.cell().value;
      if (callee == null) {
        callee = fn.eval(f, ev); // raises UndefinedSymbol
      }
      try {
        return switch (args.length) {
          case 1 -> ev.apply1(callee, arg(args[0], f, ev));
          case 2 -> {
            Value a = arg(args[0], f, ev);
            yield ev.apply2(callee, a, arg(args[1], f, ev));
          }
          default -> ev.apply(callee, evalArgs(args, f, ev));
        };
      } catch (RtfsError e) {
        throw e.at(pos);
      }
    }
  }

  /** Evaluates arguments left to right. */
  static Value[] evalArgs(Node[] args, Frame f, Evaluation ev) {
    Value[] values = new Value[args.length];
    for (int i = 0; i < args.length; i++) {
      values[i] = arg(args[i], f, ev);
    }
    return values;
  }

  /**
   * Evaluates one argument. Locals of the current frame and constants, most arguments in practice,
   * are read inline: a type check is cheaper than a call through this interface.
   */
  static Value arg(Node a, Frame f, Evaluation ev) {
    Value v;
    if (a instanceof Local l && l.depth() == 0 && (v = f.get(l.slot())) != null) {
      return v;
    }
    if (a instanceof Const c) {
      return c.value();
    }
    return a.eval(f, ev);
  }

  /** {@code (call :id arg…)}: a capability call handed to the host, with its position. */
  record CapabilityCall(Node id, Node[] args, SourcePos pos) implements Node {
    @Override
    public Value eval(Frame f, Evaluation ev) {
      Value idValue = id.eval(f, ev);
      return ev.callCapability(idValue, evalArgs(args, f, ev), pos);
    }
  }

  /** {@code (and a b)}: short-circuits; true if every operand is truthy. */
  record And(Node[] items, SourcePos pos) implements Node {
    @Override
    public Value eval(Frame f, Evaluation ev) {
      for (Node n : items) {
        if (!n.eval(f, ev).truthy()) {
          return Value.FALSE;
        }
      }
      return Value.TRUE;
    }
  }

  /** {@code (or a b)}: short-circuits; true if any operand is truthy. */
  record Or(Node[] items, SourcePos pos) implements Node {
    @Override
    public Value eval(Frame f, Evaluation ev) {
      for (Node n : items) {
        if (n.eval(f, ev).truthy()) {
          return Value.TRUE;
        }
      }
      return Value.FALSE;
    }
  }

  /** One {@code match} clause. */
  record Clause(Pattern pattern, Node guard, Node body) {}

  /**
   * {@code (match v p1 e1 p2 when g e2 …)}: the first clause whose pattern fits and guard holds.
   */
  record Match(Node subject, Clause[] clauses, SourcePos pos) implements Node {
    @Override
    public Value eval(Frame f, Evaluation ev) {
      Value v = subject.eval(f, ev);
      for (Clause c : clauses) {
        if (c.pattern().bind(v, f, ev) && (c.guard() == null || c.guard().eval(f, ev).truthy())) {
          return c.body().eval(f, ev);
        }
      }
      throw new RtfsError(
          ErrorKind.MatchError, "no match clause matches " + Printer.describe(v), pos);
    }
  }

  /**
   * One {@code catch}: the kind it catches (null for every kind), the slot of its binding, its
   * body.
   */
  record Handler(ErrorKind kind, int slot, Node body) {}

  /**
   * {@code (try body (catch Kind e …) (finally …))}. The first handler whose kind matches runs; the
   * {@code finally} body runs on every path, its value discarded and its error replacing the
   * result. Errors that abort the evaluation (deadline, cancellation, step budget) are never
   * caught.
   */
  record Try(Node body, Handler[] handlers, Node finallyBody, SourcePos pos) implements Node {
    @Override
    public Value eval(Frame f, Evaluation ev) {
      try {
        return body.eval(f, ev);
      } catch (RtfsError e) {
        return handle(e, f, ev);
      } catch (StackOverflowError e) {
        return handle(RtfsError.limit("recursion too deep: the stack is exhausted").at(pos), f, ev);
      } finally {
        if (finallyBody != null) {
          finallyBody.eval(f, ev);
        }
      }
    }

    private Value handle(RtfsError e, Frame f, Evaluation ev) {
      if (!ev.isAborted()) {
        for (Handler h : handlers) {
          if (h.kind() == null || e.kind().isA(h.kind())) {
            f.set(h.slot(), Err.of(e));
            return h.body().eval(f, ev);
          }
        }
      }
      throw e;
    }
  }

  /**
   * {@code (step "name" :params {…} body…)}: reports start, then completion or failure, to the
   * host; calls and steps inside nest under it. {@code %params} is bound for the body only.
   */
  record Step(String name, Node params, int paramsSlot, Dict options, Node body, SourcePos pos)
      implements Node {
    @Override
    public Value eval(Frame f, Evaluation ev) {
      Value p = params == null ? Value.NIL : params.eval(f, ev);
      if (paramsSlot >= 0) {
        f.set(paramsSlot, p);
      }
      String parent = ev.currentStep();
      String id = ev.startStep(new Host.StepStart(name, p, parent, pos, options));
      Value result;
      try {
        result = body.eval(f, ev);
      } catch (RtfsError e) {
        ev.endStep(id, parent, null, e, pos);
        throw e;
      }
      ev.endStep(id, parent, result, null, pos);
      return result;
    }
  }

  // ---- Shared by let, parameters and def ----

  /** Binds a let or parameter pattern; a value that does not fit is a TypeError naming both. */
  static void bindOrFail(Pattern p, String text, Value v, Frame f, Evaluation ev, SourcePos pos) {
    if (!p.bind(v, f, ev)) {
      throw new RtfsError(
          ErrorKind.TypeError,
          "cannot bind " + Printer.describe(v) + " to the pattern " + text,
          pos);
    }
  }

  /**
   * Checks a type annotation; {@code what} names the annotated thing ("'x'", "the result of 'f'").
   */
  static void checkType(TypeExpr type, String what, Value v, SourcePos pos) {
    if (type == null) {
      return;
    }
    var problems = Validator.validate(type, v);
    if (!problems.isEmpty()) {
      throw new RtfsError(
          ErrorKind.ValidationError,
          what
              + " must be "
              + type.show()
              + ": "
              + String.join("; ", problems.stream().map(Problem::message).toList()),
          pos);
    }
  }
}
