package dev.agora.rtfs.eval;

import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Evaluation;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import dev.agora.rtfs.types.TypeExpr;
import dev.agora.rtfs.types.Validator;
import java.util.Arrays;
import java.util.Map;

/**
 * A compiled binding or match pattern. {@link #bind} stores what it binds into frame slots and
 * answers whether the value fits; {@code let} and function parameters turn a misfit into a
 * TypeError, {@code match} tries the next clause.
 */
sealed interface Pattern {

  boolean bind(Value v, Frame f, Evaluation ev);

  /** A symbol: binds anything. */
  record Bind(int slot) implements Pattern {
    @Override
    public boolean bind(Value v, Frame f, Evaluation ev) {
      f.set(slot, v);
      return true;
    }
  }

  /** {@code _}: matches anything, binds nothing. */
  record Ignore() implements Pattern {
    @Override
    public boolean bind(Value v, Frame f, Evaluation ev) {
      return true;
    }
  }

  /** A literal in a {@code match} pattern: matches an equal value. */
  record Equals(Value literal) implements Pattern {
    @Override
    public boolean bind(Value v, Frame f, Evaluation ev) {
      return literal.equals(v);
    }
  }

  /**
   * A binding with a type annotation ({@code x:int}, {@code [x :int]}); a mismatch is a
   * ValidationError.
   */
  record Typed(Pattern inner, TypeExpr type, String name) implements Pattern {
    @Override
    public boolean bind(Value v, Frame f, Evaluation ev) {
      Node.checkType(type, "'" + name + "'", v, null);
      return inner.bind(v, f, ev);
    }
  }

  /** In {@code match}, {@code n:int} matches values of that type (and binds them). */
  record TypeTest(Pattern inner, TypeExpr type) implements Pattern {
    @Override
    public boolean bind(Value v, Frame f, Evaluation ev) {
      return Validator.conforms(type, v) && inner.bind(v, f, ev);
    }
  }

  /**
   * {@code [a b & rest :as all]}: a vector or list of exactly {@code items.length} items (at least
   * that many with {@code & rest}, which binds the remaining items as a vector).
   */
  record SeqPattern(Pattern[] items, Pattern rest, Pattern as) implements Pattern {
    @Override
    public boolean bind(Value v, Frame f, Evaluation ev) {
      if (!(v instanceof Seq seq)
          || seq.size() < items.length
          || (rest == null && seq.size() != items.length)) {
        return false;
      }
      for (int i = 0; i < items.length; i++) {
        if (!items[i].bind(seq.get(i), f, ev)) {
          return false;
        }
      }
      if (rest != null
          && !rest.bind(
              Vec.adopt(Arrays.copyOfRange(seq.toArray(), items.length, seq.size())), f, ev)) {
        return false;
      }
      return as == null || as.bind(v, f, ev);
    }
  }

  /**
   * {@code {:keys [a b] :k p name :key & rest :as m :or {a 1}}}. In {@code let} (and parameters) a
   * missing key binds its default or nil and other keys are fine; in {@code match} every key must
   * be present and, unless {@code & rest} is given, no other key may be (the reference's rule).
   */
  record MapPattern(
      Value[] keys, Pattern[] values, Node[] defaults, boolean matching, Pattern rest, Pattern as)
      implements Pattern {
    @Override
    public boolean bind(Value v, Frame f, Evaluation ev) {
      Dict d;
      if (v instanceof Dict dict) {
        d = dict;
      } else if (v instanceof Value.Nil && !matching) {
        d = Dict.EMPTY;
      } else {
        return false;
      }
      if (matching && rest == null && d.size() != keys.length) {
        return false;
      }
      for (int i = 0; i < keys.length; i++) {
        Value found = d.get(keys[i]);
        if (found == null) {
          if (matching) {
            return false;
          }
          found = defaults[i] == null ? Value.NIL : defaults[i].eval(f, ev);
        }
        if (!values[i].bind(found, f, ev)) {
          return false;
        }
      }
      if (rest != null && !rest.bind(remaining(d), f, ev)) {
        return false;
      }
      return as == null || as.bind(v, f, ev);
    }

    private Dict remaining(Dict d) {
      Dict.Builder b = Dict.builder();
      for (Map.Entry<Value, Value> e : d.asMap().entrySet()) {
        if (!Arrays.asList(keys).contains(e.getKey())) {
          b.put(e.getKey(), e.getValue());
        }
      }
      return b.build();
    }
  }
}
