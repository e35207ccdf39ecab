package dev.agora.rtfs.stdlib;

import static dev.agora.rtfs.Builtin.VARIADIC;

import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Err;
import dev.agora.rtfs.ErrorKind;
import dev.agora.rtfs.Evaluation;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.RtfsError;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.util.Arrays;

/**
 * Maps, and keyed access into vectors: {@code get}, {@code assoc}, {@code update} and their {@code
 * -in} forms, {@code merge}, {@code keys}/{@code vals}. {@code nil} reads as an empty map.
 */
final class Maps {

  private Maps() {}

  static void register(Stdlib.Registry r) {
    r.fn(
        "get",
        2,
        3,
        (a, ev) -> {
          Value found = lookup(a[0], a[1], "get");
          return found != null ? found : a.length == 3 ? a[2] : Value.NIL;
        });
    r.fn(
        "get-in",
        2,
        3,
        (a, ev) -> {
          Value cur = a[0];
          for (Value k : Args.items(a[1], "get-in")) {
            cur =
                cur instanceof Dict || cur instanceof Seq || cur instanceof Err
                    ? lookup(cur, k, "get-in")
                    : null;
            if (cur == null) {
              return a.length == 3 ? a[2] : Value.NIL;
            }
          }
          return cur;
        });
    r.fn(
        "assoc",
        3,
        VARIADIC,
        (a, ev) -> {
          if (a.length % 2 == 0) {
            throw RtfsError.arity(
                "'assoc' takes a collection and key-value pairs, got an odd number of keys and values");
          }
          Value out = a[0];
          for (int i = 1; i < a.length; i += 2) {
            out = assoc(out, a[i], a[i + 1], ev);
          }
          return out;
        });
    r.fn("assoc-in", 3, 3, (a, ev) -> assocIn(a[0], Args.items(a[1], "assoc-in"), 0, a[2], ev));
    r.fn(
        "dissoc",
        1,
        VARIADIC,
        (a, ev) -> {
          Dict.Builder b = Args.map(a[0], "dissoc").toBuilder();
          for (int i = 1; i < a.length; i++) {
            b.remove(a[i]);
          }
          return b.build();
        });
    r.fn(
        "merge",
        0,
        VARIADIC,
        (a, ev) -> {
          Dict.Builder b = Dict.builder();
          for (Value m : a) {
            Args.map(m, "merge").asMap().forEach(b::put);
          }
          return b.build();
        });
    r.fn(
        "update",
        3,
        VARIADIC,
        (a, ev) -> {
          Value old = lookup(a[0], a[1], "update");
          return assoc(a[0], a[1], applyWith(a[2], old, a, 3, ev), ev);
        });
    r.fn(
        "update-in",
        3,
        VARIADIC,
        (a, ev) -> {
          Value[] path = Args.items(a[1], "update-in");
          if (path.length == 0) {
            throw RtfsError.invalid("'update-in' needs a non-empty path");
          }
          Value old = a[0];
          for (Value k : path) {
            old = old instanceof Dict || old instanceof Seq ? lookup(old, k, "update-in") : null;
            if (old == null) {
              old = Value.NIL;
              break;
            }
          }
          return assocIn(a[0], path, 0, applyWith(a[2], old, a, 3, ev), ev);
        });
    r.fn(
        "keys",
        1,
        1,
        (a, ev) -> Vec.of(Args.map(a[0], "keys").asMap().keySet().toArray(Value[]::new)));
    r.fn(
        "vals",
        1,
        1,
        (a, ev) -> Vec.of(Args.map(a[0], "vals").asMap().values().toArray(Value[]::new)));
    r.fn(
        "contains?",
        2,
        2,
        (a, ev) ->
            Value.of(
                switch (a[0]) {
                  case Dict d -> d.containsKey(a[1]);
                  case Seq s -> s.items().contains(a[1]);
                  case Value.Str s -> s.value().contains(Args.string(a[1], "contains?"));
                  case Value.Nil n -> false;
                  default ->
                      throw Args.expected("contains?", "a map, vector, list or string", a[0]);
                }));
    r.fn(
        "select-keys",
        2,
        2,
        (a, ev) -> {
          Dict m = Args.map(a[0], "select-keys");
          Dict.Builder b = Dict.builder();
          for (Value k : Args.items(a[1], "select-keys")) {
            Value v = m.get(k);
            if (v != null) {
              b.put(k, v);
            }
          }
          return b.build();
        });
    r.fn(
        "zipmap",
        2,
        2,
        (a, ev) -> {
          Value[] ks = Args.items(a[0], "zipmap");
          Value[] vs = Args.items(a[1], "zipmap");
          Dict.Builder b = Dict.builder();
          for (int i = 0; i < Math.min(ks.length, vs.length); i++) {
            b.put(ks[i], vs[i]);
          }
          return b.build();
        });
    r.fn("hash-map", 0, VARIADIC, (a, ev) -> Dict.of(a));
  }

  /**
   * The value at key {@code k} of a map (or error), or index {@code k} of a vector; null when
   * absent.
   */
  static Value lookup(Value coll, Value k, String fn) {
    return switch (coll) {
      case Dict d -> d.get(k);
      case Seq s ->
          k instanceof Value.Int i && i.value() >= 0 && i.value() < s.size()
              ? s.get((int) i.value())
              : null;
      case Value.Nil n -> null;
      case Err e -> k instanceof Value.Keyword kw ? e.field(kw.name()) : null;
      default -> throw Args.expected(fn, "a map or vector", coll);
    };
  }

  /**
   * {@code coll} with {@code k} set: a map key, or a vector index up to its size (which appends).
   */
  static Value assoc(Value coll, Value k, Value v, Evaluation ev) {
    switch (coll) {
      case Dict d -> {
        return d.assoc(k, v);
      }
      case Value.Nil n -> {
        return Dict.EMPTY.assoc(k, v);
      }
      case Seq s -> {
        int i = Args.index(k, "assoc");
        if (i < 0 || i > s.size()) {
          throw new RtfsError(
              ErrorKind.IndexOutOfBounds,
              "'assoc': index "
                  + i
                  + " is outside "
                  + Printer.describe(s)
                  + " of "
                  + s.size()
                  + " items");
        }
        ev.checkSize(s.size() + 1L);
        Value[] items = Arrays.copyOf(s.toArray(), Math.max(s.size(), i + 1));
        items[i] = v;
        return s.withItems(items);
      }
      default -> throw Args.expected("assoc", "a map or vector", coll);
    }
  }

  private static Value assocIn(Value coll, Value[] path, int at, Value v, Evaluation ev) {
    if (path.length == 0) {
      throw RtfsError.invalid("'assoc-in' needs a non-empty path");
    }
    Value k = path[at];
    if (at == path.length - 1) {
      return assoc(coll, k, v, ev);
    }
    Value child = coll instanceof Dict || coll instanceof Seq ? lookup(coll, k, "assoc-in") : null;
    return assoc(coll, k, assocIn(child == null ? Value.NIL : child, path, at + 1, v, ev), ev);
  }

  /** {@code (f old extra…)} where the extra arguments are {@code a[from…]}. */
  private static Value applyWith(Value f, Value old, Value[] a, int from, Evaluation ev) {
    Value[] args = new Value[1 + a.length - from];
    args[0] = old == null ? Value.NIL : old;
    System.arraycopy(a, from, args, 1, a.length - from);
    return ev.apply(f, args);
  }
}
