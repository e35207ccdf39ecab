package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcontextprotocol.modern.client.McpSyncClient;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A 2026-07-28 client whose elicitation handler fails: its call fails on the client's side, and the
 * round it leaves open in Agora ends at the call's deadline (the protocol gives the server no word
 * of a client that gave up). On a gateway of its own, since that call stays in flight upstream
 * meanwhile.
 */
@Timeout(120)
class ModernClientGivesUpTest extends AgainstGateway {

  @Test
  void aClientThatFailsToAnswerFailsTheCall() {
    McpSyncClient failing =
        ModernClientTest.client(
            ModernClientTest.builder()
                .formElicitation(
                    r -> {
                      throw new IllegalStateException("nobody at the keyboard");
                    }));
    assertThatThrownBy(
            () ->
                failing
                    .tool("mcp.everything.trigger-elicitation-request")
                    .arguments(Map.of())
                    .call())
        .hasMessageContaining("nobody at the keyboard");
  }
}
