package dev.agora.provider.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * The in-flight bookkeeping before a connection exists (nothing started, nobody to answer):
 * requests are counted as they are sent, found by their call's progress token, and forgotten when
 * cancelled or failed; the stdio transport under it says it is not running.
 */
class TrackingTransportTest {

  private final List<String> log = new CopyOnWriteArrayList<>();

  private final StdioTransport stdio =
      new StdioTransport(
          Scripted.stdio("idle", "node", List.of(), Duration.ofSeconds(1)),
          McpJsonDefaults.getMapper(),
          log::add,
          () -> log.add("exited"));

  private final TrackingTransport tracking = new TrackingTransport(stdio);

  private static McpSchema.JSONRPCRequest request(String id, String method, Object params) {
    return new McpSchema.JSONRPCRequest(McpSchema.JSONRPC_VERSION, method, id, params);
  }

  @Test
  void requestsAreFoundByTheirCallsTokenAndForgottenWhenCancelledOrFailed() {
    Map<String, Object> meta = Map.of("progressToken", "call-1");
    tracking.sendMessage(
        request("1", "tools/call", McpSchema.CallToolRequest.builder("t").meta(meta).build()));
    tracking.sendMessage(
        request("2", "resources/read", new McpSchema.ReadResourceRequest("mem://x", null)));
    tracking.sendMessage(request("3", "ping", null));
    assertThat(tracking.inFlight()).isEqualTo(3);

    assertThat(tracking.cancel("call-2", "not sent")).isFalse();
    assertThat(tracking.cancel("call-1", "deadline")).isTrue();
    assertThat(tracking.cancel("call-1", "deadline")).as("only once").isFalse();
    assertThat(tracking.inFlight()).isEqualTo(2);

    tracking.failAll("gone");
    assertThat(tracking.inFlight()).isZero();
    assertThat(log).isEmpty();
  }

  @Test
  void theStdioTransportBeforeItStartedIsNotRunning() {
    assertThat(stdio.pid()).isEqualTo(-1);
    assertThat(tracking.inner()).isSameAs(stdio);
    assertThatThrownBy(() -> stdio.sendMessage(request("1", "ping", null)).block())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("MCP server 'idle' is not running");
    tracking.close(); // nothing to stop
    assertThat(log).isEmpty();
  }

  @Test
  void anOwnRequestThatCannotBeSentFailsAtOnceAndIsNotLeftInFlight() {
    assertThat(tracking.direct()).as("over stdio, Agora sends its own requests").isTrue();
    assertThat(tracking.exchange("tools/call", McpSchema.CallToolRequest.builder("t").build()))
        .isCompletedExceptionally()
        .failsWithin(Duration.ZERO)
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .withMessage("MCP server 'idle' is not running");
    assertThat(tracking.inFlight()).isZero();
  }

  @Test
  void overHttpEveryRequestGoesThroughTheSdksSession() {
    TrackingTransport http =
        new TrackingTransport(
            io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport.builder(
                    "http://127.0.0.1:9")
                .build());
    assertThat(http.direct()).isFalse();
  }
}
