package dev.agora.rtfs.types;

import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Fn;
import dev.agora.rtfs.Lst;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import dev.agora.rtfs.types.TypeExpr.Prim;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks values against {@link TypeExpr}s with full ("strict") semantics: predicates are checked at
 * every depth, an integer is accepted where a float is expected, maps are open unless closed.
 *
 * <p>{@link #conforms} answers yes/no without allocating; {@link #validate} reports every problem,
 * each with its path. The marketplace calls both on every capability call, so the common case (the
 * value conforms) costs one walk and no garbage.
 */
public final class Validator {

  private Validator() {}

  /** Every problem of {@code value} against {@code type}; empty when it conforms. */
  public static List<Problem> validate(TypeExpr type, Value value) {
    if (conforms(type, value)) {
      return List.of();
    }
    List<Problem> out = new ArrayList<>();
    collect(type, value, new Path(null, null), out);
    return out;
  }

  /** True if {@code value} conforms to {@code type}. */
  public static boolean conforms(TypeExpr type, Value value) {
    return switch (type) {
      case TypeExpr.Primitive p -> primitive(p.prim(), value);
      case TypeExpr.Optional o -> value instanceof Value.Nil || conforms(o.inner(), value);
      case TypeExpr.VectorOf v ->
          value instanceof Seq s
              && (v.size() == null || s.size() == v.size())
              && allConform(v.item(), s);
      case TypeExpr.Tuple t ->
          value instanceof Seq s && s.size() == t.items().size() && tupleConforms(t, s);
      case TypeExpr.MapOf m -> value instanceof Dict d && mapConforms(m, d);
      case TypeExpr.MapOfKV m ->
          value instanceof Dict d
              && d.asMap().entrySet().stream()
                  .allMatch(
                      e ->
                          conforms(m.keyType(), e.getKey())
                              && conforms(m.valueType(), e.getValue()));
      case TypeExpr.Union u -> u.options().stream().anyMatch(o -> conforms(o, value));
      case TypeExpr.OneOf e -> e.values().contains(value);
      case TypeExpr.Literal l -> l.value().equals(value);
      case TypeExpr.And a ->
          a.types().stream().allMatch(t -> conforms(t, value))
              && a.predicates().stream().allMatch(p -> p.test(value));
    };
  }

  // ---- Yes/no ----

  private static boolean primitive(Prim p, Value v) {
    return switch (p) {
      case INT -> v instanceof Value.Int;
      case FLOAT, NUMBER -> v instanceof Value.Real || v instanceof Value.Int;
      case STRING -> v instanceof Value.Str;
      case BOOL -> v instanceof Value.Bool;
      case KEYWORD -> v instanceof Value.Keyword;
      case SYMBOL -> v instanceof Value.Symbol;
      case NIL -> v instanceof Value.Nil;
      case ANY -> true;
      case NEVER -> false;
      case MAP -> v instanceof Dict;
      case VECTOR -> v instanceof Vec;
      case LIST -> v instanceof Lst;
      case FN -> v instanceof Fn;
    };
  }

  private static boolean allConform(TypeExpr item, Seq s) {
    for (int i = 0; i < s.size(); i++) {
      if (!conforms(item, s.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean tupleConforms(TypeExpr.Tuple t, Seq s) {
    for (int i = 0; i < s.size(); i++) {
      if (!conforms(t.items().get(i), s.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean mapConforms(TypeExpr.MapOf m, Dict d) {
    for (TypeExpr.Entry e : m.entries()) {
      Value v = d.get(e.key());
      if (v == null ? !e.optional() : !conforms(e.type(), v)) {
        return false;
      }
    }
    if (!m.closed() && m.rest() == null) {
      return true;
    }
    for (Map.Entry<Value, Value> kv : d.asMap().entrySet()) {
      if (m.entry(kv.getKey()) == null && (m.closed() || !conforms(m.rest(), kv.getValue()))) {
        return false;
      }
    }
    return true;
  }

  // ---- Every problem, with paths ----

  /** A path from the root, built by linking (no copying while descending). */
  private record Path(Path parent, Value segment) {
    Path with(Value s) {
      return new Path(this, s);
    }

    List<Value> toList() {
      List<Value> out = new ArrayList<>();
      for (Path p = this; p.parent != null; p = p.parent) {
        out.add(0, p.segment);
      }
      return out;
    }
  }

  private static void collect(TypeExpr type, Value value, Path path, List<Problem> out) {
    switch (type) {
      case TypeExpr.Optional o when !(value instanceof Value.Nil) ->
          collect(o.inner(), value, path, out);
      case TypeExpr.VectorOf v
          when value instanceof Seq s && (v.size() == null || s.size() == v.size()) -> {
        for (int i = 0; i < s.size(); i++) {
          collect(v.item(), s.get(i), path.with(Value.of(i)), out);
        }
      }
      case TypeExpr.Tuple t when value instanceof Seq s && s.size() == t.items().size() -> {
        for (int i = 0; i < s.size(); i++) {
          collect(t.items().get(i), s.get(i), path.with(Value.of(i)), out);
        }
      }
      case TypeExpr.MapOf m when value instanceof Dict d -> collectMap(m, d, path, out);
      case TypeExpr.MapOfKV m when value instanceof Dict d -> {
        for (Map.Entry<Value, Value> e : d.asMap().entrySet()) {
          if (!conforms(m.keyType(), e.getKey())) {
            out.add(
                problem(path.with(e.getKey()), "a key of type " + m.keyType().show(), e.getKey()));
          }
          collect(m.valueType(), e.getValue(), path.with(e.getKey()), out);
        }
      }
      case TypeExpr.And a -> collectAnd(a, value, path, out);
      case TypeExpr.Union u when !conforms(u, value) -> {
        // When one alternative has the value's shape (the only map type for a map …), its problems
        // say what is wrong; otherwise the union as a whole is what was expected.
        List<TypeExpr> shaped = u.options().stream().filter(o -> sameShape(o, value)).toList();
        if (shaped.size() == 1) {
          collect(shaped.get(0), value, path, out);
        } else {
          out.add(problem(path, type.show(), value));
        }
      }
      default -> {
        if (!conforms(type, value)) {
          out.add(problem(path, type.show(), value));
        }
      }
    }
  }

  /**
   * True if {@code t} is a collection type of the value's kind: a vector type for a vector, a map
   * type for a map.
   */
  private static boolean sameShape(TypeExpr t, Value v) {
    return switch (t) {
      case TypeExpr.VectorOf x -> v instanceof Seq;
      case TypeExpr.Tuple x -> v instanceof Seq;
      case TypeExpr.MapOf x -> v instanceof Dict;
      case TypeExpr.MapOfKV x -> v instanceof Dict;
      case TypeExpr.Optional o -> !(v instanceof Value.Nil) && sameShape(o.inner(), v);
      case TypeExpr.And a -> !a.types().isEmpty() && sameShape(a.types().get(0), v);
      default -> false;
    };
  }

  private static void collectMap(TypeExpr.MapOf m, Dict d, Path path, List<Problem> out) {
    for (TypeExpr.Entry e : m.entries()) {
      Value v = d.get(e.key());
      if (v != null) {
        collect(e.type(), v, path.with(e.key()), out);
      } else if (!e.optional()) {
        out.add(
            new Problem(
                path.with(e.key()).toList(), e.type().show() + " (required key)", "nothing"));
      }
    }
    for (Map.Entry<Value, Value> kv : d.asMap().entrySet()) {
      if (m.entry(kv.getKey()) != null) {
        continue;
      }
      if (m.closed()) {
        out.add(
            problem(path.with(kv.getKey()), "no other keys (the map is closed)", kv.getValue()));
      } else if (m.rest() != null) {
        collect(m.rest(), kv.getValue(), path.with(kv.getKey()), out);
      }
    }
  }

  private static void collectAnd(TypeExpr.And a, Value value, Path path, List<Problem> out) {
    int before = out.size();
    for (TypeExpr t : a.types()) {
      collect(t, value, path, out);
    }
    if (out.size() > before) {
      return; // predicates on a value of the wrong type would only add noise
    }
    for (Predicate p : a.predicates()) {
      if (!p.test(value)) {
        out.add(problem(path, Printer.print(p.toValue()), value));
      }
    }
  }

  private static Problem problem(Path path, String expected, Value found) {
    return new Problem(path.toList(), expected, Printer.describe(found));
  }
}
