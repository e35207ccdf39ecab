package dev.agora.provider.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.rtfs.Printer;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Content kinds a newer server may send that this SDK has no class for: kept as their type (and
 * URI), not dropped or failed.
 */
class McpMappingTest {

  /** A content kind from a later protocol version. */
  private record Video(String type) implements McpSchema.Content {
    @Override
    public Map<String, Object> meta() {
      return null;
    }
  }

  /** Resource contents that are neither text nor a blob. */
  private record Pointer(String uri, String mimeType) implements McpSchema.ResourceContents {
    @Override
    public Map<String, Object> meta() {
      return null;
    }
  }

  @Test
  void anUnknownContentKindIsItsType() {
    assertThat(Printer.print(McpMapping.content(new Video("video"))))
        .isEqualTo("{:type \"video\"}");
  }

  @Test
  void unknownResourceContentsAreTheirUriAndMimeType() {
    assertThat(
            Printer.print(
                McpMapping.read(
                    new McpSchema.ReadResourceResult(
                        List.of(new Pointer("mem://p", "x/y")), null))))
        .isEqualTo("[{:uri \"mem://p\" :mime-type \"x/y\"}]");
  }
}
