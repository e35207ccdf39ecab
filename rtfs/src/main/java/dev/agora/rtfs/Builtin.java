package dev.agora.rtfs;

/**
 * A function written in Java. The arity is checked before {@link Impl#apply} runs, so an
 * implementation may index its arguments freely within {@code [minArgs, maxArgs]}.
 */
public record Builtin(String name, int minArgs, int maxArgs, Impl impl, Impl2 impl2) implements Fn {

  /** Marks a builtin that takes any number of arguments from {@code minArgs} up. */
  public static final int VARIADIC = Integer.MAX_VALUE;

  /** The Java body of a builtin. */
  @FunctionalInterface
  public interface Impl {
    Value apply(Value[] args, Evaluation ev);
  }

  /**
   * An optional two-argument body for the hottest builtins ({@code + - < =} …): no argument array.
   */
  @FunctionalInterface
  public interface Impl2 {
    Value apply(Value a, Value b, Evaluation ev);
  }

  public Builtin(String name, int minArgs, int maxArgs, Impl impl) {
    this(name, minArgs, maxArgs, impl, null);
  }

  @Override
  public Value apply(Value[] args, Evaluation ev) {
    if (args.length < minArgs || args.length > maxArgs) {
      throw RtfsError.arity(
          "'" + name + "' takes " + arityText(minArgs, maxArgs) + ", got " + args.length);
    }
    return impl.apply(args, ev);
  }

  @Override
  public Value apply2(Value a, Value b, Evaluation ev) {
    return impl2 != null ? impl2.apply(a, b, ev) : apply(new Value[] {a, b}, ev);
  }

  /** "2 arguments", "at least 1 argument", "1 to 3 arguments". */
  public static String arityText(int min, int max) {
    if (max == VARIADIC) {
      return "at least " + min + (min == 1 ? " argument" : " arguments");
    }
    if (min == max) {
      return min + (min == 1 ? " argument" : " arguments");
    }
    return min + " to " + max + " arguments";
  }

  @Override
  public String toString() {
    return "#<fn " + name + ">";
  }
}
