package dev.agora.rtfs.eval;

import dev.agora.rtfs.RtfsError;
import dev.agora.rtfs.SourcePos;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Form;
import dev.agora.rtfs.types.TypeExpr;
import dev.agora.rtfs.types.TypeParser;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles binding forms into {@link Pattern}s, declaring the names they bind in the scope:
 * symbols, {@code _}, vectors ({@code [a b & rest :as all]}), maps ({@code {:keys [a] :as m}}),
 * type annotations ({@code x:int}, {@code [x :int]}), and in {@code match} literals.
 */
final class PatternCompiler {

  /** Where a pattern appears: {@code let}/parameters bind, {@code match} tests. */
  enum Mode {
    BIND,
    MATCH
  }

  /** One {@code let} binding as written: a pattern, an optional type, a value. */
  record SplitBinding(Form pattern, Form type, Form value) {}

  /** A parameter vector: fixed parameters and an optional {@code & rest}. */
  record Params(Pattern[] fixed, Pattern rest) {}

  private final Analyzer analyzer;

  PatternCompiler(Analyzer analyzer) {
    this.analyzer = analyzer;
  }

  Pattern compile(Form f, Scope s, Mode mode) {
    return switch (f) {
      case Form.Sym sym -> symbol(sym, s, mode);
      case Form.Atom a when mode == Mode.MATCH -> new Pattern.Equals(a.value());
      case Form.Atom a ->
          throw RtfsError.parse(
              "cannot bind to the literal "
                  + a.text()
                  + ": a binding is a symbol, a vector or a map",
              a.pos());
      case Form.VectorForm v -> sequence(v, s, mode);
      case Form.MapForm m -> map(m, s, mode);
      case Form.ListForm l ->
          throw RtfsError.parse(
              "a list cannot be a pattern: write a vector such as [a b]", l.pos());
    };
  }

  private Pattern symbol(Form.Sym sym, Scope s, Mode mode) {
    String name = sym.name();
    if (name.equals("_")) {
      return new Pattern.Ignore();
    }
    if (name.equals("&")) {
      throw RtfsError.parse("'&' must come before the pattern for the remaining items", sym.pos());
    }
    if (colonName(sym)
        != null) { // x: with no type after it (bindings and parameters take x:[:T …] first)
      throw needsType(sym);
    }
    int colon = name.indexOf(':');
    if (colon > 0 && colon < name.length() - 1) { // x:int
      String base = name.substring(0, colon);
      TypeExpr type = type(Value.keyword(name.substring(colon + 1)), sym.pos());
      Pattern bind = new Pattern.Bind(s.declare(base));
      return mode == Mode.MATCH
          ? new Pattern.TypeTest(bind, type)
          : new Pattern.Typed(bind, type, base);
    }
    return new Pattern.Bind(s.declare(name));
  }

  private Pattern sequence(Form.VectorForm v, Scope s, Mode mode) {
    List<Form> items = v.items();
    List<Pattern> fixed = new ArrayList<>();
    Pattern rest = null;
    Pattern as = null;
    for (int i = 0; i < items.size(); i++) {
      Form it = items.get(i);
      if (isSym(it, "&")) {
        rest = compile(next(items, i, "'&' needs a pattern after it", it), s, mode);
        i++;
      } else if (isKeyword(it, "as")) {
        as = new Pattern.Bind(s.declare(symbolAfter(items, i, ":as", it)));
        i++;
      } else if (rest != null || as != null) {
        throw RtfsError.parse("only :as may follow '& rest' in " + v.text(), it.pos());
      } else {
        fixed.add(compile(it, s, mode));
      }
    }
    return new Pattern.SeqPattern(fixed.toArray(Pattern[]::new), rest, as);
  }

  private Pattern map(Form.MapForm m, Scope s, Mode mode) {
    List<Value> keys = new ArrayList<>();
    List<Pattern> values = new ArrayList<>();
    List<String> names = new ArrayList<>();
    Form defaults = null;
    Pattern rest = null;
    Pattern as = null;
    List<Form> items = m.items();
    for (int i = 0; i < items.size(); i += 2) {
      Form k = items.get(i);
      Form v = items.get(i + 1);
      if (isKeyword(k, "keys") || isKeyword(k, "strs")) {
        boolean strings = isKeyword(k, "strs");
        if (!(v instanceof Form.VectorForm syms)) {
          throw RtfsError.parse(
              k.text() + " needs a vector of names, such as " + k.text() + " [a b]", v.pos());
        }
        for (Form name : syms.items()) {
          if (!(name instanceof Form.Sym sym)) {
            throw RtfsError.parse(k.text() + " lists names, found " + name.text(), name.pos());
          }
          String base =
              sym.name().contains(":")
                  ? sym.name().substring(0, sym.name().indexOf(':'))
                  : sym.name();
          keys.add(strings ? Value.of(base) : Value.keyword(base));
          values.add(symbol(sym, s, mode));
          names.add(base);
        }
      } else if (isKeyword(k, "as")) {
        as = new Pattern.Bind(s.declare(symbolAfter(items, i, ":as", k)));
      } else if (isKeyword(k, "or") && mode == Mode.BIND) {
        defaults = v;
      } else if (isSym(k, "&")) {
        rest = compile(v, s, mode);
      } else if (k instanceof Form.Atom a && Form.isMapKey(a.value())) { // :key pattern
        keys.add(a.value());
        values.add(compile(v, s, mode));
        names.add(v instanceof Form.Sym sym ? sym.name() : null);
      } else if (!(k instanceof Form.Atom)
          && v instanceof Form.Atom a
          && Form.isMapKey(a.value())) { // name :key
        keys.add(a.value());
        values.add(compile(k, s, mode));
        names.add(k instanceof Form.Sym sym ? sym.name() : null);
      } else {
        throw RtfsError.parse(
            "a map pattern entry is ':key pattern', 'name :key', ':keys [names]', ':as name',"
                + " ':or {name default}' or '& rest'; found "
                + k.text()
                + " "
                + v.text(),
            k.pos());
      }
    }
    Node[] defaultNodes = defaults(defaults, names, s);
    return new Pattern.MapPattern(
        keys.toArray(Value[]::new),
        values.toArray(Pattern[]::new),
        defaultNodes,
        mode == Mode.MATCH,
        rest,
        as);
  }

  /** {@code :or {a 1 b 2}}: a default expression per bound name. */
  private Node[] defaults(Form defaults, List<String> names, Scope s) {
    Node[] out = new Node[names.size()];
    if (defaults == null) {
      return out;
    }
    if (!(defaults instanceof Form.MapForm m)) {
      throw RtfsError.parse(
          ":or needs a map of names to defaults, such as :or {a 1}", defaults.pos());
    }
    Map<String, Form> byName = new HashMap<>();
    for (int i = 0; i < m.items().size(); i += 2) {
      if (!(m.items().get(i) instanceof Form.Sym sym) || !names.contains(sym.name())) {
        throw RtfsError.parse(
            ":or names a binding of this pattern, found " + m.items().get(i).text(),
            m.items().get(i).pos());
      }
      byName.put(sym.name(), m.items().get(i + 1));
    }
    for (int i = 0; i < out.length; i++) {
      Form d = names.get(i) == null ? null : byName.get(names.get(i));
      out[i] = d == null ? null : analyzer.analyze(d, s);
    }
    return out;
  }

  // ---- Parameter vectors ----

  /**
   * {@code [a b:int c :string & rest]}: each parameter may carry a type, as {@code x:T} or {@code x
   * :T}.
   */
  Params params(Form.VectorForm v, Scope fs) {
    List<Form> items = v.items();
    List<Pattern> fixed = new ArrayList<>();
    Pattern rest = null;
    for (int i = 0; i < items.size(); i++) {
      Form it = items.get(i);
      boolean isRest = isSym(it, "&");
      if (isRest) {
        if (rest != null) {
          throw RtfsError.parse("a parameter vector has at most one '&'", it.pos());
        }
        it = next(items, i, "'&' needs a name for the remaining arguments", it);
        i++;
      } else if (rest != null) {
        throw RtfsError.parse(
            "nothing may follow the '& rest' parameter except its type", it.pos());
      }
      Form.Sym named =
          colonName(it); // numbers:[:vector :int] reads as the symbol numbers: and a vector
      if (named != null) {
        if (i + 1 >= items.size() || !isTypeForm(items.get(i + 1))) {
          throw needsType((Form.Sym) it);
        }
        it = named;
      }
      Pattern p = compile(it, fs, Mode.BIND);
      if (i + 1 < items.size() && isTypeForm(items.get(i + 1))) {
        p = new Pattern.Typed(p, type(items.get(i + 1)), it.text());
        i++;
      }
      if (isRest) {
        rest = p;
      } else {
        fixed.add(p);
      }
    }
    return new Params(fixed.toArray(Pattern[]::new), rest);
  }

  // ---- let binding vectors ----

  /**
   * Splits {@code [p1 v1 p2 :T v2 …]} into bindings. A form after a pattern is a type annotation
   * only if the rest of the vector still splits that way: {@code [x :int 10]} is typed, while
   * {@code [s :ok]} binds {@code s} to {@code :ok} (the reference's parser got this wrong). Decided
   * right to left in one pass, so it is linear.
   */
  static List<SplitBinding> splitBindings(Form.VectorForm v) {
    List<Form> items = v.items();
    int n = items.size();
    int[] width =
        new int[n + 1]; // 2 = pattern value, 3 = pattern type value, 0 = cannot split here
    width[n] = 1;
    for (int i = n - 1; i >= 0; i--) {
      if (!isPatternForm(items.get(i))) {
        continue;
      }
      if (i + 3 <= n && width[i + 3] != 0 && isTypeForm(items.get(i + 1))) {
        width[i] = 3;
      } else if (i + 2 <= n
          && width[i + 2] != 0
          && colonName(items.get(i)) == null) { // x: must have its type
        width[i] = 2;
      }
    }
    if (width[0] == 0 && n > 0) {
      for (Form f : items) {
        if (colonName(f) != null) {
          throw needsType((Form.Sym) f);
        }
      }
      throw RtfsError.parse(bindingProblem(items), v.pos());
    }
    List<SplitBinding> out = new ArrayList<>();
    for (int i = 0; i < n; i += width[i]) {
      Form type = width[i] == 3 ? items.get(i + 1) : null;
      Form.Sym named = colonName(items.get(i));
      out.add(
          new SplitBinding(
              named != null ? named : items.get(i), type, items.get(i + width[i] - 1)));
    }
    return out;
  }

  /**
   * A name written with its colon and the type as the next form — {@code numbers:[:vector :int]},
   * which the reader reads as the symbol {@code numbers:} and a vector — as the bare name; else
   * null.
   */
  static Form.Sym colonName(Form f) {
    if (f instanceof Form.Sym sym
        && sym.name().length() > 1
        && sym.name().indexOf(':') == sym.name().length() - 1) {
      return new Form.Sym(sym.name().substring(0, sym.name().length() - 1), sym.pos());
    }
    return null;
  }

  private static RtfsError needsType(Form.Sym sym) {
    String base = sym.name().substring(0, sym.name().length() - 1);
    return RtfsError.parse(
        "'"
            + sym.name()
            + "' needs its type right after the colon, such as "
            + base
            + ":int or "
            + base
            + ":[:vector :int]",
        sym.pos());
  }

  private static String bindingProblem(List<Form> items) {
    for (int i = 0; i < items.size(); i += 2) {
      if (!isPatternForm(items.get(i))) {
        return "let bindings come in pairs of a name (or destructuring pattern) and a value; "
            + items.get(i).text()
            + " at "
            + items.get(i).pos().lineColumn()
            + " is not a name";
      }
    }
    return "let bindings come in pairs of a name and a value; the last name has no value";
  }

  // ---- Helpers ----

  /** A keyword or a vector headed by a keyword that parses as a type. */
  static boolean isTypeForm(Form f) {
    boolean shaped =
        (f instanceof Form.Atom a && a.value() instanceof Value.Keyword)
            || (f instanceof Form.VectorForm v
                && !v.items().isEmpty()
                && v.items().get(0) instanceof Form.Atom h
                && h.value() instanceof Value.Keyword);
    return shaped && TypeParser.isType(f.toValue());
  }

  static TypeExpr type(Form f) {
    return type(f.toValue(), f.pos());
  }

  private static TypeExpr type(Value v, SourcePos pos) {
    try {
      return TypeParser.parse(v);
    } catch (RtfsError e) {
      throw RtfsError.parse(e.getMessage(), pos);
    }
  }

  private static boolean isPatternForm(Form f) {
    return (f instanceof Form.Sym s && !s.name().equals("&"))
        || f instanceof Form.VectorForm
        || f instanceof Form.MapForm;
  }

  static boolean isSym(Form f, String name) {
    return f instanceof Form.Sym s && s.name().equals(name);
  }

  private static boolean isKeyword(Form f, String name) {
    return f instanceof Form.Atom a
        && a.value() instanceof Value.Keyword k
        && k.name().equals(name);
  }

  private static Form next(List<Form> items, int i, String message, Form at) {
    if (i + 1 >= items.size()) {
      throw RtfsError.parse(message, at.pos());
    }
    return items.get(i + 1);
  }

  private static String symbolAfter(List<Form> items, int i, String what, Form at) {
    if (!(next(items, i, what + " needs a name after it", at) instanceof Form.Sym sym)) {
      throw RtfsError.parse(
          what + " needs a name after it, found " + items.get(i + 1).text(),
          items.get(i + 1).pos());
    }
    return sym.name();
  }
}
