package dev.agora.provider.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.error.AgoraError;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How calls on Agora's own lane to a stdio server fail: as they failed through the SDK's client — a
 * result of the wrong shape is the provider's error, not an exception escaping the call path; a
 * call in flight when the connection closes ends at once, not at its deadline.
 */
class OwnLaneFailuresTest {

  @TempDir Path dir;

  private static final String SCENARIO =
      """
      {"init": {"capabilities": {"tools": {}}}, "replies": {
        "tools/list": {"result": {"tools": [
          {"name": "odd", "inputSchema": {"type": "object"}},
          {"name": "hang", "inputSchema": {"type": "object"}}]}},
        "tools/call:odd": {"result": {"content": 5}},
        "tools/call:hang": {"hang": true}
      }}
      """;

  @Test
  void aResultOfTheWrongShapeIsTheProvidersError() throws Exception {
    try (McpFixture m = Scripted.start(dir, SCENARIO)) {
      assertThatThrownBy(() -> m.call("mcp.s.odd", null))
          .isInstanceOf(AgoraError.ProviderError.class)
          .hasMessageStartingWith(
              "capability 'mcp.s.odd' failed: tools/call odd on MCP server 's' failed:"
                  + " Cannot deserialize");
      assertThat(m.source("s").connection().inFlight()).isZero();
    }
  }

  @Test
  void aCallInFlightWhenTheConnectionClosesEndsAtOnce() throws Exception {
    try (McpFixture m = Scripted.start(dir, SCENARIO, "timeout: 120s")) {
      McpConnection c = m.source("s").connection();
      CompletableFuture<Throwable> ended = new CompletableFuture<>();
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  m.call("mcp.s.hang", null);
                  ended.complete(null);
                } catch (Throwable t) {
                  ended.complete(t);
                }
              });
      while (c.inFlight() == 0) {
        Thread.onSpinWait(); // until the call is sent
      }
      long start = System.nanoTime();
      c.close();
      assertThat(ended.get(30, TimeUnit.SECONDS))
          .isInstanceOf(AgoraError.ProviderError.class)
          .hasMessageContaining("the connection to MCP server 's' is closed");
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("not its 120 s deadline")
          .isLessThan(Duration.ofSeconds(30));
    }
  }
}
