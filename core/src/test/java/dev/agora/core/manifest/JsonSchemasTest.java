package dev.agora.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.json.Json;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Reader;
import dev.agora.rtfs.types.TypeExpr;
import dev.agora.rtfs.types.TypeParser;
import dev.agora.rtfs.types.Validator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonSchemasTest {

  private static String toType(String jsonSchema) {
    return JsonSchemas.toType(Json.parse(jsonSchema)).show();
  }

  private static String toJson(String typeExpr) {
    return Json.write(JsonSchemas.fromType(TypeParser.parse(typeExpr)));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"type\":\"string\"} | :string",
        "{\"type\":\"integer\",\"minimum\":1,\"exclusiveMaximum\":10} | [:and :int [:>= 1] [:< 10]]",
        "{\"type\":\"number\"} | :number",
        "{\"type\":\"boolean\"} | :bool",
        "{\"type\":\"null\"} | :nil",
        "{\"type\":[\"string\",\"null\"]} | [:union :string :nil]",
        "{\"type\":\"string\",\"minLength\":2,\"maxLength\":5,\"pattern\":\"^a\"} | [:and :string [:min-length 2] [:max-length 5] [:matches-regex \"^a\"]]",
        "{\"type\":\"string\",\"format\":\"email\"} | [:and :string [:is-email]]",
        "{\"type\":\"array\",\"items\":{\"type\":\"integer\"},\"minItems\":1} | [:and [:vector :int] [:min-count 1]]",
        "{\"type\":\"array\",\"prefixItems\":[{\"type\":\"integer\"},{\"type\":\"string\"}]} | [:tuple :int :string]",
        "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"},\"b c\":{}},\"required\":[\"a\"]} | [:map [:a :int] [\"b c\" :any ?]]",
        "{\"type\":\"object\",\"additionalProperties\":false} | [:map {:closed true}]",
        "{\"type\":\"object\",\"additionalProperties\":{\"type\":\"integer\"}} | [:map [:* :int]]",
        "{\"enum\":[\"a\",1]} | [:enum \"a\" 1]",
        "{\"const\":3} | [:val 3]",
        "{\"anyOf\":[{\"type\":\"integer\"},{\"type\":\"string\"}]} | [:union :int :string]",
        "{} | :any",
        "true | :any",
        "false | :never",
        "{\"$defs\":{\"p\":{\"type\":\"integer\"}},\"type\":\"object\",\"properties\":{\"x\":{\"$ref\":\"#/$defs/p\"}}} | [:map [:x :int ?]]",
        "{\"$defs\":{\"a/b\":{\"type\":\"null\"}},\"$ref\":\"#/$defs/a~1b\"} | :nil",
        "{\"type\":[\"integer\"]} | :int",
        "{\"properties\":{\"a\":{}}} | [:map [:a :any ?]]",
        "{\"type\":\"string\",\"format\":\"uri\"} | [:and :string [:is-url]]",
        "{\"type\":\"string\",\"format\":\"date-time\"} | :string",
        "{\"type\":\"number\",\"exclusiveMinimum\":0.5,\"maximum\":2} | [:and :number [:<= 2] [:> 0.5]]",
        "{\"type\":\"object\",\"minProperties\":1,\"maxProperties\":3} | [:and [:map] [:min-count 1] [:max-count 3]]",
        "{\"type\":\"array\"} | [:vector :any]",
        "{\"oneOf\":[{\"type\":\"integer\"},{\"type\":\"boolean\"}]} | [:union :int :bool]",
        "{\"type\":\"integer\",\"allOf\":[{\"minimum\":1},{\"maximum\":5}]} | [:and :int :any :any]",
        "{\"type\":\"string\",\"enum\":[\"a\"]} | [:and :string [:enum \"a\"]]"
      })
  void json_schema_to_type(String schema, String type) {
    assertThat(toType(schema)).isEqualTo(type);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        ":int | {\"type\":\"integer\"}",
        ":string? | {\"anyOf\":[{\"type\":\"string\"},{\"type\":\"null\"}]}",
        "[:vector :number] | {\"type\":\"array\",\"items\":{\"type\":\"number\"}}",
        "[:map [:a :int] [:b :string ?]] | {\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"},\"b\":{\"type\":\"string\"}},\"required\":[\"a\"]}",
        "[:map {:closed true} [:a :int]] | {\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}},\"required\":[\"a\"],\"additionalProperties\":false}",
        "[:and :int [:> 0] [:<= 9]] | {\"type\":\"integer\",\"exclusiveMinimum\":0,\"maximum\":9}",
        "[:and :string [:min-length 1] [:is-url]] | {\"type\":\"string\",\"minLength\":1,\"format\":\"uri\"}",
        "[:enum :red :green] | {\"enum\":[\"red\",\"green\"]}",
        ":any | {}",
        ":fn | {}",
        ":never | {\"not\":{}}",
        ":float | {\"type\":\"number\"}",
        ":keyword | {\"type\":\"string\"}",
        ":bool | {\"type\":\"boolean\"}",
        ":nil | {\"type\":\"null\"}",
        ":map | {\"type\":\"object\"}",
        ":list | {\"type\":\"array\"}",
        "[:array :int [3]] | {\"type\":\"array\",\"items\":{\"type\":\"integer\"},\"minItems\":3,\"maxItems\":3}",
        "[:tuple :int :string] | {\"type\":\"array\",\"prefixItems\":[{\"type\":\"integer\"},{\"type\":\"string\"}],\"minItems\":2,\"maxItems\":2}",
        "[:map-of :string :int] | {\"type\":\"object\",\"additionalProperties\":{\"type\":\"integer\"}}",
        "[:map [:a :int] [:* :string]] | {\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}},\"required\":[\"a\"],\"additionalProperties\":{\"type\":\"string\"}}",
        "[:map [:a :int ?]] | {\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}}}",
        "[:union :int :nil] | {\"anyOf\":[{\"type\":\"integer\"},{\"type\":\"null\"}]}",
        "[:val :x] | {\"const\":\"x\"}",
        "[:and :int [:in-range 1 5]] | {\"type\":\"integer\",\"minimum\":1,\"maximum\":5}",
        "[:and :int [:< 9] [:>= 1]] | {\"type\":\"integer\",\"exclusiveMaximum\":9,\"minimum\":1}",
        "[:and :int [:= 4]] | {\"type\":\"integer\",\"const\":4}",
        "[:and :keyword [:!= :no]] | {\"type\":\"string\",\"not\":{\"const\":\"no\"}}",
        "[:and :string [:length 2] [:non-empty] [:matches-regex \"^a\"] [:is-email]] | {\"type\":\"string\",\"minLength\":1,\"maxLength\":2,\"pattern\":\"^a\",\"format\":\"email\"}",
        "[:and :string [:max-length 4]] | {\"type\":\"string\",\"maxLength\":4}",
        "[:and [:vector :int] [:min-count 1] [:max-count 2]] | {\"type\":\"array\",\"items\":{\"type\":\"integer\"},\"minItems\":1,\"maxItems\":2}",
        "[:and [:vector :int] [:count 2]] | {\"type\":\"array\",\"items\":{\"type\":\"integer\"},\"minItems\":2,\"maxItems\":2}",
        "[:and :map [:has-key :a]] | {\"type\":\"object\",\"required\":[\"a\"]}",
        "[:and :int :number] | {\"allOf\":[{\"type\":\"integer\"},{\"type\":\"number\"}]}",
        "[:and :int :number [:> 1]] | {\"allOf\":[{\"type\":\"integer\"},{\"type\":\"number\"},{\"exclusiveMinimum\":1}]}"
      })
  void type_to_json_schema(String type, String schema) {
    assertThat(toJson(type)).isEqualTo(schema);
  }

  @Test
  void a_round_trip_keeps_meaning() {
    String type =
        "[:map [:name [:and :string [:min-length 1]]] [:tags [:vector :keyword] ?] [:age [:and :int [:in-range 0 150]]]]";
    TypeExpr back = JsonSchemas.toType(JsonSchemas.fromType(TypeParser.parse(type)));
    for (String v :
        new String[] {
          "{:name \"a\" :age 3}", "{:name \"\" :age 3}", "{:name \"a\" :age 200}", "{:age 1}"
        }) {
      Value value = Reader.readValue(v);
      assertThat(Validator.conforms(back, value))
          .as(v)
          .isEqualTo(Validator.conforms(TypeParser.parse(type), value));
    }
  }

  @Test
  void bad_schemas_say_why() {
    assertThatThrownBy(() -> toType("{\"type\":\"frob\"}"))
        .hasMessage("unknown JSON Schema type \"frob\"");
    assertThatThrownBy(() -> toType("{\"$ref\":\"http://x/s.json\"}"))
        .hasMessage("only local $refs (#/…) are supported, found \"http://x/s.json\"");
    assertThatThrownBy(() -> toType("{\"$ref\":\"#/$defs/nope\"}"))
        .hasMessage("$ref \"#/$defs/nope\" points nowhere");
    assertThatThrownBy(() -> toType("{\"type\":\"string\",\"minLength\":-1}"))
        .hasMessageContaining("non-negative");
    assertThatThrownBy(() -> toType("3"))
        .hasMessageContaining("a JSON Schema is an object or a boolean");
    assertThatThrownBy(() -> toType("{\"type\":3}"))
        .hasMessage("\"type\" is a string or a list of strings, found 3 (integer)");
    assertThatThrownBy(() -> toType("{\"type\":[1]}"))
        .hasMessage("\"type\" entries are strings, found 1 (integer)");
    assertThatThrownBy(() -> toType("{\"type\":\"object\",\"required\":[true]}"))
        .hasMessage("\"required\" entries are strings, found true (boolean)");
    assertThatThrownBy(() -> toType("{\"type\":\"integer\",\"minimum\":\"1\"}"))
        .hasMessage("\"minimum\" is a number, found \"1\" (string)");
    assertThatThrownBy(() -> toType("{\"type\":\"array\",\"maxItems\":1.5}"))
        .hasMessageContaining("\"maxItems\" is a non-negative integer");
    assertThatThrownBy(() -> toType("{\"$ref\":\"#/a/b\",\"a\":3}"))
        .hasMessage("$ref \"#/a/b\" points nowhere");
    String deep = "{\"type\":\"array\",\"items\":".repeat(70) + "{}" + "}".repeat(70);
    assertThatThrownBy(() -> toType(deep)).hasMessage("JSON Schema nested deeper than 64 levels");
  }

  @Test
  void json_schemas_are_told_from_type_expressions() {
    assertThat(JsonSchemas.looksLikeJsonSchema(Json.parse("{\"type\":\"string\"}"))).isTrue();
    assertThat(JsonSchemas.looksLikeJsonSchema(Json.parse("{\"items\":{}}"))).isTrue();
    assertThat(JsonSchemas.looksLikeJsonSchema(Json.parse("{}"))).isTrue();
    assertThat(JsonSchemas.looksLikeJsonSchema(Json.parse("{\"city\":\"Oslo\"}"))).isFalse();
    assertThat(JsonSchemas.looksLikeJsonSchema(Reader.readValue("[:map [:a :int]]"))).isFalse();
    assertThat(JsonSchemas.looksLikeJsonSchema(Reader.readValue(":int"))).isFalse();
  }

  @Test
  void a_recursive_schema_stops_recursing() {
    String tree =
        "{\"$defs\":{\"n\":{\"type\":\"object\",\"properties\":{\"kids\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/n\"}}}}},"
            + "\"$ref\":\"#/$defs/n\"}";
    assertThat(toType(tree)).isEqualTo("[:map [:kids [:vector :any] ?]]");
  }
}
