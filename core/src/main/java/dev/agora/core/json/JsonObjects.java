package dev.agora.core.json;

import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;

/**
 * Reading and writing JSON objects as parsed by {@link Json} (member names are {@link Json#key}s),
 * for protocol code that walks messages by hand: JSON-RPC, MCP, A2A.
 */
public final class JsonObjects {

  private JsonObjects() {}

  /** The JSON type of a parsed value, for messages ("an array"). */
  public static String type(Value v) {
    return switch (v) {
      case null -> "nothing";
      case Value.Nil n -> "null";
      case Dict d -> "an object";
      case Seq s -> "an array";
      case Value.Str s -> "a string";
      case Value.Bool b -> "a boolean";
      default -> "a number";
    };
  }

  /** A JSON object's member, or null when it has none. */
  public static Value field(Dict d, String name) {
    return d.get(Json.key(name));
  }

  /**
   * The value at {@code path} — member names (strings) and array indexes (ints) — or null where the
   * path leads nowhere.
   */
  public static Value at(Value v, Object... path) {
    for (Object p : path) {
      if (p instanceof Integer i) {
        v = v instanceof Seq s && i >= 0 && i < s.size() ? s.get(i) : null;
      } else {
        v = v instanceof Dict d ? d.get(Json.key((String) p)) : null;
      }
    }
    return v;
  }

  /** The string at {@code path} ({@link #at}), or null where there is none. */
  public static String textAt(Value v, Object... path) {
    return at(v, path) instanceof Value.Str s ? s.value() : null;
  }

  /** A JSON object's string member, or null when it has none or another type. */
  public static String text(Dict d, String name) {
    return field(d, name) instanceof Value.Str s ? s.value() : null;
  }

  /** A JSON object's object member, or the empty object. */
  public static Dict object(Dict d, String name) {
    return field(d, name) instanceof Dict o ? o : Dict.EMPTY;
  }

  /**
   * A JSON object from names and values (a null value leaves its name out); values are {@link
   * Value}s, strings, booleans, ints, longs, doubles, or anything {@link Json#fromJava} takes.
   */
  public static Dict obj(Object... namesAndValues) {
    Dict.Builder b = Dict.builder();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      Object v = namesAndValues[i + 1];
      if (v != null) {
        b.put(Json.key((String) namesAndValues[i]), v instanceof Value val ? val : value(v));
      }
    }
    return b.build();
  }

  private static Value value(Object o) {
    return switch (o) {
      case String s -> Value.of(s);
      case Boolean b -> Value.of(b);
      case Integer i -> Value.of((long) i);
      case Long l -> Value.of(l);
      case Double d -> Value.of(d);
      default -> Json.fromJava(o);
    };
  }
}
