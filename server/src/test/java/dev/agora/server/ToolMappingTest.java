package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.json.Json;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Reader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How capabilities become MCP tools without a server: names that MCP accepts, input schemas (an
 * object as it is, anything else wrapped as the one argument {@code input}), and arguments back
 * into an input.
 */
class ToolMappingTest {

  private static CapabilityManifest cap(String input) {
    CapabilityManifest.Builder b = CapabilityManifest.builder("t.cap").effects("pure");
    return (input == null ? b : b.input(input)).build();
  }

  @Test
  void toolNamesAreValidUniqueAndStable() {
    ToolNames names = new ToolNames();
    assertThat(names.name("ccos.echo")).isEqualTo("ccos.echo");
    assertThat(names.name("com.acme.db:v1.0:sales-query"))
        .isEqualTo("com.acme.db_v1.0_sales-query");
    assertThat(names.name("com.acme.db/v1.0/sales-query"))
        .isEqualTo("com.acme.db_v1.0_sales-query_2");
    assertThat(names.name("com.acme.db:v1.0:sales-query"))
        .as("stable")
        .isEqualTo("com.acme.db_v1.0_sales-query");
    String longId = "a".repeat(200);
    String longName = names.name(longId);
    assertThat(longName).hasSize(128).matches("a{119}_[0-9a-f]{8}");
    String clash = names.name("a".repeat(199) + ":");
    assertThat(clash).hasSizeLessThanOrEqualTo(128).isNotEqualTo(longName);
    assertThat(names.id(longName)).isEqualTo(longId);
    String full = "x".repeat(127);
    assertThat(names.name(full + ":")).isEqualTo(full + "_");
    assertThat(names.name(full + "/"))
        .as("a clash at the longest name: cut to make room for the suffix")
        .isEqualTo("x".repeat(126) + "_2");
    assertThat(names.id("never.named")).isNull();
  }

  @Test
  void objectInputsAreTheToolsSchemaAndOthersAreWrapped() {
    assertThat(Tools.inputSchema(cap("[:map [:a :int]]")))
        .containsEntry("type", "object")
        .containsEntry("required", List.of("a"));
    assertThat(Tools.inputSchema(cap("[:optional [:map [:a :int] [:b :string ?]]]")))
        .as("object or nil: the object")
        .containsEntry("type", "object");
    Map<String, Object> wrapped = Tools.inputSchema(cap("[:vector :int]"));
    assertThat(wrapped)
        .containsEntry("type", "object")
        .containsEntry("required", List.of("input"))
        .containsEntry("additionalProperties", false);
    assertThat(Tools.inputSchema(cap(":int?"))).doesNotContainKey("required");
    assertThat(Tools.inputSchema(cap(null)))
        .as("no schema: anything, optional")
        .containsEntry("properties", Map.of("input", Map.of()))
        .doesNotContainKey("required");
    assertThat(Tools.inputSchema(cap("[:union :int :string]")))
        .containsEntry("required", List.of("input"));
    assertThat(Tools.inputSchema(cap("[:val ##Inf]")))
        .as("a schema JSON cannot hold: anything, optional")
        .containsEntry("properties", Map.of("input", Map.of()))
        .doesNotContainKey("required");
    assertThat(Tools.inputSchema(cap("[:union [:map [:a :int]] :string]")))
        .as("not object-or-nil")
        .containsEntry("required", List.of("input"));
    assertThat(Tools.inputSchema(cap("[:union :nil :string]")))
        .as("nil or a string: wrapped, and optional")
        .containsKey("properties")
        .doesNotContainKey("required");
    assertThat(Tools.inputSchema(cap("[:union :nil [:map [:a :int]] :string]")))
        .as("three choices: wrapped, optional")
        .doesNotContainKey("required")
        .satisfies(
            s ->
                assertThat(List.copyOf(((Map<?, ?>) s.get("properties")).keySet()))
                    .isEqualTo(List.of("input")));
  }

  @Test
  void argumentsBecomeTheInput() {
    CapabilityManifest map = cap("[:map [:a :int]]");
    assertThat(Tools.input(map, args(Map.of("a", 1)), true)).isEqualTo(Reader.readValue("{:a 1}"));
    assertThat(Tools.input(map, Dict.EMPTY, true)).isEqualTo(Reader.readValue("{}"));
    CapabilityManifest maybe = cap("[:optional [:map [:a :int]]]");
    assertThat(Tools.input(maybe, args(Map.of()), true))
        .as("no arguments, nil allowed")
        .isEqualTo(Value.NIL);
    CapabilityManifest wrapped = cap("[:vector :int]");
    assertThat(Tools.input(wrapped, args(Map.of("input", List.of(1, 2))), false))
        .isEqualTo(Reader.readValue("[1 2]"));
    assertThat(Tools.input(wrapped, args(Map.of()), false)).isEqualTo(Value.NIL);
    assertThatThrownBy(() -> Tools.input(wrapped, args(Map.of("b", 1, "a", 2)), false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the arguments a, b");
    assertThatThrownBy(() -> Tools.input(wrapped, args(Map.of("x", 1)), false))
        .hasMessage("the argument x");
  }

  private static Dict args(Map<String, ?> m) {
    return (Dict) Json.fromJava(m);
  }
}
