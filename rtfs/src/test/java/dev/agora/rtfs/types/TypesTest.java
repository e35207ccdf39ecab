package dev.agora.rtfs.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.rtfs.ErrorKind;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.RtfsError;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Reader;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TypesTest {

  private static boolean ok(String type, String value) {
    TypeExpr t = TypeParser.parse(type);
    Value v = Reader.readValue(value);
    boolean conforms = Validator.conforms(t, v);
    assertThat(Validator.validate(t, v).isEmpty())
        .as("validate agrees with conforms")
        .isEqualTo(conforms);
    return conforms;
  }

  private static List<String> problems(String type, String value) {
    return Validator.validate(TypeParser.parse(type), Reader.readValue(value)).stream()
        .map(Problem::message)
        .toList();
  }

  /**
   * The reference's validation vectors (rtfs-subset.md, Appendix A), with Agora's documented fixes.
   */
  @ParameterizedTest(name = "{0} ∋ {1}: {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        ":int | 42 | true",
        ":int | \"hello\" | false",
        "[:vector :int] | [1 2 3] | true",
        "[:vector :int] | [1 \"x\"] | false",
        "[:and :int [:> 0]] | 5 | true",
        "[:and :int [:> 0]] | 0 | false",
        "[:and :int [:> 0]] | -1 | false",
        "[:and :string [:min-length 3]] | \"hello\" | true",
        "[:and :string [:min-length 3]] | \"hi\" | false",
        "[:enum :red :green :blue] | :red | true",
        "[:enum :red :green :blue] | :yellow | false",
        "[:enum :red :green :blue] | \"red\" | false",
        "[:union :int :string] | 42 | true",
        "[:union :int :string] | \"hello\" | true",
        "[:union :int :string] | true | false",
        ":string? | \"hello\" | true",
        ":string? | nil | true",
        ":string? | 42 | false",
        "[:tuple :int :string :bool] | [1 \"a\" true] | true",
        "[:tuple :int :string :bool] | [1 \"a\"] | false",
        "[:tuple :int :string :bool] | [\"a\" 1 true] | false",
        "[:map [:name :string] [:age :int]] | {:name \"A\" :age 1} | true",
        "[:map [:name :string] [:age :int]] | {:name \"A\"} | false",
        "[:map [:name :string] [:age :int]] | {:name \"A\" :age \"1\"} | false",
        "[:and :string [:matches-regex \"^.+@.+\\\\..+$\"]] | \"user@example.com\" | true",
        "[:and :string [:matches-regex \"^.+@.+\\\\..+$\"]] | \"not-an-email\" | false",
        "[:and :int [:in-range 1 100]] | 1 | true",
        "[:and :int [:in-range 1 100]] | 100 | true",
        "[:and :int [:in-range 1 100]] | 0 | false",
        "[:and :int [:in-range 1 100]] | 101 | false",
        "[:and [:vector :string] [:non-empty]] | [\"hello\"] | true",
        "[:and [:vector :string] [:non-empty]] | [] | false",
        "[:and [:vector :int] [:min-count 2]] | [1 2 3] | true",
        "[:and [:vector :int] [:min-count 2]] | [1] | false",
        "[:array [:map [:name [:and :string [:min-length 1]]] [:age [:and :int [:>= 0]]]] [?]] | [{:name \"a\" :age 3}] | true",
        "[:array [:map [:name [:and :string [:min-length 1]]] [:age [:and :int [:>= 0]]]] [?]] | [{:name \"\" :age 3}] | false",
        "[:array [:map [:name [:and :string [:min-length 1]]] [:age [:and :int [:>= 0]]]] [?]] | [{:name \"a\" :age -3}] | false",
        ":any | {:x [1]} | true",
        ":never | 1 | false",
        "[:array :int [3]] | [1 2 3] | true",
        "[:array :int [3]] | [1 2] | false",
        "[:map [:name :string]] | {:name \"A\" :extra 1} | true",
        "[:vector [:and :int [:> 0]]] | [-1] | false",
        ":float | 1 | true",
        "[:and :int [:> 0.0]] | 1 | true",
        ":number | 1.5 | true",
        ":number | 2 | true",
        "[:and :map [:has-key :a]] | {:a 1} | true",
        "[:map [:email :string ?]] | {} | true",
        "[:map [:email :string ?]] | {:email 3} | false"
      })
  void reference_validation_vectors(String type, String value, boolean expected) {
    assertThat(ok(type, value)).isEqualTo(expected);
  }

  @Test
  void closed_maps_refuse_other_keys() {
    assertThat(ok("[:map {:closed true} [:a :int]]", "{:a 1}")).isTrue();
    assertThat(ok("[:map {:closed true} [:a :int]]", "{:a 1 :b 2}")).isFalse();
    assertThat(problems("[:map {:closed true} [:a :int]]", "{:a 1 :b 2}"))
        .containsExactly("at [:b]: expected no other keys (the map is closed), found 2 (integer)");
  }

  @Test
  void wildcard_types_the_other_keys() {
    assertThat(ok("[:map [:a :int] [:* :string]]", "{:a 1 :b \"x\"}")).isTrue();
    assertThat(ok("[:map [:a :int] [:* :string]]", "{:a 1 :b 2}")).isFalse();
  }

  @Test
  void map_of_key_and_value_types() {
    assertThat(ok("[:map-of :string :int]", "{\"a\" 1 \"b\" 2}")).isTrue();
    assertThat(problems("[:map-of :string :int]", "{\"a\" 1 :b \"x\"}"))
        .containsExactly(
            "at [:b]: expected a key of type :string, found :b (keyword)",
            "at [:b]: expected :int, found \"x\" (string)");
  }

  @Test
  void literals_optional_and_primitive_names() {
    assertThat(ok("[:val 3]", "3")).isTrue();
    assertThat(ok("[:val 3]", "3.0")).isFalse();
    assertThat(ok("[:optional [:vector :int]]", "nil")).isTrue();
    assertThat(ok(":map", "{}")).isTrue();
    assertThat(ok(":vector", "(1)")).isFalse();
    assertThat(ok(":list", "(1)")).isTrue();
    assertThat(ok(":keyword", ":a")).isTrue();
    assertThat(ok("int", "1")).isTrue();
    assertThat(ok(":Integer", "1")).isTrue();
    assertThat(ok(":bool", "false")).isTrue();
    assertThat(ok(":nil", "nil")).isTrue();
  }

  @Test
  void every_predicate() {
    assertThat(ok("[:and :int [:>= 3] [:<= 5]]", "5")).isTrue();
    assertThat(ok("[:and :int [:< 3]]", "3")).isFalse();
    assertThat(ok("[:and :any [:= :x]]", ":x")).isTrue();
    assertThat(ok("[:and :any [:!= :x]]", ":x")).isFalse();
    assertThat(ok("[:and :number [:= 1]]", "1.0")).isTrue();
    assertThat(ok("[:and :string [:max-length 2]]", "\"héé\"")).isFalse();
    assertThat(ok("[:and :string [:length 2]]", "\"😀é\""))
        .as("counts characters, not bytes")
        .isTrue();
    assertThat(ok("[:and :map [:count 1]]", "{:a 1}")).isTrue();
    assertThat(ok("[:and :vector [:max-count 1]]", "[1 2]")).isFalse();
    assertThat(ok("[:and :string [:non-empty]]", "\"\"")).isFalse();
    assertThat(ok("[:and :map [:required-keys [:a :b]]]", "{:a 1 :b 2}")).isTrue();
    assertThat(ok("[:and :map [:required-keys [:a :b]]]", "{:a 1}")).isFalse();
    assertThat(ok("[:and :string [:is-url]]", "\"https://example.com/x?y=1\"")).isTrue();
    assertThat(ok("[:and :string [:is-url]]", "\"not a url\"")).isFalse();
    assertThat(ok("[:and :string [:is-email]]", "\"a@b.co\"")).isTrue();
    assertThat(ok("[:and :string [:is-email]]", "\"a@b\"")).isFalse();
    assertThat(ok("[:and :any [:min-length 1]]", "5"))
        .as("a predicate that does not apply fails")
        .isFalse();
  }

  @Test
  void every_problem_is_reported_with_its_path() {
    List<String> ps =
        problems(
            "[:map [:user [:map [:name :string] [:age [:and :int [:>= 0]]]]] [:tags [:vector :keyword]]]",
            "{:user {:age -1} :tags [:a \"b\" :c 7]}");
    assertThat(ps)
        .containsExactly(
            "at [:user :name]: expected :string (required key), found nothing",
            "at [:user :age]: expected [:>= 0], found -1 (integer)",
            "at [:tags 1]: expected :keyword, found \"b\" (string)",
            "at [:tags 3]: expected :keyword, found 7 (integer)");
  }

  @Test
  void a_union_reports_the_problems_of_the_alternative_with_the_values_shape() {
    assertThat(problems("[:union [:vector :number] [:map-of :any :number]]", "[1 \"x\"]"))
        .containsExactly("at [1]: expected :number, found \"x\" (string)");
    assertThat(problems("[:union :nil [:map [:zone :string ?]]]", "{:zone 3}"))
        .containsExactly("at [:zone]: expected :string, found 3 (integer)");
    assertThat(problems("[:union :int :string]", "true"))
        .containsExactly("at []: expected [:union :int :string], found true (boolean)");
    assertThat(problems("[:union [:vector :int] [:tuple :int]]", "[\"a\"]"))
        .hasSize(1)
        .first()
        .asString()
        .startsWith("at []: expected [:union");
  }

  @Test
  void problems_have_path_expected_and_found() {
    Problem p =
        Validator.validate(
                TypeParser.parse("[:map [:user [:map [:age :int]]]]"),
                Reader.readValue("{:user {:age \"x\"}}"))
            .get(0);
    assertThat(p.path()).containsExactly(Value.keyword("user"), Value.keyword("age"));
    assertThat(p.pathText()).isEqualTo("[:user :age]");
    assertThat(p.expected()).isEqualTo(":int");
    assertThat(p.found()).isEqualTo("\"x\" (string)");
    assertThat(problems(":int", "\"s\""))
        .containsExactly("at []: expected :int, found \"s\" (string)");
  }

  @Test
  void types_print_back_to_their_syntax() {
    for (String t :
        List.of(
            ":int",
            ":string?",
            "[:vector :int]",
            "[:tuple :int :string]",
            "[:map [:a :int] [:b :string ?]]",
            "[:map {:closed true} [:a :int]]",
            "[:map [:a :int] [:* :any]]",
            "[:map-of :string :int]",
            "[:union :int :nil]",
            "[:enum :a :b]",
            "[:val 1]",
            "[:optional [:vector :int]]",
            "[:and :int [:> 0] [:< 10]]",
            "[:and :string [:matches-regex \"^a\"] [:min-length 1]]",
            "[:and :map [:required-keys [:a :b]] [:has-key :c]]",
            "[:array :int [3]]",
            "[:and :string [:is-url]]")) {
      TypeExpr parsed = TypeParser.parse(t);
      assertThat(parsed.show()).isEqualTo(t);
      assertThat(TypeParser.parse(parsed.show())).isEqualTo(parsed);
    }
  }

  @Test
  void a_bare_map_is_a_map_type() {
    assertThat(TypeParser.parse("{:name :string :age :int}"))
        .isEqualTo(TypeParser.parse("[:map [:name :string] [:age :int]]"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        ":strng | unknown type :strng; known types are :int :float :number :string :bool :keyword :symbol :nil :any :never :map :vector :list :fn",
        "[:frob :int] | unknown type [:frob …]; compound types are :vector :tuple :map :map-of :union :enum :val :optional :and :array",
        "42 | not a type: 42 (integer); a type is a keyword such as :int or a vector such as [:vector :string]",
        "[:vector] | [:vector] needs exactly one argument, found 0",
        "[:and :int] | [:and] needs a type and at least one more type or predicate, as in [:and :int [:> 0]]",
        "[:and [:> 0] [:< 1]] | [:and] needs at least one type before its predicates, as in [:and :string [:min-length 1]]",
        "[:and :int [:> \"a\"]] | [:>] needs a number, found \"a\" (string)",
        "[:and :string [:min-length -1]] | [:min-length] needs a non-negative integer, found -1 (integer)",
        "[:and :string [:matches-regex \"(\"]] | [:matches-regex] has an invalid regular expression \"(\": Unclosed group",
        "[:map [:a :int] [:a :string]] | [:map] lists the key :a twice",
        "[:map [:a]] | a [:map] entry is [:key Type] or [:key Type ?], found [:a]",
        "[:map [1 :int]] | a [:map] entry is [:key Type] or [:key Type ?], found [1 :int]",
        "[:array :int [-1]] | [:array T shape]: a dimension is a non-negative integer or ?, found -1 (integer)",
        "[:enum] | [:enum] needs at least one value, found 0"
      })
  void bad_types_say_what_is_wrong(String type, String message) {
    assertThatThrownBy(() -> TypeParser.parse(type))
        .isInstanceOf(RtfsError.class)
        .hasMessage(message)
        .satisfies(e -> assertThat(((RtfsError) e).kind()).isEqualTo(ErrorKind.ParseError));
  }

  @Test
  void validation_handles_random_values_without_error() {
    long seed = System.nanoTime();
    System.out.println("TypesTest random seed: " + seed);
    dev.agora.rtfs.RandomValues gen = new dev.agora.rtfs.RandomValues(seed);
    List<TypeExpr> types =
        List.of(
            TypeParser.parse(":any"),
            TypeParser.parse("[:vector :int]"),
            TypeParser.parse("[:map [:a :int] [:b :string ?]]"),
            TypeParser.parse("[:union :nil [:map-of :keyword :any]]"),
            TypeParser.parse("[:and :string [:min-length 2] [:matches-regex \"a\"]]"));
    for (int i = 0; i < 5_000; i++) {
      Value v = gen.value(3);
      for (TypeExpr t : types) {
        boolean conforms = Validator.conforms(t, v);
        List<Problem> ps = Validator.validate(t, v);
        assertThat(ps.isEmpty())
            .as("seed %d: %s against %s", seed, Printer.print(v), t.show())
            .isEqualTo(conforms);
      }
    }
  }
}
