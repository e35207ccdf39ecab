package dev.agora.provider.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.error.AgoraError;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stdio server that stops reading its input while alive: the write that fills its pipe would wait
 * for good, and every request after it behind it, so the server is stopped once a write has waited
 * a whole timeout; the next call gets a new server.
 */
@Timeout(60)
class StuckInputTest {

  @TempDir Path dir;

  @Test
  void aServerThatStopsReadingIsStoppedAndReplaced() throws Exception {
    String scenario =
        """
        {"replies": {
          "tools/list": {"result": {"tools": [
            {"name": "mute", "inputSchema": {"type": "object"}},
            {"name": "echo", "inputSchema": {"type": "object"}},
            {"name": "again", "inputSchema": {"type": "object"}, "annotations": {"idempotentHint": true}}]}},
          "tools/call:mute": {"seq": [{"stopReading": true}, {"echo": true}]},
          "tools/call:echo": {"echo": true},
          "tools/call:again": {"echo": true}
        }}
        """;
    try (McpFixture m = Scripted.start(dir, scenario, "timeout: 1s")) {
      assertThat(m.call("mcp.s.echo", "{:x 1}").toString()).contains("\\\"x\\\":1");
      assertThat(m.source("s").upstream().ready())
          .as("connected: calls run on their thread")
          .isTrue();
      assertThatThrownBy(() -> m.call("mcp.s.mute", null))
          .as("no answer: the call's deadline")
          .isInstanceOf(AgoraError.Timeout.class);
      String big = "{:text \"" + "y".repeat(300_000) + "\"}";
      assertThatThrownBy(() -> m.call("mcp.s.echo", big))
          .as("its pipe full, the request is not taken: the call's deadline")
          .isInstanceOf(AgoraError.Timeout.class);
      assertThat(
              m.awaitLog("mcp s: the server has not read its input for 1000 ms; stopping it", 20))
          .as("the write that waited a whole timeout stops the server")
          .isTrue();
      assertThat(m.call("mcp.s.again", "{:x 2}").toString())
          .as("a new server (sent again if it met the old one's end: the tool is idempotent)")
          .contains("\\\"x\\\":2");
    }
  }
}
