package dev.agora.rtfs.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.rtfs.Dict;
import dev.agora.rtfs.ErrorKind;
import dev.agora.rtfs.Lst;
import dev.agora.rtfs.RtfsError;
import dev.agora.rtfs.SourcePos;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReaderTest {

  private static Value read(String text) {
    return Reader.readValue(text);
  }

  private static RtfsError parseError(String text) {
    try {
      Reader.readAll(text, "t.rtfs");
    } catch (RtfsError e) {
      assertThat(e.kind()).isEqualTo(ErrorKind.ParseError);
      return e;
    }
    throw new AssertionError("expected a parse error for: " + text);
  }

  // ---- Numbers ----

  @Test
  void integers_are_64_bit_with_optional_sign() {
    assertThat(read("42")).isEqualTo(Value.of(42));
    assertThat(read("-7")).isEqualTo(Value.of(-7));
    assertThat(read("+3")).isEqualTo(Value.of(3));
    assertThat(read("-0")).isEqualTo(Value.of(0));
    assertThat(read("9223372036854775807")).isEqualTo(Value.of(Long.MAX_VALUE));
    assertThat(read("-9223372036854775808")).isEqualTo(Value.of(Long.MIN_VALUE));
  }

  @Test
  void integer_overflow_is_an_error_not_a_wrap() {
    RtfsError e = parseError("(+ 1 9223372036854775808)");
    assertThat(e.getMessage()).isEqualTo("integer 9223372036854775808 does not fit in 64 bits");
    assertThat(e.pos()).isEqualTo(new SourcePos("t.rtfs", 1, 6));
  }

  @ParameterizedTest
  @CsvSource({
    "1.5, 1.5",
    "-2.0e3, -2000.0",
    "2.5E-2, 0.025",
    "1e5, 100000.0",
    "+0.5, 0.5",
    "3.0e+2, 300.0"
  })
  void floats_with_fractions_and_exponents(String text, double expected) {
    assertThat(read(text)).isEqualTo(Value.of(expected));
  }

  @Test
  void special_floats() {
    assertThat(read("##Inf")).isEqualTo(Value.of(Double.POSITIVE_INFINITY));
    assertThat(read("##-Inf")).isEqualTo(Value.of(Double.NEGATIVE_INFINITY));
    assertThat(((Value.Real) read("##NaN")).value()).isNaN();
  }

  @Test
  void malformed_numbers_are_named() {
    String[][] cases = {
      {"1.", "invalid number '1.': write 1.0"},
      {".5", "invalid number '.5': write 0.5"},
      {"0x42", "invalid number '0x42': hexadecimal literals are not supported"},
      {"1e", "invalid number '1e'"},
      {"12abc", "invalid number '12abc'"},
      {"1/2", "invalid number '1/2': ratios are not supported: write a float or (/ a b)"},
      {
        "2024-01-15T10:30:45Z",
        "invalid number '2024-01-15T10:30:45Z': timestamp literals are not supported: write a string"
      },
      {"1e999", "float 1e999 is out of range (use ##Inf for infinity)"},
      {
        "##Foo",
        "'##Foo' is not RTFS syntax: '#' only starts ##Inf, ##-Inf, ##NaN and #| block comments |# (no #( #{ #\" or #_ forms)"
      }
    };
    for (String[] c : cases) {
      assertThat(parseError(c[0]).getMessage()).as(c[0]).isEqualTo(c[1]);
    }
  }

  // ---- Strings ----

  @Test
  void strings_with_the_five_escapes() {
    assertThat(read("\"a\\nb\\tc\\rd\\\\e\\\"f\"")).isEqualTo(Value.of("a\nb\tc\rd\\e\"f"));
    assertThat(read("\"\"")).isEqualTo(Value.of(""));
  }

  @Test
  void a_semicolon_inside_a_string_is_text_not_a_comment() {
    assertThat(read("(str \"a;b\" \";;c\")"))
        .isEqualTo(Lst.of(Value.symbol("str"), Value.of("a;b"), Value.of(";;c")));
  }

  @Test
  void strings_may_span_lines_and_positions_follow() {
    List<Form> forms = Reader.readAll("\"one\ntwo\" x", "t");
    assertThat(forms.get(0).toValue()).isEqualTo(Value.of("one\ntwo"));
    assertThat(forms.get(1).pos()).isEqualTo(new SourcePos("t", 2, 6));
  }

  @Test
  void other_escapes_are_errors_at_the_backslash() {
    RtfsError e = parseError("(f \"ok\\x\")");
    assertThat(e.getMessage())
        .isEqualTo("invalid escape '\\x' in string; RTFS strings allow \\n \\t \\r \\\\ and \\\"");
    assertThat(e.pos()).isEqualTo(new SourcePos("t.rtfs", 1, 7));
    assertThat(parseError("\"\\u0041\"").getMessage()).startsWith("invalid escape '\\u'");
  }

  @Test
  void unterminated_string_names_where_it_starts() {
    RtfsError e = parseError("(do\n  (f 1)\n  (g \"abc))\n");
    assertThat(e.getMessage()).isEqualTo("unterminated string starting at 3:6");
    assertThat(e.pos()).isEqualTo(new SourcePos("t.rtfs", 3, 6));
    assertThat(parseError("\"abc\\").getMessage()).isEqualTo("unterminated string starting at 1:1");
  }

  // ---- Constants, keywords, symbols ----

  @Test
  void true_false_nil_are_whole_tokens() {
    assertThat(read("true")).isEqualTo(Value.TRUE);
    assertThat(read("false")).isEqualTo(Value.FALSE);
    assertThat(read("nil")).isEqualTo(Value.NIL);
    assertThat(read("true-count")).isEqualTo(Value.symbol("true-count"));
    assertThat(read("nil?")).isEqualTo(Value.symbol("nil?"));
    assertThat(read("falsey")).isEqualTo(Value.symbol("falsey"));
  }

  @ParameterizedTest
  @CsvSource({
    ":status, status",
    ":content-type, content-type",
    ":_private, _private",
    ":*dynamic*, *dynamic*",
    ":a?, a?",
    ":ns.part/name, ns.part/name",
    ":com.acme:v1.0/foo, com.acme:v1.0/foo",
    ":com.acme.db:v1.0:sales-query, com.acme.db:v1.0:sales-query",
    ":com.acme.database:v1.query, com.acme.database:v1.query",
    ":ccos.echo, ccos.echo"
  })
  void keywords_read_as_one_token_named_without_the_colon(String text, String name) {
    assertThat(read(text)).isEqualTo(Value.keyword(name));
  }

  @Test
  void a_capability_id_keyword_in_call_position_stays_one_argument() {
    Value v = read("(call :com.acme.db:v1.0:sales-query {:q 1})");
    assertThat(((Lst) v).size()).isEqualTo(3);
    assertThat(((Lst) v).get(1)).isEqualTo(Value.keyword("com.acme.db:v1.0:sales-query"));
  }

  @Test
  void keyword_errors() {
    assertThat(parseError(":").getMessage()).isEqualTo("a keyword needs a name after ':'");
    assertThat(parseError("::foo").getMessage())
        .isEqualTo("'::' auto-resolved keywords are not supported: write :foo");
    RtfsError e = parseError("  :bad|name");
    assertThat(e.getMessage()).isEqualTo("invalid character '|' in keyword ':bad|name'");
    assertThat(e.pos().column()).isEqualTo(7);
  }

  @ParameterizedTest
  @CsvSource({
    "x",
    "+",
    "-x",
    "string?",
    "tool/log",
    "Exception.",
    "%params",
    "%1",
    ".getMessage",
    "λ",
    "ns:v1/b",
    "a->b",
    "&"
  })
  void symbols(String text) {
    assertThat(read(text)).isEqualTo(Value.symbol(text));
  }

  @Test
  void unsupported_syntax_says_so() {
    String[][] cases = {
      {"'x", "quote (') is not supported: write data literally, such as [1 2] or {:a 1}"},
      {"`x", "syntax-quote and unquote are not supported"},
      {"~x", "syntax-quote and unquote are not supported"},
      {"^:m x", "metadata (^) is not supported"},
      {"\\a", "character literals are not supported: use a one-character string such as \"a\""},
      {"@ctx", "'@' is not supported: context values come from the host, not from @references"},
      {
        "#(+ % 1)",
        "'#' is not RTFS syntax: '#' only starts ##Inf, ##-Inf, ##NaN and #| block comments |# (no #( #{ #\" or #_ forms)"
      }
    };
    for (String[] c : cases) {
      assertThat(parseError(c[0]).getMessage()).as(c[0]).isEqualTo(c[1]);
    }
  }

  // ---- Collections ----

  @Test
  void lists_vectors_and_maps_nest() {
    Value v = read("(f [1 2 {:a \"x\" \"s\" 2 3 [nil]}] ())");
    assertThat(v)
        .isEqualTo(
            Lst.of(
                Value.symbol("f"),
                Vec.of(
                    Value.of(1),
                    Value.of(2),
                    Dict.of(
                        Value.keyword("a"),
                        Value.of("x"),
                        Value.of("s"),
                        Value.of(2),
                        Value.of(3),
                        Vec.of(Value.NIL))),
                Lst.EMPTY));
  }

  @Test
  void commas_are_whitespace() {
    assertThat(read("{:a 1, :b 2}")).isEqualTo(read("{:a 1 :b 2}"));
    assertThat(read("[1,2,,3]")).isEqualTo(read("[1 2 3]"));
  }

  @Test
  void comments_line_and_block() {
    List<Form> forms =
        Reader.readAll("; one\n;; two\n1 ; three\n#| block\n (still comment) |# 2", "t");
    assertThat(forms).extracting(Form::toValue).containsExactly(Value.of(1), Value.of(2));
    assertThat(forms.get(1).pos()).isEqualTo(new SourcePos("t", 5, 21));
  }

  @Test
  void map_keys_must_be_keywords_strings_or_integers_when_read_as_data() {
    assertThatThrownBy(() -> read("{[1] 2}"))
        .isInstanceOf(RtfsError.class)
        .hasMessage("map keys must be keywords, strings or integers, found [1] (vector)");
    assertThatThrownBy(() -> read("{nil 2}")).hasMessageContaining("found nil (nil)");
    assertThatThrownBy(() -> read("{:a 1 :a 2}")).hasMessage("duplicate map key :a");
  }

  @Test
  void bracket_errors_name_both_ends() {
    RtfsError e = parseError("(let [x 1)\n");
    assertThat(e.getMessage()).isEqualTo("expected ']' to close '[' opened at 1:6, found ')'");
    assertThat(e.pos()).isEqualTo(new SourcePos("t.rtfs", 1, 10));
    assertThat(parseError("(+ 1 2))").getMessage())
        .isEqualTo("unexpected ')' with nothing open to close");
    RtfsError open = parseError("(defn f [x]\n  (+ x 1)");
    assertThat(open.getMessage()).isEqualTo("unterminated list: '(' opened at 1:1 is never closed");
    assertThat(parseError("[1 2").getMessage())
        .isEqualTo("unterminated vector: '[' opened at 1:1 is never closed");
    assertThat(parseError("{:a").getMessage())
        .isEqualTo("unterminated map: '{' opened at 1:1 is never closed");
    assertThat(parseError("#| x").getMessage())
        .isEqualTo("unterminated block comment: '#|' at 1:1 is never closed by '|#'");
  }

  @Test
  void odd_map_is_an_error_at_its_brace() {
    RtfsError e = parseError("(f {:a 1 :b})");
    assertThat(e.getMessage())
        .isEqualTo("map opened at 1:4 has an odd number of forms: a key is missing its value");
    assertThat(e.pos().column()).isEqualTo(4);
  }

  @Test
  void deep_nesting_is_refused_without_overflowing_the_stack() {
    String deep = "[".repeat(Reader.MAX_DEPTH + 1) + "]".repeat(Reader.MAX_DEPTH + 1);
    assertThat(parseError(deep).getMessage()).isEqualTo("nesting deeper than 1000 levels");
    String ok = "[".repeat(Reader.MAX_DEPTH) + "]".repeat(Reader.MAX_DEPTH);
    assertThat(Reader.readAll(ok, "t")).hasSize(1);
  }

  @Test
  void read_one_wants_exactly_one_form() {
    assertThatThrownBy(() -> Reader.readOne("  ; nothing\n", "t"))
        .hasMessage("expected a form, found only whitespace and comments");
    assertThatThrownBy(() -> Reader.readOne("1 2", "t"))
        .hasMessage("expected one form, found another one here");
  }

  @Test
  void positions_count_lines_and_columns_from_one() {
    List<Form> forms = Reader.readAll("(a\n  b)\n\n   [c]", "f.rtfs");
    Form.ListForm list = (Form.ListForm) forms.get(0);
    assertThat(list.pos()).isEqualTo(new SourcePos("f.rtfs", 1, 1));
    assertThat(list.items().get(1).pos()).isEqualTo(new SourcePos("f.rtfs", 2, 3));
    assertThat(forms.get(1).pos()).isEqualTo(new SourcePos("f.rtfs", 4, 4));
  }

  @Test
  void incomplete_input_is_told_apart_from_wrong_input() {
    assertThat(Reader.isIncomplete("(defn f [x]")).isTrue();
    assertThat(Reader.isIncomplete("(str \"abc")).isTrue();
    assertThat(Reader.isIncomplete("#| comment")).isTrue();
    assertThat(Reader.isIncomplete("{:a [1")).isTrue();
    assertThat(Reader.isIncomplete("(+ 1 2)")).isFalse();
    assertThat(Reader.isIncomplete("(+ 1 2))")).isFalse();
    assertThat(Reader.isIncomplete("(f \"\\q")).isFalse();
    assertThat(Reader.isIncomplete("")).isFalse();
  }

  @Test
  void form_text_prints_any_form_for_messages() {
    assertThat(Reader.readOne("{:keys [a b] name :n & rest}", "t").text())
        .isEqualTo("{:keys [a b] name :n & rest}");
    assertThat(Reader.readOne("(f \"s\" 1.5 (g))", "t").text()).isEqualTo("(f \"s\" 1.5 (g))");
  }
}
