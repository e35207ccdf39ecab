package dev.agora.core.manifest;

import dev.agora.core.json.Json;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import dev.agora.rtfs.types.Predicate;
import dev.agora.rtfs.types.TypeExpr;
import dev.agora.rtfs.types.TypeExpr.Prim;
import dev.agora.rtfs.types.TypeParser;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * JSON Schema ↔ RTFS TypeExpr, both ways, in one place. JSON Schemas here are RTFS values as read
 * by the JSON codec ({@code {:type "object" :properties {…}}}).
 *
 * <p>To TypeExpr: {@code type} (also as a list), {@code properties}/{@code required}/ {@code
 * additionalProperties}, {@code items}/{@code prefixItems}, {@code enum}, {@code const}, {@code
 * anyOf}/{@code oneOf} (union), {@code allOf}, local {@code $ref}s ({@code #/$defs/…}), and the
 * constraints {@code minimum maximum exclusiveMinimum exclusiveMaximum minLength maxLength pattern
 * minItems maxItems minProperties maxProperties format(email, uri)}. Property names become keys the
 * way the codec makes them (keywords when they can be). What has no counterpart (for example {@code
 * not}, {@code if}/{@code then}) is not enforced by the TypeExpr; a protocol that brings a JSON
 * Schema keeps it beside the type ({@link Schema#originalJsonSchema()}).
 */
public final class JsonSchemas {

  private JsonSchemas() {}

  // ---- JSON Schema → TypeExpr ----

  /**
   * Converts a JSON Schema; an unreadable one is an {@link IllegalArgumentException} saying why.
   */
  public static TypeExpr toType(Value schema) {
    return new ToType(schema).convert(schema, 0);
  }

  /**
   * True if {@code v} looks like a JSON Schema rather than a TypeExpr: a map with a JSON Schema
   * keyword.
   */
  public static boolean looksLikeJsonSchema(Value v) {
    if (!(v instanceof Dict d)) {
      return false;
    }
    for (String k :
        List.of(
            "type",
            "properties",
            "$schema",
            "anyOf",
            "oneOf",
            "allOf",
            "enum",
            "const",
            "$ref",
            "items")) {
      if (d.get(Json.key(k)) != null) {
        return true;
      }
    }
    return d.isEmpty();
  }

  private static final class ToType {
    private final Value root;
    private final Set<String> resolving = new HashSet<>();

    ToType(Value root) {
      this.root = root;
    }

    TypeExpr convert(Value s, int depth) {
      if (depth > 64) {
        throw new IllegalArgumentException("JSON Schema nested deeper than 64 levels");
      }
      if (s instanceof Value.Bool b) {
        return prim(b.value() ? Prim.ANY : Prim.NEVER);
      }
      if (!(s instanceof Dict d)) {
        throw new IllegalArgumentException(
            "a JSON Schema is an object or a boolean, found " + Printer.describe(s));
      }
      Value ref = get(d, "$ref");
      if (ref != null) {
        return reference(ref, depth);
      }
      List<TypeExpr> parts = new ArrayList<>();
      Value type = get(d, "type");
      if (type instanceof Value.Str t) {
        parts.add(typed(t.value(), d, depth));
      } else if (type instanceof Seq ts) {
        List<TypeExpr> options = new ArrayList<>();
        for (Value t : ts.items()) {
          options.add(typed(string(t, "type"), d, depth));
        }
        parts.add(options.size() == 1 ? options.get(0) : new TypeExpr.Union(options));
      } else if (type != null) {
        throw new IllegalArgumentException(
            "\"type\" is a string or a list of strings, found " + Printer.describe(type));
      } else if (get(d, "properties") != null) {
        parts.add(typed("object", d, depth));
      }
      if (get(d, "enum") instanceof Seq values) {
        parts.add(new TypeExpr.OneOf(values.items()));
      }
      if (get(d, "const") != null) {
        parts.add(new TypeExpr.Literal(get(d, "const")));
      }
      for (String combinator : List.of("anyOf", "oneOf")) {
        if (get(d, combinator) instanceof Seq options) {
          List<TypeExpr> ts = new ArrayList<>();
          options.items().forEach(o -> ts.add(convert(o, depth + 1)));
          parts.add(new TypeExpr.Union(ts));
        }
      }
      if (get(d, "allOf") instanceof Seq all) {
        all.items().forEach(o -> parts.add(convert(o, depth + 1)));
      }
      if (parts.isEmpty()) {
        return prim(Prim.ANY);
      }
      return parts.size() == 1 ? parts.get(0) : new TypeExpr.And(parts, List.of());
    }

    private TypeExpr typed(String type, Dict d, int depth) {
      return switch (type) {
        case "string" -> refine(prim(Prim.STRING), stringPredicates(d));
        case "integer" -> refine(prim(Prim.INT), numberPredicates(d));
        case "number" -> refine(prim(Prim.NUMBER), numberPredicates(d));
        case "boolean" -> prim(Prim.BOOL);
        case "null" -> prim(Prim.NIL);
        case "array" -> refine(array(d, depth), countPredicates(d, "minItems", "maxItems"));
        case "object" ->
            refine(object(d, depth), countPredicates(d, "minProperties", "maxProperties"));
        default -> throw new IllegalArgumentException("unknown JSON Schema type \"" + type + "\"");
      };
    }

    private TypeExpr array(Dict d, int depth) {
      if (get(d, "prefixItems") instanceof Seq prefix) {
        List<TypeExpr> items = new ArrayList<>();
        prefix.items().forEach(p -> items.add(convert(p, depth + 1)));
        return new TypeExpr.Tuple(items);
      }
      Value items = get(d, "items");
      return new TypeExpr.VectorOf(
          items == null ? prim(Prim.ANY) : convert(items, depth + 1), null);
    }

    private TypeExpr object(Dict d, int depth) {
      Set<String> required = new HashSet<>();
      if (get(d, "required") instanceof Seq req) {
        req.items().forEach(r -> required.add(string(r, "required")));
      }
      List<TypeExpr.Entry> entries = new ArrayList<>();
      if (get(d, "properties") instanceof Dict props) {
        for (Map.Entry<Value, Value> e : props.asMap().entrySet()) {
          String name = Json.keyName(e.getKey());
          entries.add(
              new TypeExpr.Entry(
                  Json.key(name), convert(e.getValue(), depth + 1), !required.contains(name)));
        }
      }
      Value additional = get(d, "additionalProperties");
      boolean closed = additional instanceof Value.Bool b && !b.value();
      TypeExpr rest = additional instanceof Dict ? convert(additional, depth + 1) : null;
      return new TypeExpr.MapOf(entries, closed, rest);
    }

    private TypeExpr reference(Value ref, int depth) {
      String r = string(ref, "$ref");
      if (!r.startsWith("#/")) {
        throw new IllegalArgumentException(
            "only local $refs (#/…) are supported, found \"" + r + "\"");
      }
      if (!resolving.add(r)) {
        return prim(Prim.ANY); // a recursive schema: the recursion is not checked
      }
      Value target = root;
      for (String part : r.substring(2).split("/")) {
        target =
            target instanceof Dict d ? get(d, part.replace("~1", "/").replace("~0", "~")) : null;
        if (target == null) {
          throw new IllegalArgumentException("$ref \"" + r + "\" points nowhere");
        }
      }
      TypeExpr t = convert(target, depth + 1);
      resolving.remove(r);
      return t;
    }
  }

  private static List<Predicate> stringPredicates(Dict d) {
    List<Predicate> ps = new ArrayList<>();
    addSize(ps, d, "minLength", "min-length");
    addSize(ps, d, "maxLength", "max-length");
    if (get(d, "pattern") instanceof Value.Str p) {
      ps.add(predicate("matches-regex", p));
    }
    if (get(d, "format") instanceof Value.Str f) {
      switch (f.value()) {
        case "email" -> ps.add(predicate("is-email"));
        case "uri", "url" -> ps.add(predicate("is-url"));
        default -> {} // other formats are annotations, as JSON Schema itself treats them by default
      }
    }
    return ps;
  }

  private static List<Predicate> numberPredicates(Dict d) {
    List<Predicate> ps = new ArrayList<>();
    addCompare(ps, d, "minimum", ">=");
    addCompare(ps, d, "maximum", "<=");
    addCompare(ps, d, "exclusiveMinimum", ">");
    addCompare(ps, d, "exclusiveMaximum", "<");
    return ps;
  }

  private static List<Predicate> countPredicates(Dict d, String min, String max) {
    List<Predicate> ps = new ArrayList<>();
    addSize(ps, d, min, "min-count");
    addSize(ps, d, max, "max-count");
    return ps;
  }

  private static void addSize(List<Predicate> ps, Dict d, String key, String pred) {
    Value v = get(d, key);
    if (v != null) {
      if (!(v instanceof Value.Int n) || n.value() < 0) {
        throw new IllegalArgumentException(
            "\"" + key + "\" is a non-negative integer, found " + Printer.describe(v));
      }
      ps.add(predicate(pred, n));
    }
  }

  private static void addCompare(List<Predicate> ps, Dict d, String key, String op) {
    Value v = get(d, key);
    if (v != null) {
      if (!(v instanceof Value.Int || v instanceof Value.Real)) {
        throw new IllegalArgumentException(
            "\"" + key + "\" is a number, found " + Printer.describe(v));
      }
      ps.add(predicate(op, v));
    }
  }

  private static Predicate predicate(String name, Value... args) {
    List<Value> form = new ArrayList<>();
    form.add(Value.keyword(name));
    form.addAll(List.of(args));
    TypeExpr.And and =
        (TypeExpr.And)
            TypeParser.parse(Vec.of(Value.keyword("and"), Value.keyword("any"), Vec.of(form)));
    return and.predicates().get(0);
  }

  private static TypeExpr refine(TypeExpr base, List<Predicate> predicates) {
    return predicates.isEmpty() ? base : new TypeExpr.And(List.of(base), predicates);
  }

  // ---- TypeExpr → JSON Schema ----

  /**
   * The JSON Schema for a TypeExpr (as an RTFS map with string-named keys, ready for {@link
   * Json#write}).
   */
  public static Value fromType(TypeExpr t) {
    return switch (t) {
      case TypeExpr.Primitive p -> primitive(p.prim());
      case TypeExpr.Optional o ->
          obj("anyOf", Vec.of(fromType(o.inner()), obj("type", Value.of("null"))));
      case TypeExpr.VectorOf v -> {
        Dict.Builder b =
            builder("type", Value.of("array")).put(Json.key("items"), fromType(v.item()));
        if (v.size() != null) {
          b.put(Json.key("minItems"), Value.of(v.size()))
              .put(Json.key("maxItems"), Value.of(v.size()));
        }
        yield b.build();
      }
      case TypeExpr.Tuple tu ->
          builder("type", Value.of("array"))
              .put(
                  Json.key("prefixItems"),
                  Vec.of(tu.items().stream().map(JsonSchemas::fromType).toList()))
              .put(Json.key("minItems"), Value.of(tu.items().size()))
              .put(Json.key("maxItems"), Value.of(tu.items().size()))
              .build();
      case TypeExpr.MapOf m -> map(m);
      case TypeExpr.MapOfKV m ->
          builder("type", Value.of("object"))
              .put(Json.key("additionalProperties"), fromType(m.valueType()))
              .build();
      case TypeExpr.Union u ->
          obj("anyOf", Vec.of(u.options().stream().map(JsonSchemas::fromType).toList()));
      case TypeExpr.OneOf e ->
          obj("enum", Vec.of(e.values().stream().map(JsonSchemas::jsonValue).toList()));
      case TypeExpr.Literal l -> obj("const", jsonValue(l.value()));
      case TypeExpr.And a -> and(a);
    };
  }

  private static Value primitive(Prim p) {
    return switch (p) {
      case INT -> obj("type", Value.of("integer"));
      case FLOAT, NUMBER -> obj("type", Value.of("number"));
      case STRING, KEYWORD, SYMBOL -> obj("type", Value.of("string"));
      case BOOL -> obj("type", Value.of("boolean"));
      case NIL -> obj("type", Value.of("null"));
      case MAP -> obj("type", Value.of("object"));
      case VECTOR, LIST -> obj("type", Value.of("array"));
      case ANY, FN -> Dict.EMPTY;
      case NEVER -> obj("not", Dict.EMPTY);
    };
  }

  private static Value map(TypeExpr.MapOf m) {
    Dict.Builder props = Dict.builder();
    List<Value> required = new ArrayList<>();
    for (TypeExpr.Entry e : m.entries()) {
      String name = Json.keyName(e.key());
      props.put(Json.key(name), fromType(e.type()));
      if (!e.optional()) {
        required.add(Value.of(name));
      }
    }
    Dict.Builder b = builder("type", Value.of("object")).put(Json.key("properties"), props.build());
    if (!required.isEmpty()) {
      b.put(Json.key("required"), Vec.of(required));
    }
    if (m.closed()) {
      b.put(Json.key("additionalProperties"), Value.FALSE);
    } else if (m.rest() != null) {
      b.put(Json.key("additionalProperties"), fromType(m.rest()));
    }
    return b.build();
  }

  private static Value and(TypeExpr.And a) {
    List<Value> schemas = new ArrayList<>();
    a.types().forEach(t -> schemas.add(fromType(t)));
    Dict.Builder constraints = Dict.builder();
    for (Predicate p : a.predicates()) {
      addConstraint(constraints, p);
    }
    Dict c = constraints.build();
    if (schemas.size() == 1 && schemas.get(0) instanceof Dict only) {
      return merge(only, c);
    }
    if (!c.isEmpty()) {
      schemas.add(c);
    }
    return obj("allOf", Vec.of(schemas));
  }

  private static void addConstraint(Dict.Builder b, Predicate p) {
    switch (p) {
      case Predicate.Compare c ->
          b.put(
              Json.key(
                  switch (c.op()) {
                    case ">" -> "exclusiveMinimum";
                    case ">=" -> "minimum";
                    case "<" -> "exclusiveMaximum";
                    default -> "maximum";
                  }),
              c.bound());
      case Predicate.InRange r ->
          b.put(Json.key("minimum"), r.low()).put(Json.key("maximum"), r.high());
      case Predicate.Equals e ->
          b.put(
              Json.key(e.negated() ? "not" : "const"),
              e.negated() ? obj("const", jsonValue(e.other())) : jsonValue(e.other()));
      case Predicate.Size s -> {
        Value n = Value.of(s.n());
        switch (s.name()) {
          case "min-length" -> b.put(Json.key("minLength"), n);
          case "max-length" -> b.put(Json.key("maxLength"), n);
          case "length" -> b.put(Json.key("minLength"), n).put(Json.key("maxLength"), n);
          case "min-count" -> b.put(Json.key("minItems"), n);
          case "max-count" -> b.put(Json.key("maxItems"), n);
          default -> b.put(Json.key("minItems"), n).put(Json.key("maxItems"), n);
        }
      }
      case Predicate.NonEmpty n -> b.put(Json.key("minLength"), Value.of(1));
      case Predicate.Matches m -> b.put(Json.key("pattern"), Value.of(m.regex().pattern()));
      case Predicate.HasKeys h ->
          b.put(
              Json.key("required"),
              Vec.of(h.keys().stream().map(k -> (Value) Value.of(Json.keyName(k))).toList()));
      case Predicate.Format f ->
          b.put(Json.key("format"), Value.of(f.name().equals("is-url") ? "uri" : "email"));
    }
  }

  private static Dict merge(Dict a, Dict b) {
    Dict.Builder out = a.toBuilder();
    b.asMap().forEach(out::put);
    return out.build();
  }

  private static Value jsonValue(Value v) {
    return v instanceof Value.Keyword k ? Value.of(k.name()) : v;
  }

  private static Dict obj(String key, Value value) {
    return builder(key, value).build();
  }

  private static Dict.Builder builder(String key, Value value) {
    return Dict.builder().put(Json.key(key), value);
  }

  private static Value get(Dict d, String key) {
    return d.get(Json.key(key));
  }

  private static String string(Value v, String what) {
    if (v instanceof Value.Str s) {
      return s.value();
    }
    throw new IllegalArgumentException(
        "\"" + what + "\" entries are strings, found " + Printer.describe(v));
  }

  private static TypeExpr prim(Prim p) {
    return new TypeExpr.Primitive(p);
  }
}
