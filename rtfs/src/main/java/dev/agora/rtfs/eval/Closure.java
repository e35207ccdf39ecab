package dev.agora.rtfs.eval;

import dev.agora.rtfs.Evaluation;
import dev.agora.rtfs.Fn;
import dev.agora.rtfs.RtfsError;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.util.Arrays;

/** A function made by {@code fn} or {@code defn}: a {@link Lambda} and the frame it was made in. */
final class Closure implements Fn {

  private final Lambda lambda;
  private final Frame env;

  Closure(Lambda lambda, Frame env) {
    this.lambda = lambda;
    this.env = env;
  }

  @Override
  public String name() {
    return lambda.name;
  }

  @Override
  public Value apply(Value[] args, Evaluation ev) {
    Lambda l = lambda;
    if (args.length < l.params.length || (l.rest == null && args.length > l.params.length)) {
      throw RtfsError.arity("'" + l.name + "' takes " + l.arity() + ", got " + args.length);
    }
    Frame f = new Frame(l.frameSize, env);
    if (l.selfSlot >= 0) {
      f.set(l.selfSlot, this);
    }
    bindParameters(l, args, f, ev);
    return run(l, f, ev);
  }

  /** Runs the body in a frame whose parameters are bound. */
  private static Value run(Lambda l, Frame f, Evaluation ev) {
    ev.enter();
    Value result;
    try {
      result = l.body.eval(f, ev);
    } catch (StackOverflowError e) {
      throw RtfsError.limit("recursion too deep in '" + l.name + "': the stack is exhausted");
    } finally {
      ev.exit();
    }
    if (l.returnType != null) {
      Node.checkType(l.returnType, "the result of '" + l.name + "'", result, l.pos);
    }
    return result;
  }

  @Override
  public Value apply1(Value a, Evaluation ev) {
    Lambda l = lambda;
    if (!l.direct || l.params.length != 1) {
      return apply(new Value[] {a}, ev);
    }
    Frame f = new Frame(l.frameSize, env);
    f.set(l.simpleSlots[0], a);
    return run(l, f, ev);
  }

  @Override
  public Value apply2(Value a, Value b, Evaluation ev) {
    Lambda l = lambda;
    if (!l.direct || l.params.length != 2) {
      return apply(new Value[] {a, b}, ev);
    }
    Frame f = new Frame(l.frameSize, env);
    f.set(l.simpleSlots[0], a);
    f.set(l.simpleSlots[1], b);
    return run(l, f, ev);
  }

  private static void bindParameters(Lambda l, Value[] args, Frame f, Evaluation ev) {
    if (l.simpleSlots != null) { // every parameter a plain name: store directly
      for (int i = 0; i < l.simpleSlots.length; i++) {
        f.set(l.simpleSlots[i], args[i]);
      }
    } else {
      for (int i = 0; i < l.params.length; i++) {
        Node.bindOrFail(l.params[i], l.paramText, args[i], f, ev, l.pos);
      }
    }
    if (l.rest != null) {
      Vec rest = Vec.adopt(Arrays.copyOfRange(args, l.params.length, args.length));
      Node.bindOrFail(l.rest, l.paramText, rest, f, ev, l.pos);
    }
  }

  @Override
  public String toString() {
    return "#<fn " + lambda.name + ">";
  }
}
