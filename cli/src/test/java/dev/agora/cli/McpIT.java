package dev.agora.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.core.json.Json;
import dev.agora.provider.mcp.Peers;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./agora mcp}, {@code ./agora serve} and the MCP example as a user runs them, against the
 * packaged jar: third-party clients (the TypeScript SDK, the MCP Inspector CLI) over stdio and
 * HTTP, a denied call, and a gateway that takes its upstream MCP server down with it when it stops.
 */
@Timeout(240)
class McpIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final String AGORA = ROOT.resolve("agora").toString();

  @TempDir Path dir;

  Path config;

  @BeforeEach
  void writeConfig() throws IOException {
    config = dir.resolve("agora.yaml");
    Files.writeString(
        config,
        """
        sources:
          - {name: everything, type: mcp, command: "%s"}
        policy:
          deny: ["ccos.io.*"]
        contexts:
          operator: {level: full}
          agent: {level: controlled, allow: ["ccos.echo", "ccos.io.log", "mcp.everything.echo"]}
        default_context: operator
        data_dir: data
        server:
          port: 0
          anonymous: agent
        """
            .formatted(Peers.exe("mcp-server-everything")));
  }

  private static final String CALLS =
      """
      [{"name": "mcp.everything.echo", "arguments": {"message": "via agora"}},
       {"name": "ccos.io.log", "arguments": {"input": "x"}}]""";

  /**
   * The agent's view: only what it may call is listed; a denied call is an isError result, not a
   * failure.
   */
  private static void assertAgentSession(String json) {
    Dict out = (Dict) Json.parse(json);
    assertThat(((Seq) out.get("tools")).items())
        .as(json)
        .extracting(Printer::print)
        .containsExactlyInAnyOrder("\"ccos.echo\"", "\"mcp.everything.echo\"");
    List<Value> calls = ((Seq) out.get("calls")).items();
    assertThat(((Dict) calls.get(0)).get("text")).isEqualTo(Value.of("Echo: via agora"));
    assertThat(((Dict) calls.get(0)).get("isError")).isEqualTo(Value.FALSE);
    assertThat(((Dict) calls.get(1)).get("isError")).isEqualTo(Value.TRUE);
    assertThat(((Dict) calls.get(1)).get("text").toString())
        .contains("AccessDenied")
        .contains("policy.deny[0]");
  }

  @Test
  void the_typescript_sdk_client_uses_agora_mcp_over_stdio() throws Exception {
    String command =
        Json.write(
            Json.fromJava(List.of(AGORA, "mcp", "--config", config.toString(), "--as", "agent")));
    Peers.Run r =
        Peers.run(
            List.of("node", Peers.script("ts-client.mjs"), "stdio", command, CALLS), Map.of());
    assertThat(r.exit()).as(r.err()).isZero();
    assertAgentSession(r.out());
    assertThat(r.err()).contains("agora: MCP over stdio as 'agent', 2 tools");
    // the calls were recorded in the chain of the data dir the config names
    Process verify =
        new ProcessBuilder(
                AGORA, "chain", "show", "--config", config.toString(), "--caller", "agent")
            .redirectErrorStream(true)
            .start();
    String shown = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(verify.waitFor()).as(shown).isZero();
    assertThat(shown).contains("mcp.everything.echo").contains("ccos.io.log");
  }

  @Test
  void the_mcp_inspector_cli_uses_agora_mcp_over_stdio() throws Exception {
    // configured the way MCP clients are (a Claude-Desktop-style mcpServers file), acting as the
    // operator
    Path servers = dir.resolve("mcp-servers.json");
    Files.writeString(
        servers,
        Json.write(
            Json.fromJava(
                Map.of(
                    "mcpServers",
                    Map.of(
                        "agora",
                        Map.of(
                            "command",
                            AGORA,
                            "args",
                            List.of("mcp", "--config", config.toString(), "--as", "operator")))))));
    List<String> base =
        List.of(
            Peers.exe("mcp-inspector"),
            "--cli",
            "--config",
            servers.toString(),
            "--server",
            "agora");
    Peers.Run list = Peers.run(concat(base, "--method", "tools/list"), Map.of());
    assertThat(list.exit()).as(list.err()).isZero();
    assertThat(list.out())
        .contains("\"name\": \"ccos.echo\"")
        .contains("\"name\": \"mcp.everything.get-sum\"")
        .doesNotContain("\"name\": \"ccos.io.log\""); // denied by policy, even for the operator
    Peers.Run call =
        Peers.run(
            concat(
                base,
                "--method",
                "tools/call",
                "--tool-name",
                "mcp.everything.get-sum",
                "--tool-arg",
                "a=2",
                "--tool-arg",
                "b=40"),
            Map.of());
    assertThat(call.exit()).as(call.err()).isZero();
    assertThat(call.out()).contains("The sum of 2 and 40 is 42.");
  }

  @Test
  void agora_serve_is_a_gateway_and_takes_its_upstream_down_when_stopped() throws Exception {
    ServeProcess started =
        ServeProcess.start(new ProcessBuilder(AGORA, "serve", "--config", config.toString()));
    Process serve = started.process();
    try {
      String endpoint = started.endpoint();
      assertThat(endpoint).startsWith("http://127.0.0.1:").endsWith("/mcp");
      Peers.Run r =
          Peers.run(
              List.of("node", Peers.script("ts-client.mjs"), "http", endpoint, "", CALLS),
              Map.of());
      assertThat(r.exit()).as(r.err()).isZero();
      assertAgentSession(r.out());

      List<ProcessHandle> children = serve.descendants().toList();
      assertThat(children).as("the upstream MCP server runs as a child of agora").isNotEmpty();
      serve.destroy(); // SIGTERM, as Ctrl-C or a service manager would
      assertThat(serve.waitFor(60, TimeUnit.SECONDS)).isTrue();
      for (ProcessHandle c : children) {
        c.onExit().get(30, TimeUnit.SECONDS);
        assertThat(c.isAlive()).as("child " + c.pid() + " " + c.info().command()).isFalse();
      }
    } finally {
      serve.descendants().forEach(ProcessHandle::destroyForcibly);
      serve.destroyForcibly();
    }
  }

  /**
   * Issue 12: lines that are not JSON-RPC (text, binary, 100,000 {@code [}) used to stop {@code
   * agora mcp} from answering, and it then ran on after its stdin closed, keeping its upstream MCP
   * server alive. Each is answered with a JSON-RPC error now, a call after them is answered, and
   * the end of input ends the process and its upstream child.
   */
  @Test
  void agora_mcp_answers_bad_lines_and_ends_with_its_input_taking_its_upstream_down()
      throws Exception {
    Process mcp =
        new ProcessBuilder(AGORA, "mcp", "--config", config.toString(), "--as", "operator")
            .redirectError(dir.resolve("mcp.err").toFile())
            .start();
    try {
      OutputStream in = mcp.getOutputStream();
      BufferedReader out =
          new BufferedReader(new InputStreamReader(mcp.getInputStream(), StandardCharsets.UTF_8));
      send(
          in,
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
              + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");
      assertThat(out.readLine()).contains("\"id\":1", "\"serverInfo\"");
      send(in, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
      List<ProcessHandle> children = mcp.descendants().toList();
      assertThat(children).as("the upstream MCP server runs as a child of agora").isNotEmpty();
      String parseError = "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,";
      send(in, "this is not JSON");
      assertThat(out.readLine()).startsWith(parseError);
      in.write(new byte[] {(byte) 0xc3, 0x28, 0, (byte) 0xff, '\n'});
      in.flush();
      assertThat(out.readLine()).startsWith(parseError);
      send(in, "[".repeat(100_000));
      assertThat(out.readLine()).startsWith(parseError);
      send(
          in,
          "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":"
              + "{\"name\":\"mcp.everything.echo\",\"arguments\":{\"message\":\"still here\"}}}");
      String answer;
      do {
        answer = out.readLine();
      } while (answer != null && !answer.contains("\"id\":2"));
      assertThat(answer).contains("Echo: still here");
      in.close();
      assertThat(mcp.waitFor(60, TimeUnit.SECONDS)).as("agora mcp ends with its input").isTrue();
      assertThat(mcp.exitValue()).isZero();
      for (ProcessHandle c : children) {
        c.onExit().get(30, TimeUnit.SECONDS);
        assertThat(c.isAlive()).as("child " + c.pid() + " " + c.info().command()).isFalse();
      }
    } finally {
      mcp.descendants().forEach(ProcessHandle::destroyForcibly);
      mcp.destroyForcibly();
    }
  }

  private static void send(OutputStream in, String line) throws IOException {
    in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  @Test
  void the_mcp_example_plan_runs() throws Exception {
    Process p =
        new ProcessBuilder(
                AGORA,
                "run",
                "--config",
                "examples/mcp/agora.yaml",
                "--data-dir",
                dir.resolve("example-data").toString(),
                "examples/mcp/plan.rtfs")
            .directory(ROOT.toFile())
            .start();
    p.getOutputStream().close();
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    String out = read(p.getInputStream());
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(err.join()).isZero();
    assertThat(out)
        .isEqualTo(
            "{:echo \"Echo: hello through Agora\" :sum \"The sum of 2 and 40 is 42.\" :refused "
                + "\"capability 'mcp.everything.gzip-file-as-resource' is denied by policy.deny[0] "
                + "'mcp.everything.gzip-file-as-resource'\"}\n");
  }

  private static String read(InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static List<String> concat(List<String> a, String... b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(List.of(b));
    return out;
  }
}
