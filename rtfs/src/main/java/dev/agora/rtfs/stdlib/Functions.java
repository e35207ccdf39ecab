package dev.agora.rtfs.stdlib;

import static dev.agora.rtfs.Builtin.VARIADIC;

import dev.agora.rtfs.Builtin;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Evaluation;
import dev.agora.rtfs.RtfsError;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Functions over collections and functions over functions: {@code map filter reduce sort-by
 * group-by apply comp partial …}. Like the rest of RTFS these are eager: each returns a finished
 * collection. Predicates use RTFS truthiness (only nil and false are falsy).
 */
final class Functions {

  private Functions() {}

  static void register(Stdlib.Registry r) {
    r.fn("map", 2, VARIADIC, (a, ev) -> map(a, ev, false));
    r.fn("mapv", 2, VARIADIC, (a, ev) -> map(a, ev, true));
    r.fn(
        "map-indexed",
        2,
        2,
        (a, ev) -> {
          Value[] items = Args.items(a[1], "map-indexed");
          Value[] out = new Value[items.length];
          for (int i = 0; i < items.length; i++) {
            out[i] = ev.apply2(a[0], Value.of(i), items[i]);
          }
          return Sequences.like(a[1], out);
        });
    r.fn(
        "mapcat",
        2,
        2,
        (a, ev) ->
            Vec.adopt(Sequences.concat(Args.items(map(a, ev, true), "mapcat"), 0, ev, "mapcat")));
    r.fn("filter", 2, 2, (a, ev) -> filter(a, ev, true));
    r.fn("remove", 2, 2, (a, ev) -> filter(a, ev, false));
    r.fn(
        "keep",
        2,
        2,
        (a, ev) -> {
          List<Value> out = new ArrayList<>();
          for (Value x : Args.items(a[1], "keep")) {
            Value y = ev.apply1(a[0], x);
            if (!(y instanceof Value.Nil)) {
              out.add(y);
            }
          }
          return Sequences.like(a[1], out.toArray(Value[]::new));
        });
    r.fn("reduce", 2, 3, Functions::reduce);
    r.fn(
        "some",
        2,
        2,
        (a, ev) -> {
          for (Value x : Args.items(a[1], "some")) {
            Value y = ev.apply1(a[0], x);
            if (y.truthy()) {
              return y;
            }
          }
          return Value.NIL;
        });
    r.fn(
        "every?",
        2,
        2,
        (a, ev) -> {
          for (Value x : Args.items(a[1], "every?")) {
            if (!ev.apply1(a[0], x).truthy()) {
              return Value.FALSE;
            }
          }
          return Value.TRUE;
        });
    r.fn(
        "sort",
        1,
        2,
        (a, ev) ->
            a.length == 1
                ? sorted(a[0], (x, y) -> Arithmetic.compare("sort", x, y), "sort")
                : sorted(a[1], (x, y) -> comparator(a[0], x, y, ev), "sort"));
    r.fn(
        "sort-by",
        2,
        2,
        (a, ev) ->
            sorted(
                a[1],
                (x, y) -> Arithmetic.compare("sort-by", ev.apply1(a[0], x), ev.apply1(a[0], y)),
                "sort-by"));
    r.fn(
        "group-by",
        2,
        2,
        (a, ev) -> {
          Map<Value, List<Value>> groups = new LinkedHashMap<>();
          for (Value x : Args.items(a[1], "group-by")) {
            groups
                .computeIfAbsent(Dict.checkKey(ev.apply1(a[0], x)), k -> new ArrayList<>())
                .add(x);
          }
          Dict.Builder b = Dict.builder();
          groups.forEach((k, v) -> b.put(k, Vec.of(v)));
          return b.build();
        });
    r.fn(
        "frequencies",
        1,
        1,
        (a, ev) -> {
          Map<Value, Long> counts = new LinkedHashMap<>();
          for (Value x : Args.items(a[0], "frequencies")) {
            counts.merge(Dict.checkKey(x), 1L, Long::sum);
          }
          Dict.Builder b = Dict.builder();
          counts.forEach((k, n) -> b.put(k, Value.of(n)));
          return b.build();
        });
    r.fn(
        "apply",
        2,
        VARIADIC,
        (a, ev) -> {
          Value[] spread = Args.items(a[a.length - 1], "apply");
          Value[] args = new Value[a.length - 2 + spread.length];
          System.arraycopy(a, 1, args, 0, a.length - 2);
          System.arraycopy(spread, 0, args, a.length - 2, spread.length);
          return ev.apply(a[0], args);
        });
    r.fn("identity", 1, 1, (a, ev) -> a[0]);
    r.fn("constantly", 1, 1, (a, ev) -> new Builtin("constantly", 0, VARIADIC, (b, ev2) -> a[0]));
    r.fn(
        "complement",
        1,
        1,
        (a, ev) ->
            new Builtin(
                "complement", 0, VARIADIC, (b, ev2) -> Value.of(!ev2.apply(a[0], b).truthy())));
    r.fn(
        "partial",
        1,
        VARIADIC,
        (a, ev) ->
            new Builtin(
                "partial",
                0,
                VARIADIC,
                (b, ev2) -> {
                  Value[] args = Arrays.copyOfRange(a, 1, a.length + b.length);
                  System.arraycopy(b, 0, args, a.length - 1, b.length);
                  return ev2.apply(a[0], args);
                }));
    r.fn(
        "comp",
        0,
        VARIADIC,
        (a, ev) ->
            new Builtin(
                "comp",
                0,
                VARIADIC,
                (b, ev2) -> {
                  if (a.length == 0) {
                    return b.length == 0 ? Value.NIL : b[0];
                  }
                  Value v = ev2.apply(a[a.length - 1], b);
                  for (int i = a.length - 2; i >= 0; i--) {
                    v = ev2.apply1(a[i], v);
                  }
                  return v;
                }));
    r.fn(
        "juxt",
        1,
        VARIADIC,
        (a, ev) ->
            new Builtin(
                "juxt",
                0,
                VARIADIC,
                (b, ev2) -> {
                  Value[] out = new Value[a.length];
                  for (int i = 0; i < a.length; i++) {
                    out[i] = ev2.apply(a[i], b.clone());
                  }
                  return Vec.adopt(out);
                }));
  }

  /** {@code (map f coll…)}: with several collections, stops at the shortest. */
  private static Value map(Value[] a, Evaluation ev, boolean forceVector) {
    Value f = a[0];
    if (a.length == 2) {
      Value coll = a[1];
      Value[] out;
      if (coll instanceof Seq s) { // the common case, without copying the input
        out = new Value[s.size()];
        for (int i = 0; i < out.length; i++) {
          out[i] = ev.apply1(f, s.get(i));
        }
      } else {
        out = Args.items(coll, "map");
        for (int i = 0; i < out.length; i++) {
          out[i] = ev.apply1(f, out[i]);
        }
      }
      return forceVector ? Vec.adopt(out) : Sequences.like(coll, out);
    }
    Value[][] colls = new Value[a.length - 1][];
    int n = Integer.MAX_VALUE;
    for (int i = 1; i < a.length; i++) {
      colls[i - 1] = Args.items(a[i], "map");
      n = Math.min(n, colls[i - 1].length);
    }
    Value[] out = new Value[n];
    for (int i = 0; i < n; i++) {
      Value[] args = new Value[colls.length];
      for (int c = 0; c < colls.length; c++) {
        args[c] = colls[c][i];
      }
      out[i] = ev.apply(f, args);
    }
    return Vec.adopt(out);
  }

  private static Value filter(Value[] a, Evaluation ev, boolean keep) {
    Value coll = a[1];
    Value[] items = coll instanceof Seq ? null : Args.items(coll, keep ? "filter" : "remove");
    int size = coll instanceof Seq s ? s.size() : items.length;
    Value[] out = new Value[size];
    int n = 0;
    for (int i = 0; i < size; i++) {
      Value x = coll instanceof Seq s ? s.get(i) : items[i];
      if (ev.apply1(a[0], x).truthy() == keep) {
        out[n++] = x;
      }
    }
    return Sequences.like(coll, n == size ? out : Arrays.copyOf(out, n));
  }

  /** {@code (reduce f coll)} or {@code (reduce f init coll)}; an empty collection needs an init. */
  private static Value reduce(Value[] a, Evaluation ev) {
    Value coll = a[a.length - 1];
    Value[] items = coll instanceof Seq ? null : Args.items(coll, "reduce");
    int size = coll instanceof Seq s ? s.size() : items.length;
    int i = 0;
    Value acc;
    if (a.length == 3) {
      acc = a[1];
    } else if (size == 0) {
      throw RtfsError.invalid(
          "'reduce' of an empty collection needs an initial value: (reduce f init coll)");
    } else {
      acc = coll instanceof Seq s ? s.get(0) : items[0];
      i = 1;
    }
    for (; i < size; i++) {
      acc = ev.apply2(a[0], acc, coll instanceof Seq s ? s.get(i) : items[i]);
    }
    return acc;
  }

  /**
   * A user comparator may return a number (negative, zero, positive) or a boolean ("x before y").
   */
  private static int comparator(Value f, Value x, Value y, Evaluation ev) {
    Value r = ev.apply2(f, x, y);
    if (r instanceof Value.Bool b) {
      return b.value() ? -1 : ev.apply2(f, y, x).truthy() ? 1 : 0;
    }
    return (int) Math.signum(Args.number(r, "sort"));
  }

  private static Value sorted(Value coll, Comparator<Value> cmp, String fn) {
    Value[] items = Args.items(coll, fn);
    try {
      Arrays.sort(items, cmp);
    } catch (IllegalArgumentException e) { // TimSort noticed an inconsistent comparator
      throw RtfsError.invalid(
          "'" + fn + "': the comparator is inconsistent (" + e.getMessage() + ")");
    }
    return Sequences.like(coll, items);
  }
}
