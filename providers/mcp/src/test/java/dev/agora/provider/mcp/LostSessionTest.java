package dev.agora.provider.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.spec.McpTransportSessionNotFoundException;
import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

/** Which failures mean the server no longer knows the session (re-initialize) and which do not. */
class LostSessionTest {

  @Test
  void aLostSessionOrAGoneServerIsRecognisedAnywhereInTheCauses() {
    assertThat(McpConnection.lost(new McpTransportSessionNotFoundException("abc"))).isTrue();
    assertThat(
            McpConnection.lost(
                new RuntimeException("wrapped", new IOException("Session terminated"))))
        .isTrue();
    assertThat(McpConnection.lost(new IllegalStateException("session not found: 42"))).isTrue();
    assertThat(McpConnection.lost(new IllegalStateException("Session closed"))).isTrue();
    assertThat(McpConnection.lost(new IllegalStateException("MCP server 's' exited"))).isTrue();
    assertThat(McpConnection.lost(new IllegalStateException("MCP server 's' is not running")))
        .isTrue();
    assertThat(McpConnection.lost(new RuntimeException(new ConnectException("Connection refused"))))
        .isTrue();
    assertThat(
            McpConnection.lost(
                new IllegalStateException("cannot write to MCP server 's': Broken pipe")))
        .isTrue();
  }

  @Test
  void otherFailuresAreNot() {
    assertThat(McpConnection.lost(new RuntimeException("Invalid params"))).isFalse();
    assertThat(McpConnection.lost(new RuntimeException("session expired soon"))).isFalse();
    assertThat(McpConnection.lost(new RuntimeException((String) null))).isFalse();
  }

  @Test
  void theMostTellingMessageIsAgorasOwnElseTheDeepest() {
    assertThat(
            McpConnection.telling(
                new RuntimeException(
                    "Client failed to initialize",
                    new IllegalStateException("cannot start MCP server 's' (x): no such file"))))
        .isEqualTo("cannot start MCP server 's' (x): no such file");
    assertThat(McpConnection.telling(new RuntimeException("outer", new IOException("inner"))))
        .isEqualTo("inner");
    assertThat(McpConnection.telling(new RuntimeException("outer", new IOException())))
        .isEqualTo("outer");
    assertThat(McpConnection.telling(new IOException())).isEqualTo("IOException");
  }
}
