package dev.agora.core.json;

import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Err;
import dev.agora.rtfs.Fn;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one codec between JSON and RTFS values, used by every provider and surface that speaks JSON.
 *
 * <pre>
 *   JSON                      RTFS
 *   null, true, 1, 1.5, "s"   nil, true, 1, 1.5, "s"     (integers beyond 64 bits become floats)
 *   [ … ]                     [ … ]
 *   {"city": "Oslo"}          {:city "Oslo"}             keys that are valid keyword names become keywords,
 *   {"a b": 1, "1": 2}        {"a b" 1 "1" 2}            others stay strings
 * </pre>
 *
 * Going back, keywords and symbols become their names, lists arrays, integer map keys strings.
 * Functions, errors, NaN and infinities have no JSON form and are refused with {@link
 * JsonException}, as is JSON nested deeper than 500 levels (Jackson's limit).
 */
public final class Json {

  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private Json() {}

  /** Parses JSON text; malformed input is a {@link JsonException} naming line and column. */
  public static Value parse(String text) {
    try (JsonParser p = MAPPER.createParser(text)) {
      return parse(p);
    }
  }

  /** Parses UTF-8 JSON, as {@link #parse(String)}, without making a string of it first. */
  public static Value parse(byte[] utf8) {
    try (JsonParser p = MAPPER.createParser(utf8)) {
      return parse(p);
    }
  }

  private static Value parse(JsonParser p) {
    try {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw new JsonException("empty JSON document");
      }
      Value v = read(p);
      if (p.nextToken() != null) {
        throw new JsonException("unexpected content after the JSON value at " + where(p));
      }
      return v;
    } catch (JacksonException e) {
      String where =
          e.getLocation() == null
              ? "" // e.g. Jackson's own nesting limit carries no location
              : " at " + e.getLocation().getLineNr() + ":" + e.getLocation().getColumnNr();
      throw new JsonException("malformed JSON" + where + ": " + e.getOriginalMessage());
    }
  }

  /** Writes a value as compact JSON. */
  public static String write(Value v) {
    return write(v, false);
  }

  /**
   * Canonical JSON: object keys sorted by their UTF-16 code units, no whitespace, numbers in Java's
   * shortest form. Equal values give equal bytes on every machine: the input of content hashes.
   */
  public static String canonical(Value v) {
    return write(v, true);
  }

  private static String write(Value v, boolean canonical) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = MAPPER.createGenerator(out)) {
      write(v, g, canonical);
    } catch (StreamConstraintsException e) { // Jackson's writer refuses nesting past MAX_DEPTH
      throw new JsonException(
          "a value nested deeper than " + MAX_DEPTH + " levels cannot be written as JSON");
    }
    return out.toString();
  }

  /**
   * A value from the Java form JSON libraries give ({@code Map}, {@code List}, {@code String},
   * {@code Number}, {@code Boolean}, null) — what the MCP SDK hands over — with the same rules as
   * {@link #parse}. Anything else is a {@link JsonException}.
   */
  public static Value fromJava(Object o) {
    return fromJava(o, 0);
  }

  private static Value fromJava(Object o, int depth) {
    if (depth > MAX_DEPTH) {
      throw new JsonException("JSON nested deeper than " + MAX_DEPTH + " levels");
    }
    return switch (o) {
      case null -> Value.NIL;
      case String s -> Value.of(s);
      case Boolean b -> Value.of(b);
      case Integer i -> Value.of(i.longValue());
      case Long l -> Value.of(l);
      case Short sh -> Value.of(sh.longValue());
      case Byte by -> Value.of(by.longValue());
      case BigInteger bi ->
          bi.bitLength() < 64 ? Value.of(bi.longValue()) : Value.of(bi.doubleValue());
      case BigDecimal bd ->
          bd.scale() <= 0 && bd.precision() - bd.scale() < 19
              ? Value.of(bd.longValueExact())
              : Value.of(bd.doubleValue());
      case Number n -> Value.of(n.doubleValue());
      case Map<?, ?> m -> {
        Dict.Builder b = Dict.builder();
        for (Map.Entry<?, ?> e : m.entrySet()) {
          b.put(key(String.valueOf(e.getKey())), fromJava(e.getValue(), depth + 1));
        }
        yield b.build();
      }
      case Collection<?> c -> {
        List<Value> items = new ArrayList<>(c.size());
        for (Object x : c) {
          items.add(fromJava(x, depth + 1));
        }
        yield Vec.of(items);
      }
      default -> throw new JsonException("no JSON form for a " + o.getClass().getName());
    };
  }

  /**
   * The Java form of a value ({@code LinkedHashMap} with string keys, {@code ArrayList}, {@code
   * String}, {@code Long}, {@code Double}, {@code Boolean}, null) for JSON libraries; what has no
   * JSON form is a {@link JsonException}, as for {@link #write}.
   */
  public static Object toJava(Value v) {
    return switch (v) {
      case Value.Nil n -> null;
      case Value.Bool b -> b.value();
      case Value.Int i -> i.value();
      case Value.Real r -> {
        if (Double.isNaN(r.value()) || Double.isInfinite(r.value())) {
          throw new JsonException("JSON has no " + r.value());
        }
        yield r.value();
      }
      case Value.Str s -> s.value();
      case Value.Keyword k -> k.name();
      case Value.Symbol s -> s.name();
      case Seq s -> {
        List<Object> out = new ArrayList<>(s.size());
        for (int i = 0; i < s.size(); i++) {
          out.add(toJava(s.get(i)));
        }
        yield out;
      }
      case Dict d -> {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<Value, Value> e : d.asMap().entrySet()) {
          out.put(keyName(e.getKey()), toJava(e.getValue()));
        }
        yield out;
      }
      default -> throw new JsonException("no JSON form for " + Printer.describe(v));
    };
  }

  /**
   * The RTFS key for a JSON object key: a keyword when the name is a valid keyword, else the
   * string.
   */
  public static Value key(String name) {
    return isKeywordName(name) ? Value.keyword(name) : Value.of(name);
  }

  /** The JSON object key for an RTFS map key. */
  public static String keyName(Value key) {
    return switch (key) {
      case Value.Keyword k -> k.name();
      case Value.Str s -> s.value();
      case Value.Int i -> Long.toString(i.value());
      default ->
          throw new JsonException(
              "a map key must be a keyword, string or integer, got " + Printer.describe(key));
    };
  }

  /**
   * True for names that read back as one keyword: a letter or symbol first, then name characters.
   */
  public static boolean isKeywordName(String name) {
    if (name.isEmpty() || Character.isDigit(name.charAt(0)) || name.charAt(0) == ':') {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!Character.isLetterOrDigit(c) && "_$+-*/=<>!?%.:&".indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }

  // ---- Reading ----

  /** The deepest nesting read or written: Jackson's own limit, kept for Java values too. */
  static final int MAX_DEPTH = 500;

  private static Value read(JsonParser p) {
    JsonToken t = p.currentToken();
    return switch (t) {
      case START_OBJECT -> {
        Dict.Builder b = Dict.builder();
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
          Value k = key(p.currentName());
          if (b.containsKey(k)) {
            throw new JsonException("duplicate key \"" + p.currentName() + "\" at " + where(p));
          }
          p.nextToken();
          b.put(k, read(p));
        }
        yield b.build();
      }
      case START_ARRAY -> {
        List<Value> items = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          items.add(read(p));
        }
        yield Vec.of(items);
      }
      case VALUE_STRING -> Value.of(p.getString());
      case VALUE_NUMBER_INT ->
          p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
              ? Value.of(p.getDoubleValue())
              : Value.of(p.getLongValue());
      case VALUE_NUMBER_FLOAT -> Value.of(p.getDoubleValue());
      case VALUE_TRUE -> Value.TRUE;
      case VALUE_FALSE -> Value.FALSE;
      case VALUE_NULL -> Value.NIL;
      default -> throw new JsonException("unexpected " + t + " at " + where(p));
    };
  }

  private static String where(JsonParser p) {
    return p.currentTokenLocation().getLineNr() + ":" + p.currentTokenLocation().getColumnNr();
  }

  // ---- Writing ----

  private static void write(Value v, JsonGenerator g, boolean canonical) {
    switch (v) {
      case Value.Nil n -> g.writeNull();
      case Value.Bool b -> g.writeBoolean(b.value());
      case Value.Int i -> g.writeNumber(i.value());
      case Value.Real r -> {
        if (Double.isNaN(r.value()) || Double.isInfinite(r.value())) {
          throw new JsonException(Printer.print(r) + " has no JSON form");
        }
        g.writeNumber(r.value());
      }
      case Value.Str s -> g.writeString(s.value());
      case Value.Keyword k -> g.writeString(k.name());
      case Value.Symbol s -> g.writeString(s.name());
      case Seq seq -> {
        g.writeStartArray();
        for (int i = 0; i < seq.size(); i++) {
          write(seq.get(i), g, canonical);
        }
        g.writeEndArray();
      }
      case Dict d -> {
        g.writeStartObject();
        Map<String, Value> entries = canonical ? new TreeMap<>() : new LinkedHashMap<>();
        for (Map.Entry<Value, Value> e : d.asMap().entrySet()) {
          if (entries.put(keyName(e.getKey()), e.getValue()) != null) {
            throw new JsonException(
                "the map has two keys named \"" + keyName(e.getKey()) + "\" in JSON");
          }
        }
        for (Map.Entry<String, Value> e : entries.entrySet()) {
          g.writeName(e.getKey());
          write(e.getValue(), g, canonical);
        }
        g.writeEndObject();
      }
      case Fn f -> throw new JsonException("a function has no JSON form");
      case Err e -> throw new JsonException("an error value has no JSON form");
    }
  }
}
