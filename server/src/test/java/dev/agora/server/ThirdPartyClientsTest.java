package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.core.json.Json;
import dev.agora.provider.mcp.Peers;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Agora's /mcp with clients Agora did not write: the official TypeScript SDK client and the MCP
 * Inspector CLI, both from the npm registry — including a call the policy denies.
 */
@Timeout(180)
class ThirdPartyClientsTest extends AgainstGateway {

  @Test
  void theTypeScriptSdkClientListsAndCallsToolsIncludingADeniedOne() throws Exception {
    String calls =
        """
        [{"name": "mcp.everything.echo", "arguments": {"message": "from TypeScript"}},
         {"name": "ccos.math.add", "arguments": {"input": [20, 22]}},
         {"name": "ccos.io.log", "arguments": {"input": "x"}}]""";
    Peers.Run r =
        Peers.run(
            List.of(
                "node",
                Peers.script("ts-client.mjs"),
                "http",
                g.url(),
                GatewayFixture.AGENT_KEY,
                calls),
            Map.of());
    assertThat(r.exit()).as(r.err()).isZero();
    Dict out = (Dict) Json.parse(r.out());
    assertThat(Printer.print(((Dict) out.get("server")).get("name"))).isEqualTo("\"agora\"");
    assertThat(((Seq) out.get("tools")).items())
        .extracting(Printer::print)
        .containsExactlyInAnyOrder(
            "\"ccos.echo\"",
            "\"ccos.math.add\"",
            "\"mcp.everything.echo\"",
            "\"mcp.everything.get-sum\"");
    List<Value> results = ((Seq) out.get("calls")).items();
    assertThat(((Dict) results.get(0)).get("text")).isEqualTo(Value.of("Echo: from TypeScript"));
    assertThat(((Dict) results.get(1)).get("text")).isEqualTo(Value.of("42"));
    assertThat(((Dict) results.get(2)).get("isError")).isEqualTo(Value.TRUE);
    assertThat(((Dict) results.get(2)).get("text").toString())
        .contains("AccessDenied")
        .contains("policy.deny[0]");

    Peers.Run noKey =
        Peers.run(
            List.of("node", Peers.script("ts-client.mjs"), "http", g.url(), "", "[]"), Map.of());
    assertThat(noKey.exit()).isNotZero();
    assertThat(noKey.err()).contains("401");
  }

  @Test
  void theMcpInspectorCliListsAndCallsTools() throws Exception {
    List<String> base =
        List.of(
            Peers.exe("mcp-inspector"),
            "--cli",
            g.url(),
            "--transport",
            "http",
            "--header",
            "Authorization: Bearer " + GatewayFixture.OPS_KEY);
    Peers.Run list = Peers.run(concat(base, "--method", "tools/list"), Map.of());
    assertThat(list.exit()).as(list.err()).isZero();
    assertThat(list.out())
        .contains("\"name\": \"ccos.time.now\"")
        .contains("\"name\": \"mcp.everything.echo\"")
        .doesNotContain("\"name\": \"ccos.io.log\"");
    Peers.Run call =
        Peers.run(
            concat(
                base,
                "--method",
                "tools/call",
                "--tool-name",
                "mcp.everything.echo",
                "--tool-arg",
                "message=inspected"),
            Map.of());
    assertThat(call.exit()).as(call.err()).isZero();
    assertThat(call.out()).contains("Echo: inspected");
    // listed (time windows are checked at call time), then refused by the policy's time window
    Peers.Run denied =
        Peers.run(
            concat(
                base,
                "--method",
                "tools/call",
                "--tool-name",
                "ccos.data.to-json",
                "--tool-arg",
                "input=1"),
            Map.of());
    assertThat(denied.out())
        .contains("\"isError\": true")
        .contains("AccessDenied")
        .contains("policy.time_windows[0]");
  }

  private static List<String> concat(List<String> a, String... b) {
    List<String> out = new java.util.ArrayList<>(a);
    out.addAll(List.of(b));
    return out;
  }
}
