package dev.agora.core.call.policy;

import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The {@code when} of an argument-aware rule: a CEL expression, parsed and type-checked once (at
 * configuration load) against the variables a call offers —
 *
 * <ul>
 *   <li>{@code args}: the call's input, a map from string to any JSON value;
 *   <li>{@code caller}: {@code identity}, {@code level} ({@code "pure"}, {@code "controlled"} or
 *       {@code "full"}) and {@code permissions} (a list) of the caller's security context, and its
 *       {@code tenant}'s name ({@code ""} for a caller of none; a tenant's caller's identity starts
 *       with {@code "<tenant>:"});
 *   <li>{@code now}: the call's time, a timestamp;
 *   <li>{@code capability}: the capability id.
 * </ul>
 *
 * It must give a bool. Numbers of both kinds compare with each other ({@code args.total > 1000}
 * holds for 1000.5). Evaluating it can still fail — a missing key, a value of another type than the
 * expression expects — and then {@link #test} throws {@link EvaluationError}, which the rules turn
 * into a denial (fail closed).
 */
final class Condition {

  private static final Cel CEL =
      CelFactory.standardCelBuilder()
          .setOptions(CelOptions.current().enableHeterogeneousNumericComparisons(true).build())
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("args", MapType.create(SimpleType.STRING, SimpleType.DYN))
          .addVar("caller", MapType.create(SimpleType.STRING, SimpleType.DYN))
          .addVar("now", SimpleType.TIMESTAMP)
          .addVar("capability", SimpleType.STRING)
          .setResultType(SimpleType.BOOL)
          .build();

  /** Why a condition could not be evaluated for a call (the rules deny the call). */
  static final class EvaluationError extends RuntimeException {
    EvaluationError(String message) {
      super(message, null, false, false);
    }
  }

  private final String source;
  private final CelRuntime.Program program;

  private Condition(String source, CelRuntime.Program program) {
    this.source = source;
    this.program = program;
  }

  /**
   * Parses and type-checks {@code source}; a syntax or type error is an {@link
   * IllegalArgumentException} that says where in the expression and what is wrong.
   */
  public static Condition compile(String source) {
    try {
      return new Condition(source, CEL.createProgram(CEL.compile(source).getAst()));
    } catch (CelValidationException e) {
      throw new IllegalArgumentException(
          "not a valid CEL condition: "
              + e.getErrors().stream()
                  .map(i -> where(source, i) + i.getMessage())
                  .collect(Collectors.joining("; ")));
    } catch (dev.cel.common.CelException e) { // a program the runtime cannot plan
      throw new IllegalArgumentException("not a usable CEL condition: " + e.getMessage());
    }
  }

  private static String where(String source, CelIssue issue) {
    int line = issue.getSourceLocation().getLine();
    int column = issue.getSourceLocation().getColumn() + 1;
    return source.contains("\n")
        ? "line " + line + ", column " + column + ": "
        : "column " + column + ": ";
  }

  /** The expression as written. */
  public String source() {
    return source;
  }

  /**
   * Whether the condition holds for a call's {@link #variables}.
   *
   * @throws EvaluationError when it cannot be evaluated or does not give a bool
   */
  public boolean test(Map<String, Object> variables) {
    Object result;
    try {
      result = program.eval(variables);
    } catch (CelEvaluationException | RuntimeException e) {
      throw new EvaluationError(
          "'"
              + source
              + "' could not be evaluated: "
              + e.getMessage().replace("at <input>:", "at character "));
    }
    if (result instanceof Boolean b) {
      return b;
    }
    throw new EvaluationError("'" + source + "' gave " + result + ", not a bool");
  }

  /** The variables of one call, as {@link #test} takes them. */
  public static Map<String, Object> variables(
      String capability, Value args, SecurityContext caller, Instant now) {
    Map<String, Object> callerMap = new HashMap<>(8);
    callerMap.put("identity", caller.identity());
    callerMap.put("level", caller.level().name().toLowerCase(Locale.ROOT));
    callerMap.put("permissions", List.copyOf(new TreeSet<>(caller.permissions())));
    callerMap.put("tenant", caller.tenant() == null ? "" : caller.tenant().name());
    Map<String, Object> vars = new HashMap<>(8);
    vars.put("args", args instanceof Dict d ? cel(d) : Map.of());
    vars.put("caller", callerMap);
    vars.put("now", now);
    vars.put("capability", capability);
    return vars;
  }

  /** An RTFS value as CEL's Java form: maps with string keys, lists, Long, Double, String … */
  static Object cel(Value v) {
    return switch (v) {
      case Value.Nil n -> NullValue.NULL_VALUE;
      case Value.Bool b -> b.value();
      case Value.Int i -> i.value();
      case Value.Real r -> r.value();
      case Value.Str s -> s.value();
      case Value.Keyword k -> k.name();
      case Value.Symbol s -> s.name();
      case Seq s -> {
        List<Object> out = new ArrayList<>(s.size());
        for (int i = 0; i < s.size(); i++) {
          out.add(cel(s.get(i)));
        }
        yield out;
      }
      case Dict d -> {
        Map<String, Object> out = new HashMap<>();
        for (Map.Entry<Value, Value> e : d.asMap().entrySet()) {
          out.put(key(e.getKey()), cel(e.getValue()));
        }
        yield out;
      }
      default -> Printer.print(v); // a function or another value with no data form
    };
  }

  private static String key(Value k) {
    return switch (k) {
      case Value.Keyword kw -> kw.name();
      case Value.Str s -> s.value();
      default -> Printer.print(k);
    };
  }

  @Override
  public String toString() {
    return source;
  }
}
