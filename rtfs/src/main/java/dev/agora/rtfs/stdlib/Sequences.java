package dev.agora.rtfs.stdlib;

import static dev.agora.rtfs.Builtin.VARIADIC;

import dev.agora.rtfs.Dict;
import dev.agora.rtfs.ErrorKind;
import dev.agora.rtfs.Evaluation;
import dev.agora.rtfs.Lst;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.RtfsError;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Vectors and lists: access, building and reshaping. A vector stays a vector and a list a list;
 * anything else sequential (nil, a map's entries, a string's characters) gives a vector. {@code
 * nil} reads as an empty collection, except for {@code count}, which refuses it as the reference
 * does.
 */
final class Sequences {

  private Sequences() {}

  /** Estimated bytes of one number a {@code range} makes, for the memory budget. */
  private static final long NUMBER_BYTES = 24;

  static void register(Stdlib.Registry r) {
    r.fn("count", 1, 1, (a, ev) -> Value.of(count(a[0])));
    r.fn(
        "empty?",
        1,
        1,
        (a, ev) ->
            Value.of(
                switch (a[0]) {
                  case Value.Nil n -> true;
                  case Seq s -> s.isEmpty();
                  case Dict d -> d.isEmpty();
                  case Value.Str s -> s.value().isEmpty();
                  default -> false;
                }));
    r.fn(
        "not-empty",
        1,
        1,
        (a, ev) -> a[0] instanceof Value.Nil || count(a[0]) == 0 ? Value.NIL : a[0]);
    r.fn("first", 1, 1, (a, ev) -> nth(a[0], 0, Value.NIL, "first"));
    r.fn("second", 1, 1, (a, ev) -> nth(a[0], 1, Value.NIL, "second"));
    r.fn(
        "last",
        1,
        1,
        (a, ev) -> {
          Value[] items = Args.items(a[0], "last");
          return items.length == 0 ? Value.NIL : items[items.length - 1];
        });
    r.fn("rest", 1, 1, (a, ev) -> rest(a[0]));
    r.fn(
        "butlast",
        1,
        1,
        (a, ev) -> {
          Value[] items = Args.items(a[0], "butlast");
          return like(a[0], Arrays.copyOf(items, Math.max(0, items.length - 1)));
        });
    r.fn(
        "nth",
        2,
        3,
        (a, ev) -> {
          int i = Args.index(a[1], "nth");
          Value found = nth(a[0], i, null, "nth");
          if (found != null) {
            return found;
          }
          if (a.length == 3) {
            return a[2];
          }
          throw new RtfsError(
              ErrorKind.IndexOutOfBounds,
              "'nth': index "
                  + i
                  + " is outside "
                  + Printer.describe(a[0])
                  + " of "
                  + count(a[0])
                  + " items");
        });
    r.fn("vector", 0, VARIADIC, (a, ev) -> Vec.adopt(a));
    r.fn("list", 0, VARIADIC, (a, ev) -> Lst.adopt(a));
    r.fn("vec", 1, 1, (a, ev) -> Vec.adopt(Args.items(a[0], "vec")));
    r.fn("conj", 1, VARIADIC, (a, ev) -> conj(a, ev));
    r.fn(
        "cons",
        2,
        2,
        (a, ev) -> {
          Value[] items = Args.items(a[1], "cons");
          ev.checkSize(items.length + 1L);
          Value[] out = new Value[items.length + 1];
          out[0] = a[0];
          System.arraycopy(items, 0, out, 1, items.length);
          return like(a[1], out);
        });
    r.fn("concat", 0, VARIADIC, (a, ev) -> Vec.adopt(concat(a, 0, ev, "concat")));
    r.fn("into", 2, 2, (a, ev) -> into(a[0], a[1], ev));
    r.fn(
        "take",
        2,
        2,
        (a, ev) -> {
          Value[] items = Args.items(a[1], "take");
          return like(a[1], Arrays.copyOf(items, clamp(Args.index(a[0], "take"), items.length)));
        });
    r.fn(
        "drop",
        2,
        2,
        (a, ev) -> {
          Value[] items = Args.items(a[1], "drop");
          return like(
              a[1],
              Arrays.copyOfRange(
                  items, clamp(Args.index(a[0], "drop"), items.length), items.length));
        });
    r.fn("subvec", 2, 3, (a, ev) -> subvec(a));
    r.fn(
        "reverse",
        1,
        1,
        (a, ev) -> {
          Value[] items = Args.items(a[0], "reverse");
          for (int i = 0, j = items.length - 1; i < j; i++, j--) {
            Value t = items[i];
            items[i] = items[j];
            items[j] = t;
          }
          return like(a[0], items);
        });
    r.fn(
        "distinct",
        1,
        1,
        (a, ev) ->
            like(
                a[0],
                new LinkedHashSet<>(Arrays.asList(Args.items(a[0], "distinct")))
                    .toArray(Value[]::new)));
    r.fn(
        "flatten",
        1,
        1,
        (a, ev) -> {
          List<Value> out = new ArrayList<>();
          flatten(a[0], out, ev);
          return Vec.of(out);
        });
    r.fn("range", 1, 3, (a, ev) -> range(a, ev));
    r.fn(
        "repeat",
        2,
        2,
        (a, ev) -> {
          int n = Math.max(0, Args.index(a[0], "repeat"));
          ev.checkSize(n);
          Value[] out = new Value[n];
          Arrays.fill(out, a[1]);
          return Vec.adopt(out);
        });
    r.fn(
        "partition",
        2,
        2,
        (a, ev) -> partition(Args.index(a[0], "partition"), Args.items(a[1], "partition")));
  }

  // ---- Access ----

  static long count(Value v) {
    return switch (v) {
      case Seq s -> s.size();
      case Dict d -> d.size();
      case Value.Str s -> s.value().codePointCount(0, s.value().length());
      default -> throw Args.expected("count", "a vector, list, map or string", v);
    };
  }

  /** The item at {@code i}, or {@code missing} when out of range; nil has no items. */
  private static Value nth(Value coll, int i, Value missing, String fn) {
    switch (coll) {
      case Seq s -> {
        return i >= 0 && i < s.size() ? s.get(i) : missing;
      }
      case Value.Nil n -> {
        return missing;
      }
      case Value.Str s -> {
        if (i < 0 || i >= s.value().codePointCount(0, s.value().length())) {
          return missing;
        }
        int at = s.value().offsetByCodePoints(0, i);
        return Value.of(new String(Character.toChars(s.value().codePointAt(at))));
      }
      default -> {
        Value[] items = Args.items(coll, fn);
        return i >= 0 && i < items.length ? items[i] : missing;
      }
    }
  }

  private static Value rest(Value v) {
    return switch (v) {
      case Seq s -> s.isEmpty() ? s : s.withItems(Arrays.copyOfRange(s.toArray(), 1, s.size()));
      case Value.Str s ->
          Value.of(
              s.value().isEmpty() ? "" : s.value().substring(s.value().offsetByCodePoints(0, 1)));
      default -> {
        Value[] items = Args.items(v, "rest");
        yield Vec.adopt(items.length == 0 ? items : Arrays.copyOfRange(items, 1, items.length));
      }
    };
  }

  // ---- Building ----

  /**
   * A collection like {@code original} (vector or list) holding {@code items}; a vector otherwise.
   */
  static Value like(Value original, Value[] items) {
    return original instanceof Seq s ? s.withItems(items) : Vec.adopt(items);
  }

  /**
   * {@code (conj vec x…)} appends; {@code (conj list x…)} prepends; {@code (conj map [k v])} or
   * {@code (conj map k v)} adds.
   */
  private static Value conj(Value[] a, Evaluation ev) {
    Value target = a[0];
    if (target instanceof Dict d) {
      return conjMap(d, a);
    }
    Value[] items = Args.items(target, "conj");
    ev.checkSize((long) items.length + a.length - 1);
    Value[] out = Arrays.copyOf(items, items.length + a.length - 1);
    if (target instanceof Lst) {
      for (int i = 1; i < a.length; i++) {
        out[a.length - 1 - i] = a[i];
      }
      System.arraycopy(items, 0, out, a.length - 1, items.length);
    } else {
      System.arraycopy(a, 1, out, items.length, a.length - 1);
    }
    return like(target, out);
  }

  private static Value conjMap(Dict d, Value[] a) {
    Dict.Builder b = d.toBuilder();
    if (a.length == 3 && !(a[1] instanceof Seq)) {
      return b.put(a[1], a[2]).build();
    }
    for (int i = 1; i < a.length; i++) {
      addEntries(b, a[i], "conj");
    }
    return b.build();
  }

  /** Adds a {@code [k v]} pair or every entry of a map. */
  static void addEntries(Dict.Builder b, Value v, String fn) {
    switch (v) {
      case Dict other -> other.asMap().forEach(b::put);
      case Seq pair when pair.size() == 2 -> b.put(pair.get(0), pair.get(1));
      case Value.Nil n -> {}
      default -> throw Args.expected(fn, "a map or a [key value] pair", v);
    }
  }

  private static Value into(Value to, Value from, Evaluation ev) {
    if (to instanceof Dict || (to instanceof Value.Nil && from instanceof Dict)) {
      Dict.Builder b = Args.map(to, "into").toBuilder();
      for (Value entry : Args.items(from, "into")) {
        addEntries(b, entry, "into");
      }
      return b.build();
    }
    Value[] items = Args.items(from, "into");
    Value[] args = new Value[items.length + 1];
    args[0] = to instanceof Value.Nil ? Vec.EMPTY : to;
    System.arraycopy(items, 0, args, 1, items.length);
    return conj(args, ev);
  }

  static Value[] concat(Value[] colls, int from, Evaluation ev, String fn) {
    List<Value> out = new ArrayList<>();
    for (int i = from; i < colls.length; i++) {
      Value[] items = Args.items(colls[i], fn);
      ev.checkSize((long) out.size() + items.length);
      out.addAll(Arrays.asList(items));
    }
    return out.toArray(Value[]::new);
  }

  private static Value subvec(Value[] a) {
    Value[] items = Args.items(a[0], "subvec");
    int start = Args.index(a[1], "subvec");
    int end = a.length == 3 ? Args.index(a[2], "subvec") : items.length;
    if (start < 0 || end > items.length || start > end) {
      throw new RtfsError(
          ErrorKind.IndexOutOfBounds,
          "'subvec': [" + start + ", " + end + ") is outside " + items.length + " items");
    }
    return Vec.adopt(Arrays.copyOfRange(items, start, end));
  }

  private static void flatten(Value v, List<Value> out, Evaluation ev) {
    if (v instanceof Seq s) {
      for (int i = 0; i < s.size(); i++) {
        flatten(s.get(i), out, ev);
      }
    } else {
      ev.checkSize(out.size() + 1L);
      out.add(v);
    }
  }

  private static Value range(Value[] a, Evaluation ev) {
    Value start = a.length == 1 ? Value.of(0) : a[0];
    Value end = a.length == 1 ? a[0] : a[1];
    Value step = a.length == 3 ? a[2] : Value.of(1);
    if (start instanceof Value.Int s
        && end instanceof Value.Int e
        && step instanceof Value.Int st) {
      return intRange(s.value(), e.value(), st.value(), ev);
    }
    double s = Args.number(start, "range");
    double e = Args.number(end, "range");
    double st = Args.number(step, "range");
    if (st == 0 || Double.isNaN(st)) {
      throw RtfsError.invalid("'range' needs a non-zero step, got " + Printer.print(step));
    }
    double n = Math.max(0, Math.ceil((e - s) / st));
    ev.checkSize((long) Math.min(n, Long.MAX_VALUE));
    ev.allocate(NUMBER_BYTES * (long) n);
    Value[] out = new Value[(int) n];
    for (int i = 0; i < out.length; i++) {
      out[i] = Value.of(s + i * st);
    }
    return Vec.adopt(out);
  }

  private static Value intRange(long start, long end, long step, Evaluation ev) {
    if (step == 0) {
      throw RtfsError.invalid("'range' needs a non-zero step, got 0");
    }
    double n = Math.max(0, Math.ceil(((double) end - start) / step));
    ev.checkSize((long) Math.min(n, Long.MAX_VALUE));
    ev.allocate(NUMBER_BYTES * (long) n);
    Value[] out = new Value[(int) n];
    long v = start;
    for (int i = 0; i < out.length; i++, v += step) {
      out[i] = Value.of(v);
    }
    return Vec.adopt(out);
  }

  private static Value partition(int n, Value[] items) {
    if (n <= 0) {
      throw RtfsError.invalid("'partition' needs a positive size, got " + n);
    }
    Value[] out = new Value[items.length / n];
    for (int i = 0; i < out.length; i++) {
      out[i] = Vec.adopt(Arrays.copyOfRange(items, i * n, i * n + n));
    }
    return Vec.adopt(out);
  }

  private static int clamp(int n, int max) {
    return Math.max(0, Math.min(n, max));
  }
}
