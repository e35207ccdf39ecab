package dev.agora.provider.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventType;
import dev.agora.rtfs.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * notifications/tools/list_changed from a running server updates the registry, and the change is
 * recorded.
 */
@Timeout(120)
class ListChangedTest {

  @TempDir Path dir;

  @Test
  void toolsAddedAndRemovedWhileRunningReachTheRegistry() throws Exception {
    try (JavaMcpServer upstream = new JavaMcpServer();
        McpFixture m =
            new McpFixture(
                dir, "sources: [{name: java, type: mcp, url: \"" + upstream.url() + "\"}]\n")) {
      assertThat(m.call("mcp.java.echo", "{:message \"first\"}")).isEqualTo(Value.of("first"));
      assertThat(m.marketplace.registry().get("mcp.java.greet")).isNull();

      upstream.add("greet");
      Event added = m.awaitEvent(EventType.CapabilityRegistered, "mcp.java.greet");
      assertThat(added.metadata().get("source")).isEqualTo(Value.of("java"));
      assertThat(m.call("mcp.java.greet", "{:message \"hello\"}"))
          .isEqualTo(Value.of("greet: hello"));

      upstream.add("read-resource"); // Agora's own id for the server: refused, and said so
      assertThat(
              m.awaitLog(
                  ".name: a tool named 'read-resource' is not loaded: mcp.java.read-resource is"
                      + " Agora's reader of the server's resources",
                  30))
          .as(m.logText())
          .isTrue();
      assertThat(m.marketplace.registry().get("mcp.java.read-resource")).isNull();

      upstream.remove("greet");
      m.awaitEvent(EventType.CapabilityRemoved, "mcp.java.greet");
      assertThat(m.marketplace.registry().get("mcp.java.greet")).isNull();
      assertThat(m.marketplace.registry().get("mcp.java.echo")).isNotNull();
    }
  }

  @Test
  void noiseOnAStdioServersStdoutIsLoggedAndSkipped() throws Exception {
    Path noisy = dir.resolve("noisy.sh");
    Files.writeString(
        noisy,
        "#!/bin/sh\necho 'this is not JSON-RPC'\nexec "
            + Peers.exe("mcp-server-everything")
            + "\n");
    noisy.toFile().setExecutable(true);
    try (McpFixture m =
        new McpFixture(dir, "sources: [{name: noisy, type: mcp, command: \"" + noisy + "\"}]\n")) {
      assertThat(m.reports).singleElement().satisfies(r -> assertThat(r.failure()).isNull());
      assertThat(m.call("mcp.noisy.echo", "{:message \"fine\"}")).isEqualTo(Value.of("Echo: fine"));
      assertThat(m.logText())
          .contains("mcp noisy: skipped a stdout line that is not JSON-RPC: this is not JSON-RPC");
    }
  }
}
