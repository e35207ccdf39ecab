package dev.agora.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.core.json.Json;
import dev.agora.provider.mcp.NodePeer;
import dev.agora.provider.mcp.Peers;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.Value;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge, A2A to MCP, end to end: the official TypeScript MCP SDK client (interop/a2a/
 * mcp-bridge.mjs) uses a real A2A agent (the JS SDK's, interop/a2a/agent.mjs) through {@code
 * ./agora serve}'s /mcp — its skills listed as tools, a reply, a streamed task whose statuses reach
 * the MCP client as progress notifications, and an MCP cancellation that cancels the remote task —
 * each call recorded in the Causal Chain.
 */
@Timeout(300)
class A2aBridgeIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final String AGORA = ROOT.resolve("agora").toString();

  @TempDir Path dir;

  @Test
  void anMcpClientUsesAnA2aAgentThroughAgora() throws Exception {
    try (NodePeer agent = new NodePeer("a2a/agent.mjs")) {
      Path config = dir.resolve("agora.yaml");
      Files.writeString(
          config,
          """
          sources:
            - {name: helper, type: a2a, url: "%s"}
          policy:
            egress: {allow: ["*"], private: ["127.0.0.1"]}
          contexts:
            operator: {level: full}
          default_context: operator
          data_dir: data
          server:
            port: 0
            anonymous: operator
          """
              .formatted(agent.base));
      Dict out;
      try (ServeProcess serve =
          ServeProcess.start(new ProcessBuilder(AGORA, "serve", "--config", config.toString()))) {
        Process client =
            new ProcessBuilder(
                    "node", Peers.script("a2a/mcp-bridge.mjs"), serve.endpoint(), "helper")
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try {
          String line =
              new BufferedReader(
                      new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))
                  .readLine();
          assertThat(line).as("the script's answer").startsWith("{");
          out = (Dict) Json.parse(line);
          // the MCP cancellation reached the agent as CancelTask, while the session is open
          assertThat(agent.nextLine()).as(Printer.print(out)).startsWith("canceled ");
        } finally {
          client.getOutputStream().close(); // now the script closes its session and ends
          if (!client.waitFor(60, TimeUnit.SECONDS)) {
            client.destroyForcibly();
          }
        }
        assertThat(client.exitValue()).isZero();
      }
      for (String check : List.of("tools", "reply", "stream", "cancel")) {
        Value v = out.get(check);
        assertThat(v).as(check).isInstanceOf(Dict.class);
        assertThat(((Dict) v).get("ok")).as(check + ": " + Printer.print(v)).isEqualTo(Value.TRUE);
      }
      assertThat(Printer.print(((Dict) out.get("tools")).get("names")))
          .contains("a2a.helper.reply", "a2a.helper.stream", "a2a.helper.forever");
      assertThat(Printer.print(((Dict) out.get("reply")).get("text"))).contains("echo: from MCP");
      Dict stream = (Dict) out.get("stream");
      assertThat(Printer.print(stream.get("text"))).contains("done: sum");
      // each status the task went through, in order, as the MCP client saw it
      assertThat(Printer.print(stream.get("progress")))
          .containsSubsequence(": working", ": working — working", ": completed");
      assertThat(Printer.print(((Dict) out.get("cancel")).get("progress"))).contains(": working");
      assertThat(ChainShown.results(config, "a2a.helper.stream"))
          .contains("done: sum", ":state :completed");
      assertThat(ChainShown.results(config, "a2a.helper.forever").toLowerCase()).contains("cancel");
    }
  }
}
