package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.provider.mcp.Peers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official A2A JS SDK's clients against Agora's agent endpoint: @a2a-js/sdk 1.3.0 (protocol
 * 1.0) and 0.3.14 (protocol 0.3), each over JSON-RPC and HTTP+JSON, finding the endpoint from the
 * agent card, sending, streaming and canceling (interop/a2a/agora-client.mjs).
 */
@Timeout(300)
class A2aInteropTest {

  @TempDir static java.nio.file.Path dir;
  static A2aFixture f;

  @BeforeAll
  static void start() throws Exception {
    f = new A2aFixture(dir, "{task_after: 300ms}");
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  static Peers.Run client(String sdk, String binding, String skill, String args, String mode)
      throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "node",
                Peers.script("a2a/agora-client.mjs"),
                sdk,
                binding,
                f.base(),
                A2aFixture.OPS_KEY,
                skill,
                args,
                mode));
    return Peers.run(cmd, Map.of());
  }

  @Test
  void bothSdkVersionsOverBothBindingsGetTheSkillsResult() throws Exception {
    for (String sdk : List.of("v1", "v03")) {
      for (String binding : List.of("JSONRPC", "HTTP+JSON")) {
        Peers.Run r = client(sdk, binding, "ccos.math.add", "{\"a\":40,\"b\":2}", "send");
        assertThat(r.exit()).as(sdk + " " + binding + ": " + r.err()).isZero();
        assertThat(r.out()).as(sdk + " " + binding).contains("42");
      }
    }
  }

  @Test
  void aSlowSkillStreamsItsTaskToTheEndAndCanBeCanceled() throws Exception {
    for (String sdk : List.of("v1", "v03")) {
      for (String binding : List.of("JSONRPC", "HTTP+JSON")) {
        String gate = sdk + binding;
        f.server.a2a().becameTask = run -> f.open(gate);
        Peers.Run r = client(sdk, binding, "test.gate", "{\"gate\":\"" + gate + "\"}", "stream");
        assertThat(r.exit()).as(sdk + " " + binding + ": " + r.err()).isZero();
        // the task, its working status, the result as an artifact, then completed (1.0's enum: 3)
        assertThat(r.out())
            .as(sdk + " " + binding)
            .contains("\"opened\":\"" + gate + "\"")
            .contains(sdk.equals("v1") ? "\"state\":3" : "\"state\":\"completed\"");

        f.server.a2a().becameTask = run -> {};
        Peers.Run c = client(sdk, binding, "test.gate", "{\"gate\":\"never\"}", "cancel");
        assertThat(c.exit()).as(sdk + " " + binding + " cancel: " + c.err()).isZero();
        assertThat(c.out())
            .as(sdk + " " + binding + " cancel")
            .contains("canceled by the caller")
            .contains(sdk.equals("v1") ? "\"state\":5" : "\"state\":\"canceled\"");
      }
    }
  }
}
