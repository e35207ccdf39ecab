package dev.agora.rtfs.eval;

import dev.agora.rtfs.Dict;
import dev.agora.rtfs.ErrorKind;
import dev.agora.rtfs.RtfsError;
import dev.agora.rtfs.SourcePos;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.eval.PatternCompiler.Mode;
import dev.agora.rtfs.reader.Form;
import java.util.ArrayList;
import java.util.List;

/**
 * Analysis of the forms that steer evaluation: {@code match}, {@code try}/{@code catch}/{@code
 * finally} and {@code step}.
 */
final class ControlForms {

  private ControlForms() {}

  // ---- match ----

  /** {@code (match value pattern [when guard] expr …)}: flat clauses, each with its own scope. */
  static Node match(Analyzer a, PatternCompiler patterns, List<Form> args, Scope s, SourcePos pos) {
    if (args.size() < 3) {
      throw RtfsError.parse(
          "match needs a value and at least one clause: (match v pattern expr …)", pos);
    }
    Node subject = a.analyze(args.get(0), s);
    List<Node.Clause> clauses = new ArrayList<>();
    int i = 1;
    while (i < args.size()) {
      Form patternForm = args.get(i++);
      Scope cs = s.block();
      Pattern pattern = patterns.compile(patternForm, cs, Mode.MATCH);
      Node guard = null;
      if (i < args.size() && PatternCompiler.isSym(args.get(i), "when")) {
        if (i + 1 >= args.size()) {
          throw RtfsError.parse(
              "'when' in a match clause needs a guard expression", args.get(i).pos());
        }
        guard = a.analyze(args.get(i + 1), cs);
        i += 2;
      }
      if (i >= args.size()) {
        throw RtfsError.parse(
            "the match clause "
                + patternForm.text()
                + " at "
                + patternForm.pos().lineColumn()
                + " has no expression",
            patternForm.pos());
      }
      clauses.add(new Node.Clause(pattern, guard, a.analyze(args.get(i++), cs)));
    }
    return new Node.Match(subject, clauses.toArray(Node.Clause[]::new), pos);
  }

  // ---- try / catch / finally ----

  /**
   * {@code (try body… (catch Kind e handler…)… (finally cleanup…))}. {@code Kind} is an error kind
   * ({@code DivisionByZero}, {@code :CapabilityError} …) and catches that kind and its sub-kinds;
   * any other symbol ({@code Exception}, {@code _}, or the binding itself in {@code (catch e …)})
   * catches every error.
   */
  static Node tryForm(Analyzer a, List<Form> args, Scope s, SourcePos pos) {
    List<Form> body = new ArrayList<>();
    List<Node.Handler> handlers = new ArrayList<>();
    Node finallyBody = null;
    for (Form f : args) {
      String head = headName(f);
      if (finallyBody != null) {
        throw RtfsError.parse("finally must be the last form of a try", f.pos());
      }
      if ("catch".equals(head)) {
        handlers.add(handler(a, (Form.ListForm) f, s));
      } else if ("finally".equals(head)) {
        List<Form> items = ((Form.ListForm) f).items();
        if (items.size() < 2) {
          throw RtfsError.parse("finally needs a body: (finally cleanup…)", f.pos());
        }
        finallyBody = a.body(items.subList(1, items.size()), s, f.pos());
      } else if (!handlers.isEmpty()) {
        throw RtfsError.parse(
            "only catch and finally may follow the first catch of a try", f.pos());
      } else {
        body.add(f);
      }
    }
    if (handlers.isEmpty() && finallyBody == null) {
      throw RtfsError.parse(
          "try needs at least one catch or finally: (try body (catch e handler))", pos);
    }
    return new Node.Try(
        a.body(body, s, pos), handlers.toArray(Node.Handler[]::new), finallyBody, pos);
  }

  private static Node.Handler handler(Analyzer a, Form.ListForm c, Scope s) {
    List<Form> items = c.items();
    Form kindForm;
    Form.Sym binding;
    int bodyStart;
    if (items.size() >= 4
        && items.get(2) instanceof Form.Sym b
        && (items.get(1) instanceof Form.Sym || isKeyword(items.get(1)))) {
      kindForm = items.get(1);
      binding = b;
      bodyStart = 3;
    } else if (items.size() >= 3 && items.get(1) instanceof Form.Sym b) {
      kindForm = b;
      binding = b;
      bodyStart = 2;
    } else {
      throw RtfsError.parse(
          "catch takes an error kind, a name and a body: (catch TypeError e handler…)", c.pos());
    }
    ErrorKind kind = kind(kindForm);
    Scope hs = s.block();
    int slot = hs.declare(binding.name());
    return new Node.Handler(
        kind, slot, a.body(items.subList(bodyStart, items.size()), hs, c.pos()));
  }

  /** The kind a catch names; null (every kind) for a symbol that names no kind. */
  private static ErrorKind kind(Form f) {
    if (f instanceof Form.Atom atom && atom.value() instanceof Value.Keyword k) {
      ErrorKind kind = ErrorKind.byName(k.name());
      if (kind == null) {
        throw RtfsError.parse(
            "unknown error kind :"
                + k.name()
                + "; kinds include :TypeError :DivisionByZero"
                + " :CapabilityError :NotFound :AccessDenied :Timeout",
            f.pos());
      }
      return kind;
    }
    return ErrorKind.byName(((Form.Sym) f).name());
  }

  // ---- step ----

  /**
   * {@code (step "name" [:params {…}] [:expose-context b] [:context-keys […]] body…)}. Options come
   * right after the name; {@code %params} is bound for the body only. {@code (step :info "msg")} is
   * a log line, as in the reference.
   */
  static Node step(Analyzer a, List<Form> args, Scope s, SourcePos pos) {
    if (!args.isEmpty() && isKeyword(args.get(0))) {
      return new Node.Call(a.analyze(new Form.Sym("log-step", pos), s), a.analyzeAll(args, s), pos);
    }
    if (args.isEmpty()
        || !(args.get(0) instanceof Form.Atom nameAtom)
        || !(nameAtom.value() instanceof Value.Str name)) {
      throw RtfsError.parse("step needs a name string first: (step \"fetch\" body…)", pos);
    }
    int i = 1;
    Node params = null;
    Dict.Builder options = Dict.builder();
    while (i + 1 < args.size()
        && args.get(i) instanceof Form.Atom opt
        && opt.value() instanceof Value.Keyword k
        && (k.name().equals("params")
            || k.name().equals("expose-context")
            || k.name().equals("context-keys"))) {
      Form value = args.get(i + 1);
      if (k.name().equals("params")) {
        params = params(a, value, s);
      } else {
        options.put(k, value.toValue());
      }
      i += 2;
    }
    Scope bodyScope = s;
    int paramsSlot = -1;
    if (params != null) {
      bodyScope = s.block();
      paramsSlot = bodyScope.declare("%params");
    }
    Node body = a.body(args.subList(i, args.size()), bodyScope, pos);
    return new Node.Step(name.value(), params, paramsSlot, options.build(), body, pos);
  }

  private static Node params(Analyzer a, Form value, Scope s) {
    if (!(value instanceof Form.MapForm m)) {
      throw RtfsError.parse(":params needs a map, such as :params {\"city\" city}", value.pos());
    }
    return a.analyze(m, s); // evaluated in the enclosing scope
  }

  private static String headName(Form f) {
    return f instanceof Form.ListForm l
            && !l.items().isEmpty()
            && l.items().get(0) instanceof Form.Sym sym
        ? sym.name()
        : null;
  }

  private static boolean isKeyword(Form f) {
    return f instanceof Form.Atom a && a.value() instanceof Value.Keyword;
  }
}
