package dev.agora.rtfs.eval;

import static dev.agora.rtfs.Rtfs.fails;
import static dev.agora.rtfs.Rtfs.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.rtfs.ErrorKind;
import dev.agora.rtfs.RtfsError;
import dev.agora.rtfs.SourcePos;
import org.junit.jupiter.api.Test;

/** The inline integer operations behave exactly like the builtins they stand for. */
class IntrinsicTest {

  @Test
  void integer_results() {
    assertThat(
            run(
                "[(+ 2 3) (- 2 3) (* 4 5) (mod -7 3) (= 1 1) (not= 1 2) (< 1 2) (> 1 2) (<= 2 2) (>= 1 2)]"))
        .isEqualTo("[5 -1 20 2 true true true false true false]");
  }

  @Test
  void overflow_and_division_by_zero_are_the_builtins_errors_at_the_call() {
    RtfsError add = fails("(let [x 9223372036854775807]\n  (+ x 1))", ErrorKind.IntegerOverflow);
    assertThat(add.pos()).isEqualTo(new SourcePos("t.rtfs", 2, 3));
    fails("(- -9223372036854775808 1)", ErrorKind.IntegerOverflow);
    fails("(* 3037000500 3037000500)", ErrorKind.IntegerOverflow);
    fails("(* -9223372036854775808 -1)", ErrorKind.IntegerOverflow);
    assertThat(run("(* -3037000499 3037000499)")).isEqualTo("-9223372030926249001");
    RtfsError mod = fails("(mod 1 0)", ErrorKind.DivisionByZero);
    assertThat(mod.pos()).isEqualTo(new SourcePos("t.rtfs", 1, 1));
  }

  @Test
  void other_types_take_the_builtin_path() {
    assertThat(run("[(+ 1 2.5) (< \"a\" \"b\") (= [1] [1]) (= 1 1.0) (mod 7.5 2)]"))
        .isEqualTo("[3.5 true true false 1.5]");
    assertThat(fails("(+ 1 \"a\")", ErrorKind.TypeError).getMessage())
        .isEqualTo("'+' expects a number, got \"a\" (string)");
  }

  @Test
  void a_redefined_global_is_respected() {
    assertThat(run("(defn f [a b] (+ a b)) (def + (fn [a b] (str a \"+\" b))) (f 1 2)"))
        .isEqualTo("\"1+2\"");
    assertThat(run("(def = not=) (= 1 1)")).isEqualTo("false");
    assertThat(fails("(def * nil) (* 2 3)", ErrorKind.TypeError).getMessage())
        .isEqualTo("cannot call nil (nil): only functions and keywords can be called");
  }

  @Test
  void a_local_of_the_same_name_is_respected() {
    assertThat(run("(let [+ -] (+ 5 3))")).isEqualTo("2");
    assertThat(run("((fn [< ] (< 1 2)) >)")).isEqualTo("false");
  }
}
