package dev.agora.provider.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a server may leave out of a listing or an answer, and the form Agora gives it then. */
class McpMappingFormsTest {

  @TempDir Path dir;

  @Test
  void aToolWithoutANameIsNotLoaded() {
    assertThat(McpMapping.refusal("s", null)).isEqualTo("a tool without a name is not loaded");
    assertThat(McpMapping.refusal("s", "  ")).isEqualTo("a tool without a name is not loaded");
    assertThat(McpMapping.refusal("s", "echo")).isNull();
  }

  @Test
  void answersWithPartsLeftOutAreStillValues() {
    // the SDK's records refuse a null content, contents or messages list: empty is the least
    assertThatThrownBy(
            () -> McpMapping.result(new McpSchema.CallToolResult(List.of(), true, null, null)))
        .isInstanceOf(McpConnection.ServerError.class)
        .hasMessage("the tool reported an error without a message");
    assertThat(McpMapping.result(new McpSchema.CallToolResult(List.of(), false, null, null)))
        .as("no content, no error: nothing")
        .isEqualTo(Vec.of(List.of()));
    assertThat(
            Printer.print(
                McpMapping.result(
                    new McpSchema.CallToolResult(List.of(), false, Map.of("n", 1), null))))
        .isEqualTo("{:n 1}");
    assertThat(McpMapping.read(new McpSchema.ReadResourceResult(List.of(), null)))
        .isEqualTo(Vec.of(List.of()));
    assertThat(Printer.print(McpMapping.prompt(new McpSchema.GetPromptResult(null, List.of()))))
        .isEqualTo("{:description nil :messages []}");
  }

  @Test
  void aTemplateWithoutTitleOrDescriptionIsNamedByItsName() {
    McpServerConfig config = Scripted.config(dir, Duration.ofSeconds(5));
    CapabilityManifest bare =
        McpMapping.template(
            config,
            "mcp.s.template.t",
            new McpSchema.ResourceTemplate("s://t/{id}", "t", null, null, null),
            "1.0.0");
    assertThat(bare.name()).isEqualTo("t");
    assertThat(bare.description()).isEqualTo("(MCP resource template s://t/{id})");
    CapabilityManifest told =
        McpMapping.template(
            config,
            "mcp.s.template.t",
            new McpSchema.ResourceTemplate("s://t/{id}", "t", "Tee", "All tees", null, null),
            "1.0.0");
    assertThat(told.name()).isEqualTo("Tee");
    assertThat(told.description()).isEqualTo("All tees (MCP resource template s://t/{id})");
    assertThat(Value.of("s://t/{id}"))
        .isEqualTo(((Dict) told.metadata().get("mcp")).get("uri-template"));
  }
}
