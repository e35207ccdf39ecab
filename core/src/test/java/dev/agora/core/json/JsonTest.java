package dev.agora.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Lst;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import dev.agora.rtfs.reader.Reader;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void json_becomes_rtfs_with_keyword_keys_where_they_can_be() {
    assertThat(Json.parse("{\"city\": \"Oslo\", \"temp\": 12.5, \"n\": 3, \"ok\": true, \"x\": null, \"list\": [1, \"a\"]}"))
        .isEqualTo(Reader.readValue("{:city \"Oslo\" :temp 12.5 :n 3 :ok true :x nil :list [1 \"a\"]}"));
    assertThat(Json.parse("{\"a b\": 1, \"1\": 2, \"\": 3, \":x\": 4}"))
        .isEqualTo(Dict.of(Value.of("a b"), Value.of(1), Value.of("1"), Value.of(2), Value.of(""), Value.of(3),
            Value.of(":x"), Value.of(4)));
    assertThat(Json.parse("123456789012345678901234567890")).isEqualTo(Value.of(1.2345678901234568E29));
  }

  @Test
  void rtfs_becomes_json() {
    assertThat(Json.write(Reader.readValue("{:a 1 \"b\" [true nil :kw 1.5] 3 (x y)}")))
        .isEqualTo("{\"a\":1,\"b\":[true,null,\"kw\",1.5],\"3\":[\"x\",\"y\"]}");
  }

  @Test
  void values_without_a_json_form_are_refused() {
    assertThatThrownBy(() -> Json.write(Value.of(Double.NaN))).isInstanceOf(JsonException.class).hasMessage("##NaN has no JSON form");
    assertThatThrownBy(() -> Json.write(Dict.of(Value.keyword("a"), Value.of(1), Value.of("a"), Value.of(2))))
        .hasMessage("the map has two keys named \"a\" in JSON");
  }

  @Test
  void malformed_json_names_line_and_column() {
    assertThatThrownBy(() -> Json.parse("{\"a\": 1,\n \"b\" 2}")).isInstanceOf(JsonException.class)
        .hasMessageStartingWith("malformed JSON at 2:6");
    assertThatThrownBy(() -> Json.parse("")).hasMessage("empty JSON document");
    assertThatThrownBy(() -> Json.parse("1 2")).hasMessageStartingWith("unexpected content after the JSON value");
    assertThatThrownBy(() -> Json.parse("{\"a\":1,\"a\":2}")).hasMessageStartingWith("duplicate key \"a\"");
    assertThatThrownBy(() -> Json.parse("[".repeat(2000) + "]".repeat(2000))).isInstanceOf(JsonException.class)
        .hasMessageContaining("nesting depth");
  }

  @Test
  void canonical_json_sorts_keys_and_has_no_whitespace() {
    Value a = Reader.readValue("{:b 1 :a {:z [1 2] :y nil}}");
    Value b = Reader.readValue("{:a {:y nil :z [1 2]} :b 1}");
    assertThat(Json.canonical(a)).isEqualTo("{\"a\":{\"y\":null,\"z\":[1,2]},\"b\":1}").isEqualTo(Json.canonical(b));
  }

  @Test
  void round_trip_of_json_shaped_values() {
    Value v = Vec.of(Value.of(1), Value.of("x"), Dict.of(Value.keyword("k"), Lst.EMPTY));
    assertThat(Json.parse(Json.write(v))).isEqualTo(Vec.of(Value.of(1), Value.of("x"), Dict.of(Value.keyword("k"), Vec.EMPTY)));
  }
}
