package dev.agora.rtfs.eval;

import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Evaluation;
import dev.agora.rtfs.RtfsError;
import dev.agora.rtfs.SourcePos;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import dev.agora.rtfs.eval.PatternCompiler.Mode;
import dev.agora.rtfs.reader.Form;
import dev.agora.rtfs.types.TypeExpr;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns forms into {@link Node}s: recognises special forms, checks their shape (a malformed form is
 * a ParseError naming it), resolves every local to a frame slot and every other symbol to a global
 * cell. Runs over a whole program before any of it is evaluated.
 *
 * <p>Special forms: {@code let if do fn λ def defn match try step and or call}, plus the
 * conveniences {@code when when-not cond -> ->>}. A local binding shadows a special form's name.
 */
final class Analyzer {

  /** A top-level form, analyzed: its node and the size of the frame it runs in. */
  public record TopLevel(Node node, int frameSize) {
    /** Evaluates the form in a fresh top-level frame. */
    public Value run(Evaluation ev) {
      return node.eval(new Frame(frameSize, null), ev);
    }
  }

  private final Globals globals;
  private final PatternCompiler patterns = new PatternCompiler(this);

  public Analyzer(Globals globals) {
    this.globals = globals;
  }

  public TopLevel analyzeTop(Form form) {
    Scope s = Scope.top();
    Node node = analyze(form, s);
    return new TopLevel(node, s.frame.size);
  }

  Node analyze(Form form, Scope s) {
    return switch (form) {
      case Form.Atom a -> new Node.Const(a.value(), a.pos());
      case Form.Sym sym -> symbol(sym, s);
      case Form.VectorForm v -> vector(v, s);
      case Form.MapForm m -> map(m, s);
      case Form.ListForm l -> list(l, s);
    };
  }

  // ---- Symbols and collection literals ----

  private Node symbol(Form.Sym sym, Scope s) {
    Scope.Resolved r = s.resolve(sym.name());
    if (r != null) {
      return new Node.Local(r.depth(), r.slot(), sym.name(), sym.pos());
    }
    if (sym.name().equals("&")) {
      throw RtfsError.parse("'&' only belongs in parameter and binding vectors", sym.pos());
    }
    return new Node.Global(globals.cell(sym.name()), globals, sym.pos());
  }

  private Node vector(Form.VectorForm v, Scope s) {
    Node[] items = analyzeAll(v.items(), s);
    if (allConstant(items)) {
      Value[] values = new Value[items.length];
      for (int i = 0; i < items.length; i++) {
        values[i] = ((Node.Const) items[i]).value();
      }
      return new Node.Const(Vec.adopt(values), v.pos());
    }
    return new Node.VectorLit(items, v.pos());
  }

  private Node map(Form.MapForm m, Scope s) {
    int n = m.items().size() / 2;
    Value[] keys = new Value[n];
    Node[] values = new Node[n];
    Map<Value, Boolean> seen = new HashMap<>();
    for (int i = 0; i < n; i++) {
      Form k = m.items().get(2 * i);
      if (!(k instanceof Form.Atom a) || !Form.isMapKey(a.value())) {
        throw RtfsError.parse(
            "map keys must be keywords, strings or integers, found " + k.text(), k.pos());
      }
      if (seen.put(a.value(), true) != null) {
        throw RtfsError.parse("duplicate map key " + k.text(), k.pos());
      }
      keys[i] = a.value();
      values[i] = analyze(m.items().get(2 * i + 1), s);
    }
    if (allConstant(values)) {
      Dict.Builder b = Dict.builder();
      for (int i = 0; i < n; i++) {
        b.put(keys[i], ((Node.Const) values[i]).value());
      }
      return new Node.Const(b.build(), m.pos());
    }
    return new Node.MapLit(keys, values, m.pos());
  }

  // ---- Lists: special forms and calls ----

  private Node list(Form.ListForm l, Scope s) {
    List<Form> items = l.items();
    if (items.isEmpty()) {
      return new Node.Const(Vec.EMPTY, l.pos()); // () evaluates to [], as in the reference
    }
    if (items.get(0) instanceof Form.Sym head && s.resolve(head.name()) == null) {
      Node special = special(head.name(), l, s);
      if (special != null) {
        return special;
      }
    }
    return call(analyze(items.get(0), s), analyzeAll(items.subList(1, items.size()), s), l.pos());
  }

  private Node call(Node fn, Node[] args, SourcePos pos) {
    if (fn instanceof Node.Global g && args.length == 2) {
      Node intrinsic = Intrinsic.of(g.cell().name, g.cell(), args[0], args[1], pos);
      if (intrinsic != null) {
        return intrinsic;
      }
    }
    return fn instanceof Node.Global g
        ? new Node.CallGlobal(g, args, pos)
        : new Node.Call(fn, args, pos);
  }

  /** The node for a special form, or null when {@code name} names none. */
  private Node special(String name, Form.ListForm l, Scope s) {
    List<Form> args = l.items().subList(1, l.items().size());
    SourcePos pos = l.pos();
    return switch (name) {
      case "if" -> ifForm(args, s, pos);
      case "do" -> body(args, s, pos);
      case "let" -> let(args, s, pos);
      case "fn", "λ" -> fn(args, s, pos);
      case "def" -> def(args, s, pos);
      case "defn" -> defn(args, s, pos);
      case "match" -> ControlForms.match(this, patterns, args, s, pos);
      case "try" -> ControlForms.tryForm(this, args, s, pos);
      case "step" -> ControlForms.step(this, args, s, pos);
      case "and" -> new Node.And(analyzeAll(args, s), pos);
      case "or" -> new Node.Or(analyzeAll(args, s), pos);
      case "when", "when-not" -> when(name.equals("when-not"), args, s, pos);
      case "cond" -> cond(args, s, pos);
      case "->", "->>" -> analyze(Threading.rewrite(name, args, pos), s);
      case "call" ->
          args.isEmpty()
              ? null
              : new Node.CapabilityCall(
                  analyze(args.get(0), s), analyzeAll(args.subList(1, args.size()), s), pos);
      case "catch", "finally" ->
          throw RtfsError.parse("'" + name + "' only belongs inside a try form", pos);
      default ->
          name.length() > 1 && name.startsWith(".") && !name.startsWith("..")
              ? methodCall(name.substring(1), args, s, pos)
              : null;
    };
  }

  /** {@code (.getMessage e)} is sugar for {@code (getMessage e)}. */
  private Node methodCall(String fn, List<Form> args, Scope s, SourcePos pos) {
    return call(symbol(new Form.Sym(fn, pos), s), analyzeAll(args, s), pos);
  }

  private Node ifForm(List<Form> args, Scope s, SourcePos pos) {
    if (args.size() < 2 || args.size() > 3) {
      throw RtfsError.parse(
          "if takes a test, a then-branch and an optional else-branch: (if test then else);"
              + " found "
              + args.size()
              + " forms",
          pos);
    }
    Node otherwise = args.size() == 3 ? analyze(args.get(2), s) : new Node.Const(Value.NIL, pos);
    return new Node.If(analyze(args.get(0), s), analyze(args.get(1), s), otherwise, pos);
  }

  private Node when(boolean negated, List<Form> args, Scope s, SourcePos pos) {
    if (args.isEmpty()) {
      throw RtfsError.parse(
          (negated ? "when-not" : "when") + " needs a test: (when test body…)", pos);
    }
    Node test = analyze(args.get(0), s);
    Node body = body(args.subList(1, args.size()), s, pos);
    Node nil = new Node.Const(Value.NIL, pos);
    return negated ? new Node.If(test, nil, body, pos) : new Node.If(test, body, nil, pos);
  }

  private Node cond(List<Form> args, Scope s, SourcePos pos) {
    if (args.size() % 2 != 0) {
      throw RtfsError.parse(
          "cond takes pairs of test and expression: (cond test1 expr1 :else expr2);"
              + " the last test has no expression",
          pos);
    }
    Node result = new Node.Const(Value.NIL, pos);
    for (int i = args.size() - 2; i >= 0; i -= 2) {
      result =
          new Node.If(
              analyze(args.get(i), s), analyze(args.get(i + 1), s), result, args.get(i).pos());
    }
    return result;
  }

  // ---- let, fn, def, defn ----

  private Node let(List<Form> args, Scope s, SourcePos pos) {
    if (args.isEmpty() || !(args.get(0) instanceof Form.VectorForm bindingVector)) {
      throw RtfsError.parse("let needs a binding vector: (let [name value …] body…)", pos);
    }
    if (args.size() < 2) {
      throw RtfsError.parse("let needs a body after its bindings: (let [name value …] body…)", pos);
    }
    List<PatternCompiler.SplitBinding> split = PatternCompiler.splitBindings(bindingVector);
    Scope ls = s.block();
    int[] early =
        new int[split.size()]; // letrec: slots of function bindings, declared before their values
    for (int i = 0; i < early.length; i++) {
      early[i] = isFunctionBinding(split.get(i)) ? ls.frame.newSlot() : -1;
    }
    Node.Binding[] bindings = new Node.Binding[split.size()];
    for (int i = 0; i < bindings.length; i++) {
      PatternCompiler.SplitBinding b = split.get(i);
      Node value;
      Pattern pattern;
      if (early[i] >= 0) {
        ls.forward = functionNames(split, early, i);
        value = analyze(b.value(), ls);
        ls.forward = null;
        String name = ((Form.Sym) b.pattern()).name();
        ls.declare(name, early[i]);
        pattern = new Pattern.Bind(early[i]);
      } else {
        value = analyze(b.value(), ls);
        pattern = patterns.compile(b.pattern(), ls, Mode.BIND);
      }
      if (b.type() != null) {
        pattern = new Pattern.Typed(pattern, PatternCompiler.type(b.type()), b.pattern().text());
      }
      bindings[i] = new Node.Binding(pattern, b.pattern().text(), value);
    }
    return new Node.Let(bindings, body(args.subList(1, args.size()), ls, pos), pos);
  }

  private static boolean isFunctionBinding(PatternCompiler.SplitBinding b) {
    return b.pattern() instanceof Form.Sym sym
        && !sym.name().contains(":")
        && !sym.name().equals("_")
        && b.value() instanceof Form.ListForm l
        && !l.items().isEmpty()
        && (PatternCompiler.isSym(l.items().get(0), "fn")
            || PatternCompiler.isSym(l.items().get(0), "λ"));
  }

  /** The function bindings from {@code from} on, by name (the first of each name wins). */
  private static Map<String, Integer> functionNames(
      List<PatternCompiler.SplitBinding> split, int[] early, int from) {
    Map<String, Integer> out = new HashMap<>();
    for (int j = from; j < early.length; j++) {
      if (early[j] >= 0) {
        out.putIfAbsent(((Form.Sym) split.get(j).pattern()).name(), early[j]);
      }
    }
    return out;
  }

  private Node fn(List<Form> args, Scope s, SourcePos pos) {
    String self = !args.isEmpty() && args.get(0) instanceof Form.Sym sym ? sym.name() : null;
    int start = self == null ? 0 : 1;
    return new Node.FnNode(lambda(args, start, s, self == null ? "fn" : self, self, pos), pos);
  }

  /**
   * Analyzes {@code [params] :ret? body…} starting at {@code args[start]}. A named function ({@code
   * selfName}) can call itself through a slot of its own frame.
   */
  Lambda lambda(List<Form> args, int start, Scope s, String name, String selfName, SourcePos pos) {
    if (start >= args.size() || !(args.get(start) instanceof Form.VectorForm params)) {
      throw RtfsError.parse("fn needs a parameter vector: (fn [x y] body…)", pos);
    }
    Scope fs = s.function();
    int selfSlot = selfName == null ? -1 : fs.declare(selfName);
    PatternCompiler.Params p = patterns.params(params, fs);
    int bodyStart = start + 1;
    TypeExpr returnType = null;
    if (bodyStart + 1 < args.size() && PatternCompiler.isTypeForm(args.get(bodyStart))) {
      returnType = PatternCompiler.type(args.get(bodyStart));
      bodyStart++;
    }
    Node body = body(args.subList(bodyStart, args.size()), fs, pos);
    return new Lambda(
        name, p.fixed(), params.text(), p.rest(), selfSlot, fs.frame.size, returnType, body, pos);
  }

  private Node def(List<Form> args, Scope s, SourcePos pos) {
    if (args.size() < 2 || args.size() > 3 || !(args.get(0) instanceof Form.Sym sym)) {
      throw RtfsError.parse(
          "def takes a name, an optional type and a value: (def name value)", pos);
    }
    String name = sym.name();
    TypeExpr type = args.size() == 3 ? PatternCompiler.type(args.get(1)) : null;
    int colon = name.indexOf(':');
    if (type == null && colon > 0 && colon < name.length() - 1) { // (def x:int 1)
      type =
          PatternCompiler.type(new Form.Atom(Value.keyword(name.substring(colon + 1)), sym.pos()));
      name = name.substring(0, colon);
    }
    Form valueForm = args.get(args.size() - 1);
    if (s.topLevel) {
      return new Node.DefGlobal(globals.cell(name), type, analyze(valueForm, s), pos);
    }
    int slot = s.declare(name); // declared first, so a function value can refer to itself
    return new Node.DefLocal(slot, name, type, analyze(valueForm, s), pos);
  }

  private Node defn(List<Form> args, Scope s, SourcePos pos) {
    if (args.isEmpty() || !(args.get(0) instanceof Form.Sym sym)) {
      throw RtfsError.parse("defn needs a name: (defn name [params] body…)", pos);
    }
    int start = 1;
    if (args.size() > 2 && args.get(1) instanceof Form.Atom a && a.value() instanceof Value.Str) {
      start = 2; // docstring
    }
    if (s.topLevel) {
      Lambda l = lambda(args, start, s, sym.name(), null, pos);
      return new Node.DefGlobal(globals.cell(sym.name()), null, new Node.FnNode(l, pos), pos);
    }
    int slot = s.declare(sym.name());
    Lambda l = lambda(args, start, s, sym.name(), null, pos);
    return new Node.DefLocal(slot, sym.name(), null, new Node.FnNode(l, pos), pos);
  }

  // ---- Helpers ----

  /** A body: nil when empty, the form itself when alone, else a {@code do}. */
  Node body(List<Form> forms, Scope s, SourcePos pos) {
    if (forms.isEmpty()) {
      return new Node.Const(Value.NIL, pos);
    }
    if (forms.size() == 1) {
      return analyze(forms.get(0), s);
    }
    return new Node.Do(analyzeAll(forms, s), pos);
  }

  Node[] analyzeAll(List<Form> forms, Scope s) {
    Node[] out = new Node[forms.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = analyze(forms.get(i), s);
    }
    return out;
  }

  private static boolean allConstant(Node[] nodes) {
    for (Node n : nodes) {
      if (!(n instanceof Node.Const)) {
        return false;
      }
    }
    return true;
  }
}
