package dev.agora.provider.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.rtfs.Value;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that declared tools only: its tools are called on Agora's own lane (nothing is left in
 * flight), and a resource read or prompt get — which it never offered — goes to the SDK's client as
 * it always did: it refuses the read without sending it, and sends the get (the server refuses).
 */
class UndeclaredCapabilityTest {

  @TempDir Path dir;

  @Test
  void onlyWhatTheServerDeclaredIsSent() throws Exception {
    String scenario =
        """
        {"init": {"capabilities": {"tools": {}}}, "replies": {
          "tools/list": {"result": {"tools": [{"name": "echo", "inputSchema": {"type": "object"}}]}},
          "tools/call:echo": {"echo": true}
        }}
        """;
    try (McpFixture m = Scripted.start(dir, scenario)) {
      assertThat(m.call("mcp.s.echo", "{:x 1}").toString()).contains("\\\"x\\\":1");
      assertThat(m.source("s").connection().inFlight()).isZero();
      Upstream up = m.source("s").upstream();
      assertThatThrownBy(
              () ->
                  up.readResource(
                      new McpSchema.ReadResourceRequest("mem://x", null),
                      Duration.ofSeconds(5),
                      null))
          .isInstanceOf(McpConnection.Unavailable.class)
          .hasMessageContaining("resources/read mem://x on MCP server 's' failed")
          .hasMessageContaining("resources capability");
      assertThatThrownBy(
              () ->
                  up.getPrompt(
                      new McpSchema.GetPromptRequest("p", null), Duration.ofSeconds(5), null))
          .as("the SDK's client sends a prompts/get whatever the server declared")
          .isInstanceOf(McpConnection.ServerError.class)
          .hasMessage("no prompts/get here");
      assertThat(m.call("mcp.s.echo", "{:x 2}")).isNotEqualTo(Value.NIL);
    }
  }
}
