package dev.agora.rtfs.types;

import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.util.ArrayList;
import java.util.List;

/**
 * An RTFS type expression: the schema language of capability inputs and outputs and of annotations
 * in code. Parse one with {@link TypeParser}, check a value with {@link Validator}.
 *
 * <pre>
 *   :int :float :number :string :bool :keyword :symbol :nil :any :never :map :vector :list :fn
 *   :string?                     optional (nil or the type)
 *   [:vector T]  [:tuple T…]  [:map-of K V]
 *   [:map [:k T] [:k T ?] [:* T] …]      open by default; [:map {:closed true} …] refuses other keys
 *   [:union T…]  [:enum v…]  [:val v]  [:optional T]
 *   [:and T… pred…]              predicates: [:> n] [:min-length n] [:matches-regex "re"] …
 * </pre>
 */
public sealed interface TypeExpr {

  /** The type as RTFS data; printing it gives the syntax above. */
  Value toValue();

  /** The printed syntax, for messages. */
  default String show() {
    return Printer.print(toValue());
  }

  /** The named base types. */
  enum Prim {
    INT("int"),
    FLOAT("float"),
    NUMBER("number"),
    STRING("string"),
    BOOL("bool"),
    KEYWORD("keyword"),
    SYMBOL("symbol"),
    NIL("nil"),
    ANY("any"),
    NEVER("never"),
    MAP("map"),
    VECTOR("vector"),
    LIST("list"),
    FN("fn");

    /** The keyword name, as in {@code :int}. */
    public final String keyword;

    Prim(String keyword) {
      this.keyword = keyword;
    }
  }

  record Primitive(Prim prim) implements TypeExpr {
    @Override
    public Value toValue() {
      return Value.keyword(prim.keyword);
    }
  }

  /** {@code nil} or the inner type. */
  record Optional(TypeExpr inner) implements TypeExpr {
    @Override
    public Value toValue() {
      if (inner instanceof Primitive p) {
        return Value.keyword(p.prim().keyword + "?");
      }
      return Vec.of(Value.keyword("optional"), inner.toValue());
    }
  }

  /**
   * {@code [:vector T]}: a vector (or list) whose items all are T; {@code size} fixed when not
   * null.
   */
  record VectorOf(TypeExpr item, Integer size) implements TypeExpr {
    @Override
    public Value toValue() {
      return size == null
          ? Vec.of(Value.keyword("vector"), item.toValue())
          : Vec.of(Value.keyword("array"), item.toValue(), Vec.of(Value.of(size)));
    }
  }

  /** {@code [:tuple A B C]}: exactly these items, in order. */
  record Tuple(List<TypeExpr> items) implements TypeExpr {
    public Tuple {
      items = List.copyOf(items);
    }

    @Override
    public Value toValue() {
      return headed("tuple", items);
    }
  }

  /** One key of a {@code [:map …]}: its key, its type, and whether it may be absent. */
  record Entry(Value key, TypeExpr type, boolean optional) {
    Value toValue() {
      return optional
          ? Vec.of(key, type.toValue(), Value.symbol("?"))
          : Vec.of(key, type.toValue());
    }
  }

  /**
   * {@code [:map …]}: a map with these keys. Other keys are allowed unless {@code closed}; when
   * {@code rest} is not null (written {@code [:* T]}) their values must be {@code rest}.
   */
  record MapOf(List<Entry> entries, boolean closed, TypeExpr rest) implements TypeExpr {
    public MapOf {
      entries = List.copyOf(entries);
    }

    /** The entry for {@code key}, or null. */
    public Entry entry(Value key) {
      for (Entry e : entries) {
        if (e.key().equals(key)) {
          return e;
        }
      }
      return null;
    }

    @Override
    public Value toValue() {
      List<Value> out = new ArrayList<>();
      out.add(Value.keyword("map"));
      if (closed) {
        out.add(Dict.of(Value.keyword("closed"), Value.TRUE));
      }
      entries.forEach(e -> out.add(e.toValue()));
      if (rest != null) {
        out.add(Vec.of(Value.keyword("*"), rest.toValue()));
      }
      return Vec.of(out);
    }
  }

  /** {@code [:map-of K V]}: any number of keys of type K with values of type V. */
  record MapOfKV(TypeExpr keyType, TypeExpr valueType) implements TypeExpr {
    @Override
    public Value toValue() {
      return Vec.of(Value.keyword("map-of"), keyType.toValue(), valueType.toValue());
    }
  }

  /** {@code [:union A B]}: at least one of the options. */
  record Union(List<TypeExpr> options) implements TypeExpr {
    public Union {
      options = List.copyOf(options);
    }

    @Override
    public Value toValue() {
      return headed("union", options);
    }
  }

  /** {@code [:enum :red :green]}: one of these values. */
  record OneOf(List<Value> values) implements TypeExpr {
    public OneOf {
      values = List.copyOf(values);
    }

    @Override
    public Value toValue() {
      List<Value> out = new ArrayList<>();
      out.add(Value.keyword("enum"));
      out.addAll(values);
      return Vec.of(out);
    }
  }

  /** {@code [:val v]}: exactly this value. */
  record Literal(Value value) implements TypeExpr {
    @Override
    public Value toValue() {
      return Vec.of(Value.keyword("val"), value);
    }
  }

  /** {@code [:and T… pred…]}: every type, then every predicate. */
  record And(List<TypeExpr> types, List<Predicate> predicates) implements TypeExpr {
    public And {
      types = List.copyOf(types);
      predicates = List.copyOf(predicates);
    }

    @Override
    public Value toValue() {
      List<Value> out = new ArrayList<>();
      out.add(Value.keyword("and"));
      types.forEach(t -> out.add(t.toValue()));
      predicates.forEach(p -> out.add(p.toValue()));
      return Vec.of(out);
    }
  }

  private static Value headed(String head, List<TypeExpr> types) {
    List<Value> out = new ArrayList<>();
    out.add(Value.keyword(head));
    types.forEach(t -> out.add(t.toValue()));
    return Vec.of(out);
  }
}
