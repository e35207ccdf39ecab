package dev.agora.rtfs.types;

import dev.agora.rtfs.Dict;
import dev.agora.rtfs.ErrorKind;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.RtfsError;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Reader;
import dev.agora.rtfs.types.TypeExpr.Prim;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Turns RTFS data into a {@link TypeExpr}. Errors are {@link ErrorKind#ParseError}s that name the
 * offending part ("unknown type :strng", "[:min-length] needs a non-negative integer").
 *
 * <p>Deliberate differences from the reference, all listed in its notes as fixes: {@code :number},
 * {@code :map} and {@code :vector} are real types, not unresolvable aliases; {@code :string?} is an
 * optional string; {@code [:k :string ?]} makes the key optional.
 */
public final class TypeParser {

  private TypeParser() {}

  /** Parses the RTFS text of a type, such as {@code "[:map [:name :string]]"}. */
  public static TypeExpr parse(String text) {
    return parse(Reader.readValue(text));
  }

  /** Parses a type written as RTFS data. */
  public static TypeExpr parse(Value v) {
    return switch (v) {
      case Value.Keyword k -> named(k.name());
      case Value.Symbol s -> named(s.name());
      case Seq seq when !seq.isEmpty() && seq.get(0) instanceof Value.Keyword head ->
          compound(head.name(), seq);
      case Dict d -> mapType(List.of(d), false);
      default ->
          throw error(
              "not a type: "
                  + Printer.describe(v)
                  + "; a type is a keyword such as :int or a vector such as [:vector :string]");
    };
  }

  /** True if {@code v} parses as a type (used to tell annotations from values). */
  public static boolean isType(Value v) {
    try {
      parse(v);
      return true;
    } catch (RtfsError e) {
      return false;
    }
  }

  // ---- Names ----

  private static TypeExpr named(String name) {
    if (name.endsWith("?") && name.length() > 1) {
      return new TypeExpr.Optional(named(name.substring(0, name.length() - 1)));
    }
    Prim p = prim(name.toLowerCase(java.util.Locale.ROOT));
    if (p == null) {
      throw error(
          "unknown type :"
              + name
              + "; known types are :int :float :number :string :bool :keyword"
              + " :symbol :nil :any :never :map :vector :list :fn");
    }
    return PRIMITIVES[p.ordinal()];
  }

  /**
   * One instance per base type: schemas are parsed for every manifest, and these repeat in all of
   * them.
   */
  private static final TypeExpr.Primitive[] PRIMITIVES =
      java.util.Arrays.stream(Prim.values())
          .map(TypeExpr.Primitive::new)
          .toArray(TypeExpr.Primitive[]::new);

  private static Prim prim(String name) {
    return switch (name) {
      case "int", "integer" -> Prim.INT;
      case "float", "double" -> Prim.FLOAT;
      case "number" -> Prim.NUMBER;
      case "string", "str" -> Prim.STRING;
      case "bool", "boolean" -> Prim.BOOL;
      case "keyword" -> Prim.KEYWORD;
      case "symbol" -> Prim.SYMBOL;
      case "nil" -> Prim.NIL;
      case "any" -> Prim.ANY;
      case "never" -> Prim.NEVER;
      case "map" -> Prim.MAP;
      case "vector" -> Prim.VECTOR;
      case "list" -> Prim.LIST;
      case "fn", "function" -> Prim.FN;
      default -> null;
    };
  }

  // ---- Compound types ----

  private static TypeExpr compound(String head, Seq form) {
    List<Value> args = form.items().subList(1, form.size());
    return switch (head) {
      case "vector", "sequential" -> new TypeExpr.VectorOf(parse(exactlyOne(head, args)), null);
      case "array" -> array(args);
      case "tuple" -> new TypeExpr.Tuple(types(args));
      case "map", "record" -> mapType(args, false);
      case "map-of", "dict" -> {
        need(head, args, 2, "a key type and a value type");
        yield new TypeExpr.MapOfKV(parse(args.get(0)), parse(args.get(1)));
      }
      case "union", "or" -> {
        need(head, args, -1, "at least one type");
        yield new TypeExpr.Union(types(args));
      }
      case "enum" -> {
        need(head, args, -1, "at least one value");
        yield new TypeExpr.OneOf(args);
      }
      case "val" -> new TypeExpr.Literal(exactlyOne(head, args));
      case "optional", "maybe" -> new TypeExpr.Optional(parse(exactlyOne(head, args)));
      case "and" -> and(args);
      default ->
          throw error(
              "unknown type [:"
                  + head
                  + " …]; compound types are :vector :tuple :map :map-of"
                  + " :union :enum :val :optional :and :array");
    };
  }

  private static TypeExpr array(List<Value> args) {
    if (args.isEmpty() || args.size() > 2) {
      throw error("[:array] needs an item type and optionally a shape such as [3]");
    }
    Integer size = null;
    if (args.size() == 2) {
      if (!(args.get(1) instanceof Seq shape) || shape.size() != 1) {
        throw error(
            "[:array T shape]: the shape must be a one-dimension vector such as [3] or [?]");
      }
      Value d = shape.get(0);
      if (d instanceof Value.Int n && n.value() >= 0 && n.value() <= Integer.MAX_VALUE) {
        size = (int) n.value();
      } else if (!isQuestionMark(d)) {
        throw error(
            "[:array T shape]: a dimension is a non-negative integer or ?, found "
                + Printer.describe(d));
      }
    }
    return new TypeExpr.VectorOf(parse(args.get(0)), size);
  }

  private static TypeExpr mapType(List<Value> args, boolean closedDefault) {
    boolean closed = closedDefault;
    TypeExpr rest = null;
    List<TypeExpr.Entry> entries = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      Value a = args.get(i);
      if (a instanceof Dict d && i == 0 && isMapOptions(d)) {
        closed = d.get("closed") != null && d.get("closed").truthy();
      } else if (a instanceof Dict d) {
        for (Map.Entry<Value, Value> e : d.asMap().entrySet()) {
          addEntry(entries, new TypeExpr.Entry(e.getKey(), parse(e.getValue()), false));
        }
      } else if (a instanceof Seq s
          && s.size() >= 2
          && s.get(0) instanceof Value.Keyword k
          && k.name().equals("*")) {
        rest = parse(s.get(1));
      } else if (a instanceof Seq s) {
        addEntry(entries, entry(s));
      } else {
        throw error("a [:map] entry is [:key Type] or [:key Type ?], found " + Printer.describe(a));
      }
    }
    return new TypeExpr.MapOf(entries, closed, rest);
  }

  private static boolean isMapOptions(Dict d) {
    return !d.isEmpty()
        && d.asMap().entrySet().stream()
            .allMatch(
                e ->
                    e.getKey().equals(Value.keyword("closed"))
                        && e.getValue() instanceof Value.Bool);
  }

  private static TypeExpr.Entry entry(Seq s) {
    if (s.size() < 2 || !(s.get(0) instanceof Value.Keyword || s.get(0) instanceof Value.Str)) {
      throw error("a [:map] entry is [:key Type] or [:key Type ?], found " + Printer.print(s));
    }
    Value key =
        s.get(0) instanceof Value.Keyword k
            ? Value.keyword(k.name().intern())
            : s.get(0); // names repeat
    int typeAt = 1;
    boolean optional = false;
    if (s.get(1) instanceof Dict props && s.size() >= 3) { // malli style [:k {:optional true} T]
      optional = props.get("optional") != null && props.get("optional").truthy();
      typeAt = 2;
    }
    TypeExpr type = parse(s.get(typeAt));
    if (s.size() == typeAt + 2 && isQuestionMark(s.get(typeAt + 1))) {
      optional = true;
    } else if (s.size() != typeAt + 1) {
      throw error("a [:map] entry is [:key Type] or [:key Type ?], found " + Printer.print(s));
    }
    return new TypeExpr.Entry(key, type, optional);
  }

  private static void addEntry(List<TypeExpr.Entry> entries, TypeExpr.Entry e) {
    for (TypeExpr.Entry existing : entries) {
      if (existing.key().equals(e.key())) {
        throw error("[:map] lists the key " + Printer.print(e.key()) + " twice");
      }
    }
    entries.add(e);
  }

  private static TypeExpr and(List<Value> args) {
    if (args.size() < 2) {
      throw error(
          "[:and] needs a type and at least one more type or predicate, as in [:and :int [:> 0]]");
    }
    List<TypeExpr> types = new ArrayList<>();
    List<Predicate> preds = new ArrayList<>();
    for (Value a : args) {
      Predicate p = predicate(a);
      if (p != null) {
        preds.add(p);
      } else {
        types.add(parse(a));
      }
    }
    if (types.isEmpty()) {
      throw error(
          "[:and] needs at least one type before its predicates, as in [:and :string [:min-length 1]]");
    }
    return new TypeExpr.And(types, preds);
  }

  // ---- Predicates ----

  /** The predicate {@code v} spells, or null when {@code v} is not a predicate form. */
  static Predicate predicate(Value v) {
    if (!(v instanceof Seq s)
        || s.isEmpty()
        || !(s.get(0) instanceof Value.Keyword k)
        || !Predicate.names().contains(k.name())) {
      return null;
    }
    String name = k.name();
    List<Value> args = s.items().subList(1, s.size());
    return switch (name) {
      case ">", ">=", "<", "<=" ->
          new Predicate.Compare(name, number(name, exactlyOne(name, args)));
      case "=", "!=" -> new Predicate.Equals(name.equals("!="), exactlyOne(name, args));
      case "in-range" -> {
        need(name, args, 2, "a low and a high bound");
        yield new Predicate.InRange(number(name, args.get(0)), number(name, args.get(1)));
      }
      case "min-length", "max-length", "length", "min-count", "max-count", "count" ->
          new Predicate.Size(name, count(name, exactlyOne(name, args)));
      case "non-empty" -> {
        need(name, args, 0, "no arguments");
        yield new Predicate.NonEmpty();
      }
      case "matches-regex" -> new Predicate.Matches(regex(exactlyOne(name, args)));
      case "has-key" -> new Predicate.HasKeys(true, List.of(exactlyOne(name, args)));
      case "required-keys" -> {
        if (!(exactlyOne(name, args) instanceof Seq keys)) {
          throw error(
              "[:required-keys] needs a vector of keys, as in [:required-keys [:id :name]]");
        }
        yield new Predicate.HasKeys(false, keys.items());
      }
      default -> {
        need(name, args, 0, "no arguments");
        yield new Predicate.Format(name);
      }
    };
  }

  private static Value number(String pred, Value v) {
    if (!(v instanceof Value.Int || v instanceof Value.Real)) {
      throw error("[:" + pred + "] needs a number, found " + Printer.describe(v));
    }
    return v;
  }

  private static long count(String pred, Value v) {
    if (!(v instanceof Value.Int n) || n.value() < 0) {
      throw error("[:" + pred + "] needs a non-negative integer, found " + Printer.describe(v));
    }
    return n.value();
  }

  private static Pattern regex(Value v) {
    if (!(v instanceof Value.Str s)) {
      throw error("[:matches-regex] needs a string, found " + Printer.describe(v));
    }
    try {
      return Pattern.compile(s.value());
    } catch (PatternSyntaxException e) {
      throw error(
          "[:matches-regex] has an invalid regular expression "
              + Printer.quote(s.value())
              + ": "
              + e.getDescription());
    }
  }

  // ---- Helpers ----

  private static List<TypeExpr> types(List<Value> args) {
    List<TypeExpr> out = new ArrayList<>(args.size());
    args.forEach(a -> out.add(parse(a)));
    return out;
  }

  private static Value exactlyOne(String head, List<Value> args) {
    need(head, args, 1, "exactly one argument");
    return args.get(0);
  }

  /** Checks the argument count; {@code n < 0} means "at least one". */
  private static void need(String head, List<Value> args, int n, String what) {
    if (n < 0 ? args.isEmpty() : args.size() != n) {
      throw error("[:" + head + "] needs " + what + ", found " + args.size());
    }
  }

  private static boolean isQuestionMark(Value v) {
    return (v instanceof Value.Symbol s && s.name().equals("?"))
        || (v instanceof Value.Keyword k && k.name().equals("?"));
  }

  private static RtfsError error(String message) {
    return new RtfsError(ErrorKind.ParseError, message);
  }
}
