package dev.agora.provider.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.core.spi.DiscoverySource;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.Value;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls to a server that answers oddly, fails, crashes mid-call, goes silent or stops talking:
 * every outcome is a value or a typed error naming the server, and the connection recovers.
 */
@Timeout(120)
class ScriptedCallsTest {

  @TempDir Path dir;

  /** The answer to tools/list: every tool these tests call. */
  private static final String TOOL_LIST =
      """
      {"result": {"tools": [
        {"name": "mixed", "inputSchema": {"type": "object"}},
        {"name": "empty", "inputSchema": {"type": "object"}},
        {"name": "failing", "inputSchema": {"type": "object"}},
        {"name": "failing-silent", "inputSchema": {"type": "object"}},
        {"name": "rpc-error", "inputSchema": {"type": "object"}},
        {"name": "echo", "inputSchema": {"type": "object"}},
        {"name": "note", "inputSchema": {"type": "object"}},
        {"name": "crash", "inputSchema": {"type": "object"}},
        {"name": "mute", "inputSchema": {"type": "object"}},
        {"name": "hang", "inputSchema": {"type": "object"}},
        {"name": "flaky", "inputSchema": {"type": "object"}, "annotations": {"idempotentHint": true}}]}}
      """;

  /** The scenario's replies to the listings; a test's own come after them (and win). */
  private static final String LISTINGS =
      """
      "tools/list": %s,
      "resources/list": {"result": {"resources": []}},
      "prompts/list": {"result": {"prompts": []}}
      """
          .formatted(TOOL_LIST);

  private McpFixture start(String replies) throws IOException {
    return start(replies, "");
  }

  private McpFixture start(String replies, String yaml) throws IOException {
    return start(replies, yaml, "");
  }

  /** With {@code yaml} after the sources and {@code more} keys for the source. */
  private McpFixture start(String replies, String yaml, String more) throws IOException {
    String scenario =
        """
        {"init": {"capabilities": {"tools": {}, "resources": {}, "prompts": {}}},
         "replies": {%s, %s}}
        """
            .formatted(LISTINGS, replies);
    McpFixture m =
        new McpFixture(dir, "sources:\n" + Scripted.source(dir, "s", scenario, more) + yaml);
    assertThat(m.reports).singleElement().satisfies(r -> assertThat(r.failure()).isNull());
    return m;
  }

  @Test
  void everyKindOfContentIsMapped() throws Exception {
    try (McpFixture m =
        start(
            """
        "tools/call:mixed": {"result": {"content": [
          {"type": "audio", "data": "AAAA", "mimeType": "audio/wav"},
          {"type": "resource_link", "uri": "file:///a.txt", "name": "a.txt"},
          {"type": "resource", "resource": {"uri": "mem://bin", "blob": "AQID", "mimeType": "application/octet-stream"}},
          {"type": "resource", "resource": {"uri": "mem://txt", "text": "hello"}}]}},
        "tools/call:empty": {"result": {}},
        "resources/read:mem://many": {"result": {"contents": [
          {"uri": "mem://many", "text": "one", "mimeType": "text/plain"}, {"uri": "mem://many#2", "blob": "Ag=="}]}},
        "resources/read:mem://none": {"result": {}},
        "prompts/get:quiet": {"result": {}}
        """)) {
      assertThat(Printer.print(m.call("mcp.s.mixed", null)))
          .isEqualTo(
              "[{:type \"audio\" :data \"AAAA\" :mime-type \"audio/wav\"}"
                  + " {:type \"resource_link\" :uri \"file:///a.txt\" :name \"a.txt\"}"
                  + " {:uri \"mem://bin\" :mime-type \"application/octet-stream\" :blob \"AQID\" :type \"resource\"}"
                  + " {:uri \"mem://txt\" :mime-type nil :text \"hello\" :type \"resource\"}]");
      assertThat(Printer.print(m.call("mcp.s.empty", null))).isEqualTo("[]");
      assertThat(Printer.print(m.call("mcp.s.read-resource", "{:uri \"mem://many\"}")))
          .isEqualTo(
              "[{:uri \"mem://many\" :mime-type \"text/plain\" :text \"one\"}"
                  + " {:uri \"mem://many#2\" :mime-type nil :blob \"Ag==\"}]");
      assertThat(Printer.print(m.call("mcp.s.read-resource", "{:uri \"mem://none\"}")))
          .isEqualTo("[]");
      m.marketplace.register(manifest("test.quiet", "quiet", "prompt", Value.TRUE), "test");
      assertThat(Printer.print(m.call("test.quiet", "{}")))
          .isEqualTo("{:description nil :messages []}");
    }
  }

  @Test
  void theServersErrorsAreProviderErrorsNamingIt() throws Exception {
    try (McpFixture m =
        start(
            """
        "tools/call:failing": {"result": {"isError": true, "content": [
          {"type": "text", "text": "the disk is full"}, {"type": "image", "data": "AA==", "mimeType": "image/png"}]}},
        "tools/call:failing-silent": {"result": {"isError": true}},
        "tools/call:rpc-error": {"error": {"code": -32602, "message": "Invalid params: want a unicorn"}}
        """)) {
      assertThatThrownBy(() -> m.call("mcp.s.failing", null))
          .isInstanceOf(AgoraError.ProviderError.class)
          .hasMessageContaining("MCP server 's': the disk is full [image]");
      assertThatThrownBy(() -> m.call("mcp.s.failing-silent", null))
          .isInstanceOf(AgoraError.ProviderError.class)
          .hasMessageContaining("MCP server 's': the tool reported an error without a message");
      assertThatThrownBy(() -> m.call("mcp.s.rpc-error", "{:x 1}"))
          .isInstanceOf(AgoraError.ProviderError.class)
          .hasMessageContaining("MCP server 's': Invalid params: want a unicorn");
    }
  }

  @Test
  void argumentsTheMetaTokenAndPromptArgumentsReachTheServer() throws Exception {
    try (McpFixture m =
        start("\"tools/call:echo\": {\"echo\": true}, \"prompts/get:p\": {\"echo\": true}")) {
      assertThat(Printer.print(m.call("mcp.s.echo", "{:n 5 :s \"x\"}")))
          .contains("\\\"arguments\\\":{\\\"n\\\":5,\\\"s\\\":\\\"x\\\"}")
          .contains("\\\"progressToken\\\":");
      // a prompt's arguments are strings on the wire, whatever the caller passed
      m.marketplace.register(manifest("test.prompt", "p", "prompt", Value.TRUE), "test");
      assertThat(Printer.print(m.call("test.prompt", "{:n 5 :s \"x\"}")))
          .contains(":role \"user\"")
          .contains("\\\"arguments\\\":{\\\"n\\\":\\\"5\\\",\\\"s\\\":\\\"x\\\"}");
      // a manifest without a kind is a tool; arguments that are not a map are refused
      m.marketplace.register(manifest("test.echo", "echo", null, Value.of("yes")), "test");
      assertThat(Printer.print(m.call("test.echo", null))).contains("\\\"arguments\\\":{}");
      assertThatThrownBy(() -> m.call("test.echo", "[1 2]"))
          .isInstanceOf(AgoraError.ProviderError.class)
          .hasMessageContaining("MCP tool arguments are a map, got vector");
    }
  }

  @Test
  void aCapabilityOfAServerThatIsNotConfiguredFailsNamingIt() throws Exception {
    try (McpFixture m = start("\"tools/call:echo\": {\"echo\": true}")) {
      m.marketplace.register(
          CapabilityManifest.builder("test.ghost")
              .provider(new ProviderSpec.Mcp("ghost", "echo", Dict.EMPTY))
              .input(":any")
              .output(":any")
              .effects("mcp")
              .build(),
          "test");
      assertThatThrownBy(() -> m.call("test.ghost", "{}"))
          .isInstanceOf(AgoraError.ProviderError.class)
          .hasMessageContaining("no MCP server named 'ghost' is configured");
    }
  }

  @Test
  void theServersLogAndStderrReachAgorasLogAndBlankLinesAreSkipped() throws Exception {
    Files.createDirectories(dir.resolve("work"));
    try (McpFixture m =
        start(
            """
        "tools/call:note": [{"stderr": "about to answer in $CWD"}, {"raw": ""}, {"raw": "   "},
          {"notify": {"method": "notifications/message", "params": {"level": "warning", "data": "careful"}}},
          {"result": {"content": [{"type": "text", "text": "noted"}]}}]
        """,
            "",
            "cwd: work, timeout: 5s")) {
      assertThat(m.call("mcp.s.note", null)).isEqualTo(Value.of("noted"));
      assertThat(m.awaitLog("mcp s stderr: about to answer in " + dir.resolve("work"), 10))
          .as("the server runs in its cwd: %s", m.logText())
          .isTrue();
      assertThat(m.logText()).doesNotContain("skipped a stdout line");
      assertThat(m.awaitLog("careful", 10)).as(m.logText()).isTrue();
      assertThat(m.logText()).containsIgnoringCase("mcp s log warning: careful");
    }
  }

  @Test
  void aCrashMidCallFailsTheCallAtOnceAndTheNextCallGetsANewProcess() throws Exception {
    try (McpFixture m =
        start(
            "\"tools/call:crash\": [{\"stderr\": \"dying\"}, {\"exit\": 3}],"
                + " \"tools/call:echo\": {\"echo\": true}")) {
      long pid = m.source("s").connection().pid();
      assertThatThrownBy(() -> m.call("mcp.s.crash", null))
          .isInstanceOf(AgoraError.ProviderError.class)
          .hasMessageContaining("MCP server 's' exited")
          .hasMessageContaining("not retried because it is not idempotent");
      assertThat(m.logText()).contains("mcp s: server process exited with code 3");
      assertThat(m.call("mcp.s.echo", null).toString()).contains("echo");
      assertThat(m.source("s").connection().pid()).isNotEqualTo(pid);
    }
  }

  @Test
  void anIdempotentCallIsRetriedOnceOnANewProcessAndAFailedRelistingIsLogged() throws Exception {
    try (McpFixture m =
        start(
            """
        "tools/call:flaky": [{"exitOnce": 3}, {"result": {"content": [{"type": "text", "text": "survived"}]}}],
        "tools/list": {"seq": [%s, {"error": {"code": -32603, "message": "listing is broken"}}]}
        """
                .formatted(TOOL_LIST))) {
      assertThat(m.call("mcp.s.flaky", null)).isEqualTo(Value.of("survived"));
      assertThat(m.logText())
          .contains(
              "mcp s: session lost during tools/call flaky; re-initialized and retrying once");
      assertThat(
              m.awaitLog("mcp s: could not list tools after reconnecting: listing is broken", 10))
          .as(m.logText())
          .isTrue();
    }
  }

  /**
   * A server that closes its stdout but keeps running cannot be talked to any more; it used to be
   * left running when the connection moved on to a new process. Here a shell runs the server and,
   * when it exits, goes on as {@code sleep} with stdout closed.
   */
  @Test
  void aServerThatStopsTalkingButKeepsRunningIsKilled() throws Exception {
    Path scenario = dir.resolve("mute.json");
    Files.writeString(
        scenario, "{\"replies\": {%s, \"tools/call:mute\": {\"exit\": 0}}}".formatted(LISTINGS));
    try (McpFixture m =
        new McpFixture(
            dir,
            """
            sources:
              - {name: s, type: mcp, command: sh, args: ["-c", "node '%s' '%s'; exec sleep 300 >&-"]}
            """
                .formatted(Scripted.script(), scenario))) {
      ProcessHandle mute = ProcessHandle.of(m.source("s").connection().pid()).orElseThrow();
      assertThatThrownBy(() -> m.call("mcp.s.mute", null))
          .isInstanceOf(AgoraError.ProviderError.class)
          .hasMessageContaining("MCP server 's' exited");
      mute.onExit().get(20, TimeUnit.SECONDS);
      assertThat(mute.isAlive()).isFalse();
      assertThat(m.logText())
          .contains("mcp s: the server closed its stdout but kept running; stopped it");
    }
  }

  @Test
  void aServerThatIgnoresTheEndOfItsInputAndSigtermIsKilledOnClose() throws Exception {
    String scenario =
        "{\"replies\": {\"initialize\": [{\"stayAlive\": true}, {\"init\": true}],"
            + " \"tools/list\": {\"result\": {\"tools\": []}}}}";
    McpFixture m = Scripted.start(dir, scenario);
    ProcessHandle stubborn = ProcessHandle.of(m.source("s").connection().pid()).orElseThrow();
    m.close();
    stubborn.onExit().get(20, TimeUnit.SECONDS);
    assertThat(stubborn.isAlive()).isFalse();
  }

  @Test
  void callsPastTheirDeadlineAreCancelledWhateverTheirKind() throws Exception {
    try (McpFixture m =
        start(
            """
        "tools/call:hang": {"hang": true},
        "resources/read:mem://slow": {"hang": true},
        "prompts/get:slow": {"hang": true},
        "tools/call:echo": {"echo": true}
        """,
            "policy:\n  limits:\n    - {capabilities: \"*\", timeout: 1s}\n")) {
      m.marketplace.register(manifest("test.slow-prompt", "slow", "prompt", Value.TRUE), "test");
      for (String[] call :
          new String[][] {
            {"mcp.s.hang", null},
            {"mcp.s.read-resource", "{:uri \"mem://slow\"}"},
            {"test.slow-prompt", "{}"}
          }) {
        assertThatThrownBy(() -> m.call(call[0], call[1]))
            .as(call[0])
            .isInstanceOf(AgoraError.Timeout.class)
            .hasMessageContaining("within 1 s");
      }
      assertThat(m.awaitLog("sent notifications/cancelled", 3, 10)).as(m.logText()).isTrue();
      assertThat(m.source("s").connection().inFlight()).isZero();
      assertThat(m.call("mcp.s.echo", null).toString()).contains("echo");
    }
  }

  @Test
  void healthIsThePingsAnswer() throws Exception {
    try (McpFixture m =
        start(
            "\"ping\": {\"seq\": [{\"result\": {}}, {\"error\": {\"code\": -1, \"message\": \"busy\"}}]}")) {
      McpSource s = m.source("s");
      assertThat(s.health()).isEqualTo(DiscoverySource.Health.UP);
      assertThat(s.health().detail()).contains("busy");
      s.close();
      assertThat(s.health())
          .satisfies(h -> assertThat(h.up()).isFalse())
          .satisfies(
              h -> assertThat(h.detail()).isEqualTo("the connection to MCP server 's' is closed"));
    }
  }

  @Test
  void aServerThatNeverAnswersInitializeIsAFailedSource() throws Exception {
    String scenario = "{\"replies\": {\"initialize\": {\"hang\": true}}}";
    assertThat(Scripted.failure(dir, scenario, "timeout: 1s"))
        .startsWith("cannot initialize MCP server 's' (node ")
        .endsWith("s.json): no answer within 1000 ms");
  }

  @Test
  void anInterruptedConnectFailsAtOnceKeepsTheInterruptAndTheNextOneConnects() throws Exception {
    String scenario = "{\"replies\": {\"tools/list\": {\"result\": {\"tools\": []}}}}";
    McpServerConfig config = Scripted.config(dir, Duration.ofSeconds(5));
    Files.writeString(dir.resolve("s.json"), scenario);
    try (McpSource source = new McpSource(config)) {
      Thread.currentThread().interrupt();
      assertThatThrownBy(source::discover)
          .isInstanceOf(McpConnection.Unavailable.class)
          .hasMessage("interrupted while connecting to MCP server 's'");
      assertThat(Thread.interrupted()).isTrue();

      assertThat(source.discover().manifests()).isEmpty();
      assertThat(source.health()).isEqualTo(DiscoverySource.Health.UP);
    }
  }

  /** A manifest of our own for a server's tool or prompt, taking any input. */
  private static CapabilityManifest manifest(String id, String name, String kind, Value idem) {
    Dict.Builder options = Dict.builder().put("idempotent", idem);
    if (kind != null) {
      options.put("kind", Value.keyword(kind));
    }
    return CapabilityManifest.builder(id)
        .provider(new ProviderSpec.Mcp("s", name, options.build()))
        .input(":any")
        .output(":any")
        .effects("mcp")
        .timeout(Duration.ofSeconds(5))
        .build();
  }
}
