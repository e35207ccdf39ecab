package dev.agora.rtfs.eval;

import static dev.agora.rtfs.Rtfs.fails;
import static dev.agora.rtfs.Rtfs.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.rtfs.ErrorKind;
import dev.agora.rtfs.RtfsError;
import dev.agora.rtfs.SourcePos;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SpecialFormsTest {

  @Nested
  class Let {
    @Test
    void bindings_are_sequential() {
      assertThat(run("(let [x 1 y (+ x 1) x (* y 10)] [x y])")).isEqualTo("[20 2]");
      assertThat(run("(let [] 42)")).isEqualTo("42");
      assertThat(run("(let [x 1] (let [x 2] x))")).isEqualTo("2");
    }

    @Test
    void a_keyword_value_is_a_value_not_a_type() {
      assertThat(run("(let [status :ok] status)")).isEqualTo(":ok");
      assertThat(run("(let [a :x b :y] [a b])")).isEqualTo("[:x :y]");
    }

    @Test
    void type_annotations_are_checked() {
      assertThat(run("(let [x :int 10 y:string \"a\"] [x y])")).isEqualTo("[10 \"a\"]");
      RtfsError e = fails("(let [x :int \"ten\"] x)", ErrorKind.ValidationError);
      assertThat(e.getMessage())
          .isEqualTo("'x' must be :int: at []: expected :int, found \"ten\" (string)");
      assertThat(run("(let [v [:vector :int] [1 2]] v)")).isEqualTo("[1 2]");
    }

    @Test
    void vector_destructuring() {
      assertThat(run("(let [[a b] [1 2]] (+ a b))")).isEqualTo("3");
      assertThat(run("(let [[a & more] [1 2 3]] more)")).isEqualTo("[2 3]");
      assertThat(run("(let [[_ b :as all] [1 2]] [b all])")).isEqualTo("[2 [1 2]]");
      assertThat(run("(let [[[a] {:keys [b]}] [[1] {:b 2}]] [a b])")).isEqualTo("[1 2]");
      RtfsError e = fails("(let [[a b] [1 2 3]] a)", ErrorKind.TypeError);
      assertThat(e.getMessage()).isEqualTo("cannot bind [1 2 3] (vector) to the pattern [a b]");
      assertThat(e.pos()).isEqualTo(new SourcePos("t.rtfs", 1, 13));
      fails("(let [[a] 5] a)", ErrorKind.TypeError);
    }

    @Test
    void map_destructuring() {
      assertThat(run("(let [{:keys [a b]} {:a 1 :b 2}] (+ a b))")).isEqualTo("3");
      assertThat(run("(let [{:keys [a missing]} {:a 1}] [a missing])")).isEqualTo("[1 nil]");
      assertThat(run("(let [{:strs [a]} {\"a\" 5}] a)")).isEqualTo("5");
      assertThat(run("(let [{n :name} {:name \"x\"}] n)")).isEqualTo("\"x\"");
      assertThat(run("(let [{:name n} {:name \"x\"}] n)")).isEqualTo("\"x\"");
      assertThat(run("(let [{:keys [a] :as m} {:a 1 :b 2}] [a m])")).isEqualTo("[1 {:a 1 :b 2}]");
      assertThat(run("(let [{:keys [a] & rest} {:a 1 :b 2}] rest)")).isEqualTo("{:b 2}");
      assertThat(run("(let [{:keys [a b] :or {b 7}} {:a 1}] [a b])")).isEqualTo("[1 7]");
      assertThat(run("(let [{:keys [a]} nil] a)")).isEqualTo("nil");
      fails("(let [{:keys [a]} [1]] a)", ErrorKind.TypeError);
    }

    @Test
    void functions_bound_in_a_let_see_each_other() {
      assertThat(run("(let [f (fn [n] (if (= n 0) :done (f (- n 1))))] (f 5))")).isEqualTo(":done");
      assertThat(
              run(
                  """
          (let [even? (fn [n] (if (= n 0) true (odd? (- n 1))))
                odd?  (fn [n] (if (= n 0) false (even? (- n 1))))]
            [(even? 10) (odd? 7)])"""))
          .isEqualTo("[true true]");
      assertThat(run("(let [x 2 f (fn [] (* x (g))) g (fn [] 3)] (f))")).isEqualTo("6");
    }

    @Test
    void malformed_lets_are_parse_errors() {
      assertThat(fails("(let x 1)", ErrorKind.ParseError).getMessage())
          .isEqualTo("let needs a binding vector: (let [name value …] body…)");
      assertThat(fails("(let [x 1])", ErrorKind.ParseError).getMessage())
          .isEqualTo("let needs a body after its bindings: (let [name value …] body…)");
      assertThat(fails("(let [x] x)", ErrorKind.ParseError).getMessage())
          .isEqualTo(
              "let bindings come in pairs of a name and a value; the last name has no value");
      assertThat(fails("(let [1 2] 3)", ErrorKind.ParseError).getMessage())
          .isEqualTo(
              "let bindings come in pairs of a name (or destructuring pattern) and a value; 1 at 1:7 is not a name");
      fails("(let [(a) 1] a)", ErrorKind.ParseError);
    }
  }

  @Nested
  class IfDoAndTruthiness {
    @Test
    void only_nil_and_false_are_falsy() {
      assertThat(
              run(
                  "[(if 0 :t :f) (if \"\" :t :f) (if [] :t :f) (if {} :t :f) (if nil :t :f) (if false :t :f)]"))
          .isEqualTo("[:t :t :t :t :f :f]");
      assertThat(run("(if false 1)")).isEqualTo("nil");
    }

    @Test
    void do_runs_in_order_and_shares_the_scope() {
      assertThat(run("(do (def x 1) (def y (+ x 1)) y)")).isEqualTo("2");
      assertThat(run("(do)")).isEqualTo("nil");
    }

    @Test
    void and_or_short_circuit_and_return_booleans() {
      assertThat(run("[(and) (and 1 2) (and 1 nil) (or) (or nil 2) (or false nil)]"))
          .isEqualTo("[true true false false true false]");
      assertThat(run("(and false (/ 1 0))")).isEqualTo("false");
      assertThat(run("(or true (/ 1 0))")).isEqualTo("true");
      assertThat(run("(reduce or false [false nil 1])"))
          .as("and/or are also functions")
          .isEqualTo("true");
    }

    @Test
    void when_cond_and_threading() {
      assertThat(run("[(when true 1 2) (when false 1) (when-not false 3)]")).isEqualTo("[2 nil 3]");
      assertThat(run("(cond (< 2 1) :a (= 1 1) :b :else :c)")).isEqualTo(":b");
      assertThat(run("(cond false 1)")).isEqualTo("nil");
      assertThat(run("(-> {:a 1} (assoc :b 2) (update :a inc) keys)")).isEqualTo("[:a :b]");
      assertThat(run("(->> [1 2 3] (map inc) (filter odd?) (reduce +))")).isEqualTo("3");
      fails("(cond true)", ErrorKind.ParseError);
      fails("(if)", ErrorKind.ParseError);
      fails("(if 1 2 3 4)", ErrorKind.ParseError);
    }
  }

  @Nested
  class Functions {
    @Test
    void fixed_and_rest_arity() {
      assertThat(run("((fn [a b] (- a b)) 5 3)")).isEqualTo("2");
      assertThat(run("((fn [a & more] [a more]) 1 2 3)")).isEqualTo("[1 [2 3]]");
      assertThat(run("((fn [& xs] xs))")).isEqualTo("[]");
      assertThat(run("((λ [x] (* x x)) 4)")).isEqualTo("16");
      assertThat(run("((fn [[a b] {:keys [c]}] (+ a b c)) [1 2] {:c 3})")).isEqualTo("6");
    }

    @Test
    void arity_is_checked() {
      RtfsError e = fails("(defn f [a b] a) (f 1)", ErrorKind.ArityError);
      assertThat(e.getMessage()).isEqualTo("'f' takes 2 arguments, got 1");
      assertThat(e.pos()).isEqualTo(new SourcePos("t.rtfs", 1, 18));
      assertThat(fails("((fn [a & r] a))", ErrorKind.ArityError).getMessage())
          .isEqualTo("'fn' takes at least 1 argument, got 0");
      fails("((fn [] 1) 2)", ErrorKind.ArityError);
    }

    @Test
    void closures_capture_their_environment() {
      assertThat(run("(defn adder [n] (fn [x] (+ x n))) ((adder 10) 5)")).isEqualTo("15");
      assertThat(run("(let [fs (map (fn [i] (fn [] i)) [1 2 3])] (map (fn [f] (f)) fs))"))
          .isEqualTo("[1 2 3]");
    }

    @Test
    void keywords_and_return_types_after_params() {
      assertThat(run("((fn [x] :ok) 1)")).isEqualTo(":ok");
      assertThat(run("((fn [x] :int (* x 2)) 4)")).isEqualTo("8");
      RtfsError e = fails("(defn f [x] :string (* x 2)) (f 4)", ErrorKind.ValidationError);
      assertThat(e.getMessage())
          .isEqualTo(
              "the result of 'f' must be :string: at []: expected :string, found 8 (integer)");
    }

    @Test
    void parameter_annotations_are_checked() {
      assertThat(run("((fn [x :int y:string] [x y]) 1 \"a\")")).isEqualTo("[1 \"a\"]");
      RtfsError e = fails("((fn [x:int] x) \"no\")", ErrorKind.ValidationError);
      assertThat(e.getMessage()).contains("'x' must be :int");
    }

    @Test
    void named_fn_can_recurse() {
      assertThat(run("((fn fact [n] (if (<= n 1) 1 (* n (fact (- n 1))))) 10)"))
          .isEqualTo("3628800");
    }

    @Test
    void defn_self_and_mutual_recursion() {
      assertThat(run("(defn fib [n] (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2))))) (fib 20)"))
          .isEqualTo("6765");
      assertThat(
              run(
                  """
          (defn ping [n] (if (= n 0) :ping (pong (- n 1))))
          (defn pong [n] (if (= n 0) :pong (ping (- n 1))))
          [(ping 4) (ping 3)]"""))
          .isEqualTo("[:ping :pong]");
      assertThat(run("(defn f \"docstring\" [x] x) (f 3)")).isEqualTo("3");
    }

    @Test
    void def_returns_the_value_and_redefinition_replaces() {
      assertThat(run("(def x 1)")).isEqualTo("1");
      assertThat(run("(def x 1) (defn get-x [] x) (def x 2) (get-x)")).isEqualTo("2");
      assertThat(run("(def n:int 3) n")).isEqualTo("3");
      assertThat(run("(def n :int 3) n")).isEqualTo("3");
      fails("(def n :int \"x\")", ErrorKind.ValidationError);
    }

    @Test
    void def_inside_a_function_is_local() {
      assertThat(run("(defn f [] (def y 5) (defn g [] (* y 2)) (g)) [(f) (f)]"))
          .isEqualTo("[10 10]");
      RtfsError e = fails("(defn f [] (def y 5) y) (f) y", ErrorKind.UndefinedSymbol);
      assertThat(e.getMessage()).isEqualTo("undefined symbol 'y'");
    }

    @Test
    void malformed_functions() {
      assertThat(fails("(fn x)", ErrorKind.ParseError).getMessage())
          .isEqualTo("fn needs a parameter vector: (fn [x y] body…)");
      fails("(defn [x] x)", ErrorKind.ParseError);
      fails("(fn [a & b c] a)", ErrorKind.ParseError);
      fails("(fn [a & b & c] a)", ErrorKind.ParseError);
      fails("(def)", ErrorKind.ParseError);
      fails("(def 1 2)", ErrorKind.ParseError);
    }
  }

  @Nested
  class Match {
    @Test
    void literals_keywords_and_wildcard() {
      assertThat(run("(match 2 1 :one 2 :two _ :many)")).isEqualTo(":two");
      assertThat(run("(match :leaf :node 1 :leaf 2)")).isEqualTo("2");
      assertThat(run("(match \"x\" \"y\" 1 \"x\" 2)")).isEqualTo("2");
      assertThat(run("(match nil nil :none _ :some)")).isEqualTo(":none");
      assertThat(run("(match 1.0 1 :int 1.0 :float)")).isEqualTo(":float");
    }

    @Test
    void symbols_bind() {
      assertThat(run("(match 5 n (* n 2))")).isEqualTo("10");
    }

    @Test
    void vector_patterns() {
      assertThat(run("(match [1 2] [a b] (+ a b))")).isEqualTo("3");
      assertThat(run("(match [1 2 3] [a b] :two [a & r] r)")).isEqualTo("[2 3]");
      assertThat(run("(match [:add 1 2] [:sub a b] (- a b) [:add a b] (+ a b))")).isEqualTo("3");
      assertThat(run("(match [] [] :empty _ :other)")).isEqualTo(":empty");
    }

    @Test
    void map_patterns_need_exactly_their_keys_unless_rest() {
      assertThat(run("(match {:status :ok :data 5} {:status :ok :data d} d _ :no)")).isEqualTo("5");
      assertThat(run("(match {:name \"A\" :age 1} {:name n} n _ :no)")).isEqualTo(":no");
      assertThat(run("(match {:name \"A\" :age 1} {:name n & rest} [n rest])"))
          .isEqualTo("[\"A\" {:age 1}]");
      assertThat(run("(match {:a 1} {:b x} x _ :missing)")).isEqualTo(":missing");
      assertThat(
              run(
                  "(match {:status :error :message \"m\"} {:status :ok & _} :ok {:status :error :message m} m)"))
          .isEqualTo("\"m\"");
    }

    @Test
    void guards() {
      assertThat(run("(match 15 n when (> n 10) :big n :small)")).isEqualTo(":big");
      assertThat(run("(match 5 n when (> n 10) :big n :small)")).isEqualTo(":small");
    }

    @Test
    void typed_symbols_match_by_type() {
      assertThat(
              run(
                  "(defn kind [v] (match v n:int :int s:string :string _ :other)) [(kind 1) (kind \"a\") (kind nil)]"))
          .isEqualTo("[:int :string :other]");
    }

    @Test
    void no_match_is_an_error_naming_the_value() {
      RtfsError e = fails("(match 3 1 :a 2 :b)", ErrorKind.MatchError);
      assertThat(e.getMessage()).isEqualTo("no match clause matches 3 (integer)");
      assertThat(e.pos()).isEqualTo(new SourcePos("t.rtfs", 1, 1));
      fails("(match 1)", ErrorKind.ParseError);
      assertThat(fails("(match 1 2)", ErrorKind.ParseError).getMessage())
          .isEqualTo("match needs a value and at least one clause: (match v pattern expr …)");
      assertThat(fails("(match 1 2 :x 3)", ErrorKind.ParseError).getMessage())
          .isEqualTo("the match clause 3 at 1:15 has no expression");
    }
  }

  @Nested
  class TryCatch {
    @Test
    void catch_by_kind_and_by_any_symbol() {
      assertThat(run("(try (/ 1 0) (catch DivisionByZero e (:message e)))"))
          .isEqualTo("\"Division by zero\"");
      assertThat(run("(try (/ 1 0) (catch :DivisionByZero e :caught))")).isEqualTo(":caught");
      assertThat(run("(try (/ 1 0) (catch Exception e :any))")).isEqualTo(":any");
      assertThat(run("(try (/ 1 0) (catch e (:type e)))")).isEqualTo(":DivisionByZero");
      assertThat(run("(try (/ 1 0) (catch TypeError e :type) (catch DivisionByZero e :div))"))
          .isEqualTo(":div");
      assertThat(run("(try (undefined-thing) (catch UndefinedSymbol e (getMessage e)))"))
          .isEqualTo("\"undefined symbol 'undefined-thing'\"");
      assertThat(run("(try (+ 1 \"a\") (catch e (.getMessage e)))"))
          .isEqualTo("\"'+' expects a number, got \\\"a\\\" (string)\"");
    }

    @Test
    void an_uncaught_kind_passes_through() {
      fails("(try (/ 1 0) (catch TypeError e :no))", ErrorKind.DivisionByZero);
    }

    @Test
    void parent_kinds_catch_their_children() {
      assertThat(run("(try (let [x :int \"s\"] x) (catch TypeError e (:type e)))"))
          .isEqualTo(":ValidationError");
    }

    @Test
    void finally_runs_on_both_paths_and_its_value_is_discarded() {
      assertThat(run("(def log []) (try 1 (finally (def log (conj log :f)))) log"))
          .isEqualTo("[:f]");
      assertThat(
              run(
                  "(def log []) (try (try (/ 1 0) (finally (def log (conj log :f)))) (catch e log))"))
          .isEqualTo("[:f]");
      assertThat(run("(try 1 (finally 2))")).isEqualTo("1");
    }

    @Test
    void an_error_in_finally_replaces_the_result() {
      fails("(try 1 (finally (/ 1 0)))", ErrorKind.DivisionByZero);
    }

    @Test
    void throw_and_rethrow() {
      assertThat(run("(try (throw \"boom\") (catch Thrown e (:message e)))")).isEqualTo("\"boom\"");
      assertThat(
              run(
                  "(try (throw {:message \"m\" :code 7}) (catch e [(:message e) (:code (:data e))]))"))
          .isEqualTo("[\"m\" 7]");
      assertThat(run("(try (throw (Exception. \"ex\")) (catch e (getMessage e)))"))
          .isEqualTo("\"ex\"");
      assertThat(run("(try (try (/ 1 0) (catch e (throw e))) (catch DivisionByZero e :rethrown))"))
          .isEqualTo(":rethrown");
      assertThat(run("(try (throw 42) (catch e (:data e)))")).isEqualTo("42");
    }

    @Test
    void the_caught_error_is_a_value() {
      assertThat(run("(try (/ 1 0) (catch e [(error? e) (:line e) (:column e)]))"))
          .isEqualTo("[true 1 6]");
    }

    @Test
    void malformed_try() {
      assertThat(fails("(try 1)", ErrorKind.ParseError).getMessage())
          .isEqualTo("try needs at least one catch or finally: (try body (catch e handler))");
      fails("(try 1 (catch e 1) 2)", ErrorKind.ParseError);
      fails("(try 1 (finally 1) (catch e 2))", ErrorKind.ParseError);
      fails("(try 1 (catch :NoSuchKind e 1))", ErrorKind.ParseError);
      fails("(catch e 1)", ErrorKind.ParseError);
      fails("(try 1 (catch 1 2))", ErrorKind.ParseError);
    }
  }

  @Nested
  class Keywords {
    @Test
    void keywords_look_up_maps() {
      assertThat(run("(:a {:a 1})")).isEqualTo("1");
      assertThat(run("(:b {:a 1})")).isEqualTo("nil");
      assertThat(run("(:b {:a 1} :default)")).isEqualTo(":default");
      assertThat(run("(:a nil)")).isEqualTo("nil");
      assertThat(run("(map :name [{:name \"x\"} {:name \"y\"}])")).isEqualTo("[\"x\" \"y\"]");
      fails("(:a 5)", ErrorKind.TypeError);
      fails("(:a)", ErrorKind.ArityError);
    }

    @Test
    void calling_a_non_function_is_a_type_error() {
      assertThat(fails("(1 2)", ErrorKind.TypeError).getMessage())
          .isEqualTo("cannot call 1 (integer): only functions and keywords can be called");
      assertThat(run("((if true + -) 5 3)")).isEqualTo("8");
      assertThat(run("()")).isEqualTo("[]");
    }
  }
}
