package dev.agora.rtfs.stdlib;

import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Err;
import dev.agora.rtfs.Fn;
import dev.agora.rtfs.Lst;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.util.function.Predicate;

/** Type predicates, and {@code not} (the one boolean operator that is a plain function). */
final class Predicates {

  private Predicates() {}

  static void register(Stdlib.Registry r) {
    is(r, "nil?", v -> v instanceof Value.Nil);
    is(r, "some?", v -> !(v instanceof Value.Nil));
    is(r, "string?", v -> v instanceof Value.Str);
    is(r, "int?", v -> v instanceof Value.Int);
    r.alias("integer?", "int?");
    is(r, "float?", v -> v instanceof Value.Real);
    is(r, "number?", v -> v instanceof Value.Int || v instanceof Value.Real);
    is(r, "bool?", v -> v instanceof Value.Bool);
    r.alias("boolean?", "bool?");
    is(r, "keyword?", v -> v instanceof Value.Keyword);
    is(r, "symbol?", v -> v instanceof Value.Symbol);
    is(r, "map?", v -> v instanceof Dict);
    is(r, "vector?", v -> v instanceof Vec);
    is(r, "list?", v -> v instanceof Lst);
    is(r, "coll?", v -> v instanceof Seq || v instanceof Dict);
    is(r, "fn?", v -> v instanceof Fn);
    is(r, "error?", v -> v instanceof Err);
    is(r, "true?", v -> v.equals(Value.TRUE));
    is(r, "false?", v -> v.equals(Value.FALSE));
    r.fn("not", 1, 1, (a, ev) -> Value.of(!a[0].truthy()));
    // The function forms of and/or, for (reduce and …); in call position they are short-circuiting
    // special forms.
    r.fn(
        "and",
        0,
        dev.agora.rtfs.Builtin.VARIADIC,
        (a, ev) -> {
          for (Value v : a) {
            if (!v.truthy()) {
              return Value.FALSE;
            }
          }
          return Value.TRUE;
        });
    r.fn(
        "or",
        0,
        dev.agora.rtfs.Builtin.VARIADIC,
        (a, ev) -> {
          for (Value v : a) {
            if (v.truthy()) {
              return Value.TRUE;
            }
          }
          return Value.FALSE;
        });
  }

  private static void is(Stdlib.Registry r, String name, Predicate<Value> test) {
    r.fn(name, 1, 1, (a, ev) -> Value.of(test.test(a[0])));
  }
}
