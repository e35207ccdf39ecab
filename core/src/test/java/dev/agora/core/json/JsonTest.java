package dev.agora.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.rtfs.Builtin;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Err;
import dev.agora.rtfs.ErrorKind;
import dev.agora.rtfs.Lst;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import dev.agora.rtfs.reader.Reader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void json_becomes_rtfs_with_keyword_keys_where_they_can_be() {
    assertThat(
            Json.parse(
                "{\"city\": \"Oslo\", \"temp\": 12.5, \"n\": 3, \"ok\": true, \"x\": null, \"list\": [1, \"a\"]}"))
        .isEqualTo(
            Reader.readValue("{:city \"Oslo\" :temp 12.5 :n 3 :ok true :x nil :list [1 \"a\"]}"));
    assertThat(Json.parse("{\"a b\": 1, \"1\": 2, \"\": 3, \":x\": 4}"))
        .isEqualTo(
            Dict.of(
                Value.of("a b"),
                Value.of(1),
                Value.of("1"),
                Value.of(2),
                Value.of(""),
                Value.of(3),
                Value.of(":x"),
                Value.of(4)));
    assertThat(Json.parse("123456789012345678901234567890"))
        .isEqualTo(Value.of(1.2345678901234568E29));
  }

  @Test
  void rtfs_becomes_json() {
    assertThat(Json.write(Reader.readValue("{:a 1 \"b\" [true nil :kw 1.5] 3 (x y)}")))
        .isEqualTo("{\"a\":1,\"b\":[true,null,\"kw\",1.5],\"3\":[\"x\",\"y\"]}");
  }

  @Test
  void values_without_a_json_form_are_refused() {
    assertThatThrownBy(() -> Json.write(Value.of(Double.NaN)))
        .isInstanceOf(JsonException.class)
        .hasMessage("##NaN has no JSON form");
    assertThatThrownBy(
            () -> Json.write(Dict.of(Value.keyword("a"), Value.of(1), Value.of("a"), Value.of(2))))
        .hasMessage("the map has two keys named \"a\" in JSON");
  }

  @Test
  void malformed_json_names_line_and_column() {
    assertThatThrownBy(() -> Json.parse("{\"a\": 1,\n \"b\" 2}"))
        .isInstanceOf(JsonException.class)
        .hasMessageStartingWith("malformed JSON at 2:6");
    assertThatThrownBy(() -> Json.parse("")).hasMessage("empty JSON document");
    assertThatThrownBy(() -> Json.parse("1 2"))
        .hasMessageStartingWith("unexpected content after the JSON value");
    assertThatThrownBy(() -> Json.parse("{\"a\":1,\"a\":2}"))
        .hasMessageStartingWith("duplicate key \"a\"");
    assertThatThrownBy(() -> Json.parse("[".repeat(2000) + "]".repeat(2000)))
        .isInstanceOf(JsonException.class)
        .hasMessageContaining("nesting depth");
  }

  @Test
  void canonical_json_sorts_keys_and_has_no_whitespace() {
    Value a = Reader.readValue("{:b 1 :a {:z [1 2] :y nil}}");
    Value b = Reader.readValue("{:a {:y nil :z [1 2]} :b 1}");
    assertThat(Json.canonical(a))
        .isEqualTo("{\"a\":{\"y\":null,\"z\":[1,2]},\"b\":1}")
        .isEqualTo(Json.canonical(b));
  }

  @Test
  void round_trip_of_json_shaped_values() {
    Value v = Vec.of(Value.of(1), Value.of("x"), Dict.of(Value.keyword("k"), Lst.EMPTY));
    assertThat(Json.parse(Json.write(v)))
        .isEqualTo(Vec.of(Value.of(1), Value.of("x"), Dict.of(Value.keyword("k"), Vec.EMPTY)));
  }

  @Test
  void java_values_from_json_libraries_become_rtfs() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("s", "x");
    m.put("t", true);
    m.put("i", 7);
    m.put("l", 8L);
    m.put("sh", (short) 9);
    m.put("b", (byte) 10);
    m.put("small", BigInteger.valueOf(11));
    m.put("huge", BigInteger.TWO.pow(70));
    m.put("whole", new BigDecimal("12"));
    m.put("fraction", new BigDecimal("1.25"));
    m.put("toobig", new BigDecimal("12345678901234567890123"));
    m.put("f", 1.5f);
    m.put("nil", null);
    m.put("a b", List.of(1, "y"));
    m.put("set", Set.of("only"));
    assertThat(Json.fromJava(m))
        .isEqualTo(
            Reader.readValue(
                "{:s \"x\" :t true :i 7 :l 8 :sh 9 :b 10 :small 11 :huge 1.1805916207174113E21 :whole 12 :fraction 1.25 "
                    + ":toobig 1.2345678901234568E22 :f 1.5 :nil nil \"a b\" [1 \"y\"] :set [\"only\"]}"));
  }

  @Test
  void java_values_without_a_json_form_or_nested_too_deep_are_refused() {
    assertThatThrownBy(() -> Json.fromJava(List.of(new Object())))
        .isInstanceOf(JsonException.class)
        .hasMessage("no JSON form for a java.lang.Object");
    Object deep = "bottom";
    for (int i = 0; i < Json.MAX_DEPTH + 1; i++) {
      deep = List.of(deep);
    }
    Object tooDeep = deep;
    assertThatThrownBy(() -> Json.fromJava(tooDeep))
        .isInstanceOf(JsonException.class)
        .hasMessage("JSON nested deeper than 500 levels");
  }

  @Test
  void rtfs_values_become_the_java_form_json_libraries_take() {
    Value v = Reader.readValue("{:k [1 2.5 \"s\" true nil :kw] \"str key\" (a b) 3 {}}");
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("k", Arrays.asList(1L, 2.5, "s", true, null, "kw"));
    expected.put("str key", List.of("a", "b"));
    expected.put("3", Map.of());
    assertThat(Json.toJava(v)).isEqualTo(expected);
    assertThat(Json.toJava(Value.NIL)).isNull();
  }

  @Test
  void rtfs_values_without_a_json_form_are_refused_by_every_writer() {
    Value fn = new Builtin("inc", 1, 1, (args, ev) -> args[0]);
    Value err = new Err(ErrorKind.TypeError, "boom", Value.NIL, null);
    assertThatThrownBy(() -> Json.toJava(Value.of(Double.POSITIVE_INFINITY)))
        .isInstanceOf(JsonException.class)
        .hasMessage("JSON has no Infinity");
    assertThatThrownBy(() -> Json.toJava(Value.of(Double.NaN))).hasMessage("JSON has no NaN");
    assertThatThrownBy(() -> Json.toJava(Vec.of(fn)))
        .isInstanceOf(JsonException.class)
        .hasMessageStartingWith("no JSON form for ");
    assertThatThrownBy(() -> Json.write(fn)).hasMessage("a function has no JSON form");
    assertThatThrownBy(() -> Json.canonical(Vec.of(err)))
        .hasMessage("an error value has no JSON form");
    assertThatThrownBy(() -> Json.keyName(Value.of(1.5)))
        .isInstanceOf(JsonException.class)
        .hasMessage("a map key must be a keyword, string or integer, got 1.5 (float)");
    Value deep = Value.of(1);
    for (int i = 0; i < Json.MAX_DEPTH; i++) {
      deep = Vec.of(deep);
    }
    assertThat(Json.parse(Json.write(deep))).isEqualTo(deep); // as deep as JSON goes, both ways
    Value tooDeep = Vec.of(deep);
    assertThatThrownBy(() -> Json.write(tooDeep))
        .isInstanceOf(JsonException.class)
        .hasMessage("a value nested deeper than 500 levels cannot be written as JSON");
    assertThatThrownBy(() -> Json.canonical(tooDeep)).isInstanceOf(JsonException.class);
  }

  @Test
  void keyword_names_are_those_that_read_back_as_one_keyword() {
    assertThat(List.of("city", "a.b/c", "x-y?", "_z", "<=>", "a:b")).allMatch(Json::isKeywordName);
    assertThat(List.of("", "1a", ":x", "a b", "a,b", "é€")).noneMatch(Json::isKeywordName);
    assertThat(Json.keyName(Value.of(42))).isEqualTo("42");
    assertThat(Json.key("1")).isEqualTo(Value.of("1"));
  }

  @Test
  void canonical_and_plain_writers_differ_only_in_key_order() {
    Dict.Builder b = Dict.builder();
    for (String k : List.of("b", "a", "c")) {
      b.put(Value.keyword(k), Value.of(k));
    }
    Value d = b.build();
    assertThat(Json.canonical(d)).isEqualTo("{\"a\":\"a\",\"b\":\"b\",\"c\":\"c\"}");
    assertThat(Json.parse(Json.write(d))).isEqualTo(d);
  }
}
