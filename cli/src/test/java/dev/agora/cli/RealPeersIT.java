package dev.agora.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.core.json.Json;
import dev.agora.provider.mcp.Peers;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.Value;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's checks with real peers against {@code ./agora mcp} and {@code ./agora serve} in front
 * of server-everything: the TypeScript SDK client (interop/ts-load.mjs, interop/ts-features.mjs)
 * making 1,000 concurrent calls on one session and 10,000 over 100 HTTP sessions, progress,
 * cancellation, sampling and elicitation answered by the downstream client, resources and prompts;
 * and a 2026-07-28 client (plain HTTP POSTs) beside a 2025-11-25 one on the same node.
 */
@Timeout(600)
class RealPeersIT {

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
        contexts:
          operator: {level: full}
        default_context: operator
        data_dir: data
        server:
          port: 0
          anonymous: operator
          limits: {default: {calls_per_second: 100000, bytes_per_second: 1GiB}}
        """
            .formatted(Peers.exe("mcp-server-everything")));
  }

  private String stdioCommand() {
    return Json.write(Json.fromJava(List.of(AGORA, "mcp", "--config", config.toString())));
  }

  /** Runs an interop script and returns its JSON output, printed with the time it took. */
  private static Dict node(String what, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("node"));
    cmd.addAll(List.of(args));
    long t0 = System.nanoTime();
    Peers.Run r = Peers.run(cmd, Map.of());
    System.out.println(
        what
            + " ("
            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)
            + " ms in all, exit "
            + r.exit()
            + "): "
            + r.out());
    String last = r.out().strip().lines().reduce((a, b) -> b).orElse("");
    assertThat(last).as("the script's result; stderr:\n" + r.err()).startsWith("{");
    return (Dict) Json.parse(last);
  }

  private static void assertAllEchoed(Dict load, int calls) {
    assertThat(Printer.print(load.get("calls"))).isEqualTo(Integer.toString(calls));
    assertThat(Printer.print(load.get("ok")))
        .as(Printer.print(load))
        .isEqualTo(Integer.toString(calls));
  }

  @Test
  void aThousandConcurrentCallsOnOneStdioSession() throws Exception {
    Dict load =
        node(
            "1,000 concurrent calls, one stdio session",
            Peers.script("ts-load.mjs"),
            "stdio",
            stdioCommand(),
            "1",
            "1000");
    assertAllEchoed(load, 1000);
  }

  @Test
  void aThousandConcurrentCallsOnOneHttpSession() throws Exception {
    try (Serve serve = Serve.start(config)) {
      assertAllEchoed(
          node(
              "1,000 concurrent calls, one HTTP session",
              Peers.script("ts-load.mjs"),
              "http",
              serve.endpoint(),
              "",
              "1",
              "1000"),
          1000);
    }
  }

  @Test
  void tenThousandConcurrentCallsOverAHundredHttpSessions() throws Exception {
    try (Serve serve = Serve.start(config)) {
      assertAllEchoed(
          node(
              "10,000 concurrent calls, 100 HTTP sessions",
              Peers.script("ts-load.mjs"),
              "http",
              serve.endpoint(),
              "",
              "100",
              "100"),
          10_000);
    }
  }

  @Test
  void theWholeProtocolThroughAgoraMcp() throws Exception {
    assertFeatures(
        node("features over stdio", Peers.script("ts-features.mjs"), "stdio", stdioCommand()));
    assertCancellationRecorded();
  }

  @Test
  void theWholeProtocolThroughAgoraServe() throws Exception {
    try (Serve serve = Serve.start(config)) {
      assertFeatures(
          node(
              "features over HTTP", Peers.script("ts-features.mjs"), "http", serve.endpoint(), ""));
    }
    assertCancellationRecorded();
  }

  /** Each check of ts-features.mjs passed (its output says what was seen otherwise). */
  private static void assertFeatures(Dict out) {
    for (String check :
        List.of(
            "progress", "cancel", "sampling", "elicitation", "resources", "prompts", "subscribe")) {
      Value v = out.get(check);
      assertThat(v).as(check).isInstanceOf(Dict.class);
      assertThat(((Dict) v).get("ok")).as(check + ": " + Printer.print(v)).isEqualTo(Value.TRUE);
    }
    Dict progress = (Dict) out.get("progress");
    assertThat(Printer.print(progress.get("progress"))).contains(":progress");
  }

  /** The call the client cancelled is in the Causal Chain as cancelled. */
  private void assertCancellationRecorded() throws Exception {
    String chain = ChainShown.results(config, "mcp.everything.trigger-long-running-operation");
    assertThat(chain.lines().filter(l -> l.toLowerCase().contains("cancel"))).as(chain).hasSize(1);
  }

  /**
   * A 2026-07-28 client (no initialize, no session: protocol version and client info in each
   * request's {@code _meta}, the Mcp-Method / Mcp-Name headers) and a 2025-11-25 client (the
   * TypeScript SDK, with a session) against the same {@code agora serve}.
   */
  @Test
  void bothProtocolGenerationsOnTheSameNode() throws Exception {
    try (Serve serve = Serve.start(config)) {
      HttpClient http = HttpClient.newHttpClient();
      Dict discover = modern(http, serve.endpoint(), 1, "server/discover", null, "{}");
      assertThat(Printer.print(discover)).contains("2026-07-28");

      Dict list = modern(http, serve.endpoint(), 2, "tools/list", null, "{}");
      assertThat(Printer.print(list.get("tools"))).contains("mcp.everything.echo");

      Dict echo =
          modern(
              http,
              serve.endpoint(),
              3,
              "tools/call",
              "mcp.everything.echo",
              "{\"name\":\"mcp.everything.echo\",\"arguments\":{\"message\":\"from 2026\"}}");
      assertThat(Printer.print(echo)).contains("Echo: from 2026");

      Peers.Run legacy =
          Peers.run(
              List.of(
                  "node",
                  Peers.script("ts-client.mjs"),
                  "http",
                  serve.endpoint(),
                  "",
                  "[{\"name\": \"mcp.everything.echo\", \"arguments\": {\"message\": \"from 2025\"}}]"),
              Map.of());
      assertThat(legacy.exit()).as(legacy.err()).isZero();
      assertThat(legacy.out()).contains("Echo: from 2025");
    }
  }

  /**
   * One 2026-07-28 request: its result, after checking that the answer is a JSON-RPC result with
   * the request's id.
   */
  private static Dict modern(
      HttpClient http, String endpoint, int id, String method, String name, String params)
      throws Exception {
    String meta =
        "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
            + "\"io.modelcontextprotocol/clientCapabilities\":{},"
            + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"agora-it\",\"version\":\"1\"}}";
    String p =
        params.equals("{}") ? "{" + meta + "}" : params.replaceFirst("\\{", "{" + meta + ",");
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create(endpoint))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .header("MCP-Protocol-Version", "2026-07-28")
            .header("Mcp-Method", method)
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"jsonrpc\":\"2.0\",\"id\":"
                        + id
                        + ",\"method\":\""
                        + method
                        + "\",\"params\":"
                        + p
                        + "}"));
    if (name != null) {
      req.header("Mcp-Name", name);
    }
    HttpResponse<String> res = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    String body = res.body();
    String json =
        body.startsWith("{")
            ? body
            : body.lines()
                .filter(l -> l.startsWith("data:"))
                .map(l -> l.substring(5).strip())
                .reduce((a, b) -> b)
                .orElse(body);
    System.out.println(method + " (2026-07-28): HTTP " + res.statusCode() + " " + json);
    assertThat(res.statusCode()).as(body).isEqualTo(200);
    Dict answer = (Dict) Json.parse(json);
    assertThat(Printer.print(answer.get("id"))).as(json).isEqualTo(Integer.toString(id));
    assertThat(answer.get("result")).as(json).isInstanceOf(Dict.class);
    return (Dict) answer.get("result");
  }

  /** {@code ./agora serve} for one test; SIGTERM at the end, waiting until it closed. */
  private record Serve(ServeProcess started) implements AutoCloseable {
    static Serve start(Path config) throws Exception {
      return new Serve(
          ServeProcess.start(new ProcessBuilder(AGORA, "serve", "--config", config.toString())));
    }

    String endpoint() {
      return started.endpoint();
    }

    @Override
    public void close() throws Exception {
      started.close();
    }
  }
}
