package dev.agora.rtfs.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.rtfs.ErrorKind;
import dev.agora.rtfs.Rtfs;
import dev.agora.rtfs.stdlib.Stdlib;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every builtin, as a table: {@code expression => printed result} or {@code expression !!
 * ErrorKind}. A final test checks that the table names every builtin, so a new one cannot go
 * untested.
 */
class StdlibTest {

  private static final String CASES =
      """
      ;; arithmetic: integers stay exact, a float anywhere makes a float
      (+) => 0
      (+ 1 2 3) => 6
      (+ 1 2.5) => 3.5
      (+ 9223372036854775807 1) !! IntegerOverflow
      (+ 1 "a") !! TypeError
      (- 5) => -5
      (- 10 3 2) => 5
      (- 1.5 0.5) => 1.0
      (- -9223372036854775808 1) !! IntegerOverflow
      (*) => 1
      (* 2 3 4) => 24
      (* 2 1.5) => 3.0
      (* 4611686018427387904 2) !! IntegerOverflow
      (/ 6 2) => 3
      (/ 7 2) => 3.5
      (/ 6.0 2) => 3
      (/ 1 3.0) => 0.3333333333333333
      (/ 2) => 0.5
      (/ 60 2 3) => 10
      (/ 1 0) !! DivisionByZero
      (/ 1.0 0.0) !! DivisionByZero
      (/ -9223372036854775808 -1) !! IntegerOverflow
      (mod 7 3) => 1
      (mod -7 3) => 2
      (mod 7 -3) => -2
      (mod 7.5 2) => 1.5
      (mod 1 0) !! DivisionByZero
      (rem -7 3) => -1
      (rem 7 0) !! DivisionByZero
      (quot 7 2) => 3
      (quot -7 2) => -3
      (quot 1 0) !! DivisionByZero
      (inc 1) => 2
      (inc 1.5) => 2.5
      (inc 9223372036854775807) !! IntegerOverflow
      (dec 1) => 0
      (abs -3) => 3
      (abs -2.5) => 2.5
      (abs -9223372036854775808) !! IntegerOverflow
      (max 1 5 3) => 5
      (max 1 2.5) => 2.5
      (min 4 2 8) => 2
      (min "a") !! TypeError
      (sqrt 16) => 4.0
      (pow 2 10) => 1024.0
      (floor 2.7) => 2
      (ceil 2.1) => 3
      (round 2.5) => 2
      (round 3.5) => 4
      (floor ##NaN) !! InvalidArgument
      (int 3.9) => 3
      (int -3.9) => -3
      (int 7) => 7
      (int "7") !! TypeError
      (float 3) => 3.0
      ;; comparison: = is type-strict, == compares numbers
      (= 1 1) => true
      (= 1 1.0) => false
      (= [1 2] [1 2]) => true
      (= [1] '(1)) !! ParseError
      (= {:a 1 :b 2} {:b 2 :a 1}) => true
      (= 1 1 1) => true
      (= 1 1 2) => false
      (= 1) => true
      (not= 1 2) => true
      (not= 1 1) => false
      (== 1 1.0) => true
      (== 1 2) => false
      (< 1 2) => true
      (< 1 2 3) => true
      (< 1 3 2) => false
      (< 1 1.5) => true
      (< "a" "b") => true
      (< :a :b) => true
      (< 1 "a") !! TypeError
      (< ##NaN 1) => false
      (> 3 2) => true
      (> "b" "a") => true
      (<= 2 2) => true
      (<= ##NaN 1) => false
      (>= 1 2) => false
      (>= 2.5 2) => true
      (compare 1 2) => -1
      (compare "b" "a") => 1
      (zero? 0) => true
      (zero? 0.0) => true
      (pos? 1) => true
      (neg? -1) => true
      (even? 4) => true
      (odd? 4) => false
      (even? 1.5) !! TypeError
      ;; sequences
      (count [1 2 3]) => 3
      (count {:a 1}) => 1
      (count "héllo") => 5
      (count nil) !! TypeError
      (count 5) !! TypeError
      (empty? []) => true
      (empty? nil) => true
      (empty? "") => true
      (empty? {:a 1}) => false
      (empty? 5) => false
      (not-empty []) => nil
      (not-empty [1]) => [1]
      (first [1 2]) => 1
      (first []) => nil
      (first nil) => nil
      (first "abc") => "a"
      (first {:a 1}) => [:a 1]
      (second [1 2]) => 2
      (last [1 2 3]) => 3
      (last []) => nil
      (rest [1 2 3]) => [2 3]
      (rest []) => []
      (rest nil) => []
      (rest "abc") => "bc"
      (rest (list 1 2)) => (2)
      (butlast [1 2 3]) => [1 2]
      (nth [10 20] 1) => 20
      (nth [10 20] 5) !! IndexOutOfBounds
      (nth [10 20] 5 :none) => :none
      (nth "abc" 2) => "c"
      (nth [1] "a") !! TypeError
      (vector 1 2) => [1 2]
      (vector) => []
      (list 1 2) => (1 2)
      (vec (list 1 2)) => [1 2]
      (vec {:a 1}) => [[:a 1]]
      (conj [1 2] 3 4) => [1 2 3 4]
      (conj (list 1 2) 0) => (0 1 2)
      (conj nil 1) => [1]
      (conj {:a 1} [:b 2]) => {:a 1 :b 2}
      (conj {:a 1} :b 2) => {:a 1 :b 2}
      (conj {:a 1} {:c 3}) => {:a 1 :c 3}
      (conj {:a 1} 5) !! TypeError
      (cons 0 [1 2]) => [0 1 2]
      (cons 0 nil) => [0]
      (concat [1] (list 2) nil [3]) => [1 2 3]
      (concat) => []
      (into [1] [2 3]) => [1 2 3]
      (into {} [[:a 1] [:b 2]]) => {:a 1 :b 2}
      (into {:a 1} {:b 2}) => {:a 1 :b 2}
      (into nil [1]) => [1]
      (take 2 [1 2 3]) => [1 2]
      (take 5 [1]) => [1]
      (take -1 [1]) => []
      (drop 1 [1 2 3]) => [2 3]
      (drop 9 [1]) => []
      (subvec [1 2 3 4] 1 3) => [2 3]
      (subvec [1 2 3] 1) => [2 3]
      (subvec [1 2] 1 5) !! IndexOutOfBounds
      (reverse [1 2 3]) => [3 2 1]
      (reverse "ab") => ["b" "a"]
      (distinct [1 2 1 3 2]) => [1 2 3]
      (flatten [1 [2 [3 (list 4)]] 5]) => [1 2 3 4 5]
      (range 4) => [0 1 2 3]
      (range 2 5) => [2 3 4]
      (range 10 0 -3) => [10 7 4 1]
      (range 0 1 0.25) => [0.0 0.25 0.5 0.75]
      (range 5 1) => []
      (range 0 5 0) !! InvalidArgument
      (range "a") !! TypeError
      (repeat 3 :x) => [:x :x :x]
      (partition 2 [1 2 3 4 5]) => [[1 2] [3 4]]
      (partition 0 [1]) !! InvalidArgument
      ;; maps
      (get {:a 1} :a) => 1
      (get {:a 1} :b) => nil
      (get {:a 1} :b 0) => 0
      (get {"s" 1} "s") => 1
      (get {1 :one} 1) => :one
      (get [10 20] 1) => 20
      (get [10 20] 9) => nil
      (get nil :a) => nil
      (get 5 :a) !! TypeError
      (get-in {:a {:b [1 {:c 3}]}} [:a :b 1 :c]) => 3
      (get-in {:a 1} [:a :b]) => nil
      (get-in {:a 1} [:x] :d) => :d
      (get-in {:a 1} []) => {:a 1}
      (assoc {:a 1} :b 2) => {:a 1 :b 2}
      (assoc {:a 1} :a 2 :c 3) => {:a 2 :c 3}
      (assoc nil :a 1) => {:a 1}
      (assoc [1 2] 0 :x) => [:x 2]
      (assoc [1 2] 2 3) => [1 2 3]
      (assoc [1 2] 5 3) !! IndexOutOfBounds
      (assoc {:a 1} :b) !! ArityError
      (assoc {} 1.5 1) !! TypeError
      (assoc 5 :a 1) !! TypeError
      (assoc-in {} [:a :b] 1) => {:a {:b 1}}
      (assoc-in {:a [1 2]} [:a 0] 9) => {:a [9 2]}
      (dissoc {:a 1 :b 2} :a) => {:b 2}
      (dissoc {:a 1} :z) => {:a 1}
      (dissoc nil :a) => {}
      (merge {:a 1} {:b 2} nil {:a 3}) => {:a 3 :b 2}
      (merge) => {}
      (merge {:a 1} [1]) !! TypeError
      (update {:a 1} :a inc) => {:a 2}
      (update {:a 1} :a + 10 100) => {:a 111}
      (update {} :n (fn [x] (if x x 0))) => {:n 0}
      (update [1 2] 0 inc) => [2 2]
      (update-in {:a {:b 1}} [:a :b] inc) => {:a {:b 2}}
      (update-in {} [:a :b] (fn [x] (if x 1 :new))) => {:a {:b :new}}
      (keys {:a 1 :b 2}) => [:a :b]
      (keys {}) => []
      (vals {:a 1 :b 2}) => [1 2]
      (keys [1]) !! TypeError
      (contains? {:a nil} :a) => true
      (contains? {:a 1} :b) => false
      (contains? [1 2 3] 2) => true
      (contains? "hello" "ell") => true
      (contains? nil :a) => false
      (contains? 5 1) !! TypeError
      (select-keys {:a 1 :b 2 :c 3} [:a :c :z]) => {:a 1 :c 3}
      (zipmap [:a :b] [1 2 3]) => {:a 1 :b 2}
      (hash-map :a 1 :b 2) => {:a 1 :b 2}
      (hash-map :a) !! InvalidArgument
      ;; functions over collections
      (map inc [1 2 3]) => [2 3 4]
      (map inc (list 1 2)) => (2 3)
      (map + [1 2 3] [10 20]) => [11 22]
      (map (fn [[k v]] [v k]) {:a 1}) => [[1 :a]]
      (map identity "ab") => ["a" "b"]
      (map inc nil) => []
      (map inc 5) !! TypeError
      (mapv inc (list 1)) => [2]
      (map-indexed (fn [i x] [i x]) [:a :b]) => [[0 :a] [1 :b]]
      (mapcat (fn [x] [x x]) [1 2]) => [1 1 2 2]
      (filter even? [1 2 3 4]) => [2 4]
      (filter (fn [x] x) [1 nil 2 false]) => [1 2]
      (remove even? [1 2 3 4]) => [1 3]
      (keep (fn [x] (if (even? x) (* x 10))) [1 2 3 4]) => [20 40]
      (reduce + [1 2 3]) => 6
      (reduce + 10 [1 2 3]) => 16
      (reduce + 5 []) => 5
      (reduce + []) !! InvalidArgument
      (reduce (fn [acc x] (conj acc (* x x))) [] [1 2 3]) => [1 4 9]
      (reduce (fn [m [k v]] (assoc m v k)) {} {:a 1}) => {1 :a}
      (some even? [1 3 4]) => true
      (some (fn [x] (if (> x 1) x)) [1 2 3]) => 2
      (some even? []) => nil
      (every? even? [2 4]) => true
      (every? even? [2 3]) => false
      (every? even? []) => true
      (sort [3 1 2]) => [1 2 3]
      (sort ["b" "a"]) => ["a" "b"]
      (sort [1 "a"]) !! TypeError
      (sort > [1 3 2]) => [3 2 1]
      (sort (fn [a b] (- a b)) [3 1 2]) => [1 2 3]
      (sort-by :n [{:n 2} {:n 1}]) => [{:n 1} {:n 2}]
      (sort-by count ["ccc" "a" "bb"]) => ["a" "bb" "ccc"]
      (group-by even? [1 2 3 4]) !! TypeError
      (group-by :k [{:k :a :v 1} {:k :b :v 2} {:k :a :v 3}]) => {:a [{:k :a :v 1} {:k :a :v 3}] :b [{:k :b :v 2}]}
      (frequencies [:a :b :a]) => {:a 2 :b 1}
      (apply + [1 2 3]) => 6
      (apply + 1 2 [3 4]) => 10
      (apply + 1) !! TypeError
      (identity 5) => 5
      ((constantly 7) 1 2) => 7
      ((complement even?) 3) => true
      ((partial + 10) 5) => 15
      ((comp inc inc) 1) => 3
      ((comp str +) 1 2) => "3"
      ((comp) 9) => 9
      ((juxt inc dec) 5) => [6 4]
      ;; strings
      (str) => ""
      (str "a" 1 :k nil 1.5 [1 "x"]) => "a1:knil1.5[1 \\"x\\"]"
      (str "a;b") => "a;b"
      (string-length "héllo") => 5
      (string-length 5) !! TypeError
      (substring "hello" 1 3) => "el"
      (substring "hello" 2) => "llo"
      (substring "hello" 3 9) !! IndexOutOfBounds
      (subs "héllo" 1 2) => "é"
      (string-upper "abc") => "ABC"
      (upper-case "x") => "X"
      (string-lower "ABC") => "abc"
      (lower-case "Y") => "y"
      (string-trim "  x ") => "x"
      (trim "\\tx\\n") => "x"
      (string-contains "hello" "ell") => true
      (string-contains? "hello" "z") => false
      (includes? "abc" "c") => true
      (string-starts-with? "hello" "he") => true
      (starts-with? "hello" "lo") => false
      (string-ends-with? "hello" "lo") => true
      (ends-with? "a" "a") => true
      (string-blank? "  ") => true
      (blank? nil) => true
      (string-split "a,b,,c" ",") => ["a" "b" "" "c"]
      (split "a.b" ".") => ["a" "b"]
      (string-split "ab" "") => ["a" "b"]
      (string-join ", " ["a" 1 :k]) => "a, 1, :k"
      (join ["a" "b"]) => "ab"
      (string-replace "a-b-c" "-" "+") => "a+b+c"
      (string-replace "abc" "" "x") => "abc"
      (name :ns/foo) => "ns/foo"
      (name "s") => "s"
      (name 5) !! TypeError
      (keyword "abc") => :abc
      (keyword :k) => :k
      (parse-int " 42 ") => 42
      (parse-int "4x") => nil
      (parse-float "1.5") => 1.5
      (parse-float "1e3") => 1000.0
      (parse-float "abc") => nil
      (parse-float "NaN") => nil
      ;; predicates
      (nil? nil) => true
      (some? nil) => false
      (some? 0) => true
      (string? "s") => true
      (int? 1) => true
      (integer? 1.0) => false
      (float? 1.0) => true
      (number? 1) => true
      (number? "1") => false
      (bool? false) => true
      (boolean? nil) => false
      (keyword? :k) => true
      (symbol? :k) => false
      (map? {}) => true
      (vector? []) => true
      (vector? (list)) => false
      (list? (list)) => true
      (coll? [1]) => true
      (coll? "s") => false
      (fn? inc) => true
      (fn? (fn [] 1)) => true
      (fn? :k) => false
      (error? (Exception. "x")) => true
      (error? "x") => false
      (true? true) => true
      (false? nil) => false
      (not nil) => true
      (not 0) => false
      (and true 1) => true
      (or nil false) => false
      ;; errors, output, calls, types
      (throw "boom") !! Thrown
      (getMessage (Exception. "m")) => "m"
      (error-message (Exception. "m" {:a 1})) => "m"
      (getMessage 5) !! TypeError
      (:data (Exception. "m" {:a 1})) => {:a 1}
      (type-name 1) => "integer"
      (type-name {}) => "map"
      (println "hello" 1) => nil
      (print "x") => nil
      (log-step :info "message" {:a 1}) => nil
      (call :ccos.echo 1) !! NotFound
      (call 5) !! TypeError
      (call) !! ArityError
      """;

  private static final Pattern CASE = Pattern.compile("(.+?)\\s+(=>|!!)\\s+(.+)");

  @TestFactory
  Stream<DynamicTest> every_case() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String line : CASES.split("\n")) {
      Matcher m = CASE.matcher(line.strip());
      if (line.isBlank() || line.strip().startsWith(";;")) {
        continue;
      }
      if (!m.matches()) {
        throw new IllegalStateException("malformed case: " + line);
      }
      String expr = m.group(1);
      String expected = m.group(3);
      tests.add(
          DynamicTest.dynamicTest(
              line.strip(),
              () -> {
                if (m.group(2).equals("=>")) {
                  assertThat(Rtfs.run(expr)).as(expr).isEqualTo(expected);
                } else {
                  Rtfs.fails(expr, ErrorKind.valueOf(expected));
                }
              }));
    }
    return tests.stream();
  }

  @Test
  void every_builtin_has_a_case() {
    Set<String> tested = new TreeSet<>();
    Matcher heads = Pattern.compile("\\(([^\\s()\\[\\]{}\"]+)").matcher(CASES);
    while (heads.find()) {
      tested.add(heads.group(1));
    }
    Set<String> untested = new TreeSet<>(Stdlib.builtins().keySet());
    untested.removeAll(tested);
    assertThat(untested).as("builtins without a case in StdlibTest").isEmpty();
  }
}
