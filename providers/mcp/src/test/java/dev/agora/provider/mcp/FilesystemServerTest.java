package dev.agora.provider.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.error.AgoraError;
import dev.agora.rtfs.Printer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * @modelcontextprotocol/server-filesystem over stdio: reads inside its root, refuses outside.
 */
@Timeout(120)
class FilesystemServerTest {

  @TempDir Path dir;

  @Test
  void readsInsideItsRootAndRefusesOutside() throws Exception {
    Path allowed = Files.createDirectories(dir.resolve("allowed"));
    Files.writeString(allowed.resolve("note.txt"), "hello from the filesystem server");
    Path outside = Files.writeString(dir.resolve("secret.txt"), "do not read");
    try (McpFixture m =
        new McpFixture(
            dir,
            """
        sources:
          - name: files
            type: mcp
            command: %s
            args: [%s]
        """
                .formatted(Peers.exe("mcp-server-filesystem"), allowed))) {
      assertThat(m.reports).singleElement().satisfies(r -> assertThat(r.failure()).isNull());
      assertThat(m.marketplace.registry().get("mcp.files.read_text_file")).isNotNull();
      String inside =
          Printer.print(
              m.call(
                  "mcp.files.read_text_file",
                  "{:path " + Printer.quote(allowed.resolve("note.txt").toString()) + "}"));
      assertThat(inside).contains("hello from the filesystem server");
      assertThatThrownBy(
              () ->
                  m.call(
                      "mcp.files.read_text_file",
                      "{:path " + Printer.quote(outside.toString()) + "}"))
          .isInstanceOf(AgoraError.ProviderError.class)
          .hasMessageContaining("MCP server 'files'")
          .hasMessageContaining("outside allowed directories")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("do not read"));
      assertThat(m.marketplace.registry().get("mcp.files.write_file").effects()).contains("writes");
    }
  }
}
