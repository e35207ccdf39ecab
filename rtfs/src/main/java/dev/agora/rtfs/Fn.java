package dev.agora.rtfs;

/**
 * A function value: a builtin, or a closure made by {@code fn}/{@code defn}. Functions are
 * first-class ({@code (reduce + xs)}) and equal only to themselves.
 */
public non-sealed interface Fn extends Value {

  /** The name used in messages and printing ({@code fn} when anonymous). */
  String name();

  /**
   * Calls the function. The arguments array belongs to the callee. Errors are {@link RtfsError}s;
   * arity is checked by the function itself.
   */
  Value apply(Value[] args, Evaluation ev);

  /** A call with one argument; functions override it to avoid allocating an argument array. */
  default Value apply1(Value a, Evaluation ev) {
    return apply(new Value[] {a}, ev);
  }

  /** A call with two arguments; functions override it to avoid allocating an argument array. */
  default Value apply2(Value a, Value b, Evaluation ev) {
    return apply(new Value[] {a, b}, ev);
  }

  @Override
  default String typeName() {
    return "function";
  }
}
