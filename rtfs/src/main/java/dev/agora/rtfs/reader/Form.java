package dev.agora.rtfs.reader;

import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Lst;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.RtfsError;
import dev.agora.rtfs.SourcePos;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.util.List;

/**
 * What the reader produces: RTFS syntax with a position on every piece. The analyzer turns forms
 * into evaluable nodes; {@link #toValue()} turns a form into plain data (for manifests, schemas and
 * anything else written in RTFS notation).
 */
public sealed interface Form {

  /** Where the form starts. */
  SourcePos pos();

  /** The form as data: lists become {@link Lst}s, symbols {@link Value.Symbol}s. */
  Value toValue();

  /**
   * The form as source text (normalised spacing), for messages; works for any form, patterns
   * included.
   */
  default String text() {
    return switch (this) {
      case Atom a -> Printer.print(a.value());
      case Sym s -> s.name();
      case ListForm l -> join("(", l.items(), ")");
      case VectorForm v -> join("[", v.items(), "]");
      case MapForm m -> join("{", m.items(), "}");
    };
  }

  /** A literal: nil, boolean, integer, float, string or keyword. */
  record Atom(Value value, SourcePos pos) implements Form {
    @Override
    public Value toValue() {
      return value;
    }
  }

  /** A symbol such as {@code x}, {@code string?} or {@code tool/log}. */
  record Sym(String name, SourcePos pos) implements Form {
    @Override
    public Value toValue() {
      return Value.symbol(name);
    }
  }

  /** {@code ( … )}. */
  record ListForm(List<Form> items, SourcePos pos) implements Form {
    @Override
    public Value toValue() {
      return Lst.adopt(values(items));
    }
  }

  /** {@code [ … ]}. */
  record VectorForm(List<Form> items, SourcePos pos) implements Form {
    @Override
    public Value toValue() {
      return Vec.adopt(values(items));
    }
  }

  /**
   * {@code { … }}: alternating key and value forms (the reader guarantees an even count). Keys are
   * checked where the map is used: data and expressions need keyword, string or integer keys;
   * destructuring patterns also allow symbols and {@code &}.
   */
  record MapForm(List<Form> items, SourcePos pos) implements Form {
    @Override
    public Value toValue() {
      Dict.Builder b = Dict.builder();
      for (int i = 0; i < items.size(); i += 2) {
        Form key = items.get(i);
        Value k = key.toValue();
        if (!(key instanceof Atom) || !isMapKey(k)) {
          throw RtfsError.parse(
              "map keys must be keywords, strings or integers, found " + Printer.describe(k),
              key.pos());
        }
        if (b.containsKey(k)) {
          throw RtfsError.parse("duplicate map key " + Printer.print(k), key.pos());
        }
        b.put(k, items.get(i + 1).toValue());
      }
      return b.build();
    }
  }

  /** True for the key types a map literal may use. */
  static boolean isMapKey(Value v) {
    return v instanceof Value.Keyword || v instanceof Value.Str || v instanceof Value.Int;
  }

  private static String join(String open, List<Form> items, String close) {
    StringBuilder sb = new StringBuilder(open);
    for (int i = 0; i < items.size(); i++) {
      sb.append(i == 0 ? "" : " ").append(items.get(i).text());
    }
    return sb.append(close).toString();
  }

  private static Value[] values(List<Form> forms) {
    Value[] out = new Value[forms.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = forms.get(i).toValue();
    }
    return out;
  }
}
