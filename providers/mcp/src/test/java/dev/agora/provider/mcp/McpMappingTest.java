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

  @Test
  void aUriMatchesTheResourceTemplatesItCanBeExpandedFrom() {
    assertThat(McpMapping.matches("demo://text/{id}", "demo://text/42")).isTrue();
    assertThat(McpMapping.matches("demo://text/{id}", "demo://text/4/2")).isFalse();
    assertThat(McpMapping.matches("demo://text/{id}", "demo://blob/42")).isFalse();
    assertThat(McpMapping.matches("file:///{+path}", "file:///a/b/c.txt")).isTrue();
    assertThat(McpMapping.matches("doc://x{#frag}", "doc://x#part")).isTrue();
    assertThat(McpMapping.matches("s://q{?a,b}", "s://q?a=1&b=2")).isTrue();
    assertThat(McpMapping.matches("s://q{?a,b}", "s://q")).isTrue();
    assertThat(McpMapping.matches("s://p{/seg}", "s://p/one/two")).isTrue();
    assertThat(McpMapping.matches("s://f{.ext}", "s://f.tar.gz")).isTrue();
    assertThat(McpMapping.matches("s://m{;k}", "s://m;k=1")).isTrue();
    assertThat(McpMapping.matches("s://lit.(x)", "s://lit.(x)")).isTrue();
    assertThat(McpMapping.matches("s://lit.(x)", "s://litA(x)"))
        .as("literals are quoted")
        .isFalse();
    assertThat(McpMapping.matches("s://broken{id", "s://broken{id")).isTrue();
    assertThat(McpMapping.matches("s://e{}", "s://e")).isTrue();
  }
}
