package dev.agora.core.local;

import dev.agora.core.json.Json;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.core.manifest.Schema;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import dev.agora.rtfs.types.TypeParser;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns {@link Capability}-annotated methods into manifests and local functions: the input is a map
 * from parameter names to values, converted to the parameter types; the result is converted back.
 * Unsupported parameter types are refused at registration, naming the method.
 */
public final class Annotated {

  /** One annotated method, ready to register. */
  public record Binding(CapabilityManifest manifest, LocalFunction function) {}

  private Annotated() {}

  /** Every {@link Capability} method of {@code target}. */
  public static List<Binding> bind(Object target) {
    List<Binding> out = new ArrayList<>();
    for (Method m : target.getClass().getMethods()) {
      Capability c = m.getAnnotation(Capability.class);
      if (c != null) {
        out.add(bind(target, m, c));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          target.getClass().getName() + " has no public @Capability methods");
    }
    return out;
  }

  private static Binding bind(Object target, Method method, Capability c) {
    Parameter[] params = method.getParameters();
    String[] names = new String[params.length];
    StringBuilder input = new StringBuilder("[:map");
    for (int i = 0; i < params.length; i++) {
      Param p = params[i].getAnnotation(Param.class);
      if (p == null && !params[i].isNamePresent()) {
        throw new IllegalArgumentException(
            where(method) + ": name parameter " + i + " with @Param (or compile with -parameters)");
      }
      names[i] = p != null ? p.value() : params[i].getName();
      input
          .append(" [:")
          .append(names[i])
          .append(' ')
          .append(typeOf(params[i].getType(), method))
          .append(p != null && p.optional() ? " ?]" : "]");
    }
    input.append(']');
    // An explicit output schema stands for the return type, which then need not be one we can
    // derive
    String output =
        !c.output().isEmpty()
            ? c.output()
            : method.getReturnType() == void.class
                ? ":nil"
                : typeOf(method.getReturnType(), method);
    CapabilityManifest manifest =
        CapabilityManifest.builder(c.id())
            .name(c.name().isEmpty() ? c.id() : c.name())
            .description(c.description())
            .version(c.version())
            .provider(new ProviderSpec.Local(c.id(), Dict.EMPTY))
            .input(Schema.of(TypeParser.parse(c.input().isEmpty() ? input.toString() : c.input())))
            .output(Schema.of(TypeParser.parse(output)))
            .effects(c.effects())
            .permissions(c.permissions())
            .build();
    LocalFunction fn = (in, call) -> invoke(target, method, names, in);
    return new Binding(manifest, fn);
  }

  private static Value invoke(Object target, Method method, String[] names, Value input)
      throws Exception {
    Object[] args = new Object[names.length];
    Dict map = input instanceof Dict d ? d : Dict.EMPTY;
    Class<?>[] types = method.getParameterTypes();
    for (int i = 0; i < names.length; i++) {
      Value v = map.get(names[i]);
      if (v == null) {
        v = map.get(Value.of(names[i]));
      }
      args[i] = toJava(v == null ? Value.NIL : v, types[i]);
    }
    try {
      return toValue(method.invoke(target, args));
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof Exception ex) {
        throw ex;
      }
      throw e;
    }
  }

  // ---- Types ----

  private static String typeOf(Class<?> t, Method m) {
    if (t == long.class
        || t == Long.class
        || t == int.class
        || t == Integer.class
        || t == short.class
        || t == Short.class) {
      return ":int";
    }
    if (t == double.class || t == Double.class || t == float.class || t == Float.class) {
      return ":number";
    }
    if (t == boolean.class || t == Boolean.class) {
      return ":bool";
    }
    if (t == String.class) {
      return ":string";
    }
    if (Map.class.isAssignableFrom(t) || t == Dict.class) {
      return ":map";
    }
    if (List.class.isAssignableFrom(t) || t == Vec.class || t == Seq.class) {
      return "[:vector :any]";
    }
    if (Value.class.isAssignableFrom(t)) {
      return ":any";
    }
    throw new IllegalArgumentException(
        where(m)
            + ": unsupported type "
            + t.getSimpleName()
            + "; use long, int, double, boolean, String, List, Map or an RTFS Value");
  }

  private static Object toJava(Value v, Class<?> t) {
    if (v instanceof Value.Nil) {
      return t == long.class
          ? 0L
          : t == int.class
              ? 0
              : t == double.class
                  ? 0.0
                  : t == boolean.class
                      ? false
                      : t == short.class
                          ? (short) 0
                          : t == float.class ? 0f : Value.class.isAssignableFrom(t) ? v : null;
    }
    return switch (v) {
      case Value.Int i when t == long.class || t == Long.class -> i.value();
      case Value.Int i when t == int.class || t == Integer.class -> Math.toIntExact(i.value());
      case Value.Int i when t == short.class || t == Short.class -> toShort(i);
      case Value.Int i when t == double.class || t == Double.class -> (double) i.value();
      case Value.Int i when t == float.class || t == Float.class -> (float) i.value();
      case Value.Real r when t == double.class || t == Double.class -> r.value();
      case Value.Real r when t == float.class || t == Float.class -> (float) r.value();
      case Value.Bool b when t == boolean.class || t == Boolean.class -> b.value();
      case Value.Str s when t == String.class -> s.value();
      case Seq s when List.class.isAssignableFrom(t) -> s.items();
      case Dict d when Map.class.isAssignableFrom(t) -> d.asMap();
      default -> {
        if (t.isInstance(v)) {
          yield v;
        }
        throw new IllegalArgumentException(
            "cannot pass " + Printer.describe(v) + " as " + t.getSimpleName());
      }
    };
  }

  private static short toShort(Value.Int i) {
    if (i.value() < Short.MIN_VALUE || i.value() > Short.MAX_VALUE) {
      throw new IllegalArgumentException(
          "cannot pass " + Printer.describe(i) + " as short: out of range");
    }
    return (short) i.value();
  }

  /**
   * A Java result as an RTFS value; string map keys become keywords where they read back as one.
   */
  public static Value toValue(Object o) {
    return switch (o) {
      case null -> Value.NIL;
      case Value v -> v;
      case Long l -> Value.of(l);
      case Integer i -> Value.of(i);
      case Short s -> Value.of(s);
      case Double d -> Value.of(d);
      case Float f -> Value.of(f);
      case Boolean b -> Value.of(b);
      case String s -> Value.of(s);
      case List<?> l -> Vec.of(l.stream().map(Annotated::toValue).toList());
      case Map<?, ?> m -> {
        Dict.Builder b = Dict.builder();
        m.forEach((k, v) -> b.put(k instanceof String s ? Json.key(s) : toValue(k), toValue(v)));
        yield b.build();
      }
      default ->
          throw new IllegalArgumentException(
              "cannot return a " + o.getClass().getSimpleName() + " as an RTFS value");
    };
  }

  private static String where(Method m) {
    return m.getDeclaringClass().getSimpleName() + "." + m.getName();
  }
}
