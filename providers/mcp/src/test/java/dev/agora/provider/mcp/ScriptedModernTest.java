package dev.agora.provider.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.error.AgoraError;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Reader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scripted stdio server playing a 2026-07-28 server that misbehaves: asks for input Agora does
 * not give, answers what is not a result, exits mid-call — each a typed failure, never a hang.
 */
@Timeout(120)
class ScriptedModernTest {

  @TempDir Path dir;

  private static final String DISCOVER =
      """
      "server/discover": {"result": {"resultType": "complete", "supportedVersions": ["2026-07-28"],
        "capabilities": {"tools": {}}, "ttlMs": 0, "cacheScope": "public",
        "_meta": {"io.modelcontextprotocol/serverInfo": {"name": "scripted", "version": "3.0.0"}}}},
      "tools/list": {"result": {"resultType": "complete", "ttlMs": 0, "cacheScope": "public", "tools": [
        {"name": "ask", "inputSchema": {"type": "object"}},
        {"name": "odd", "inputSchema": {"type": "object"}},
        {"name": "crash", "inputSchema": {"type": "object"}},
        {"name": "flaky", "inputSchema": {"type": "object"}, "annotations": {"idempotentHint": true}},
        {"name": "echo", "inputSchema": {"type": "object"}},
        {"name": "steps", "inputSchema": {"type": "object"}},
        {"name": "form", "inputSchema": {"type": "object"}}]}}
      """;

  private McpFixture start(String replies) throws IOException {
    return Scripted.start(
        dir, "{\"replies\": {%s, %s}}".formatted(DISCOVER, replies), "timeout: 5s");
  }

  @Test
  void anElicitationReachesTheClientOfItsCallHoweverManyAreInFlight() throws Exception {
    try (McpFixture m =
        start(
            """
            "tools/call:form": {"ask": {"region": {"method": "elicitation/create", "params": {
              "mode": "form", "message": "Which region?",
              "requestedSchema": {"type": "object", "properties": {"region": {"type": "string"}}}}}}}
            """)) {
      int n = 16;
      List<Client> clients = new ArrayList<>();
      List<Attempt> calls = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String region = "region-" + i;
        Client c =
            new Client(
                Set.of("elicitation"),
                p ->
                    Reader.readValue("{:action \"accept\" :content {:region \"" + region + "\"}}"));
        clients.add(c);
        calls.add(Attempt.start(() -> m.call("mcp.s.form", null, c)));
      }
      for (int i = 0; i < n; i++) {
        assertThat(calls.get(i).result().toString())
            .as("the server got the answer of this call's client, and only that")
            .contains("\\\"region\\\":\\\"region-" + i + "\\\"")
            .contains("\\\"requestState\\\":\\\"asked\\\"");
        assertThat(clients.get(i).requests).containsExactly("elicitation/create");
        assertThat(clients.get(i).params.getFirst().toString()).contains("Which region?");
      }

      Client silent = new Client(Set.of(), p -> Value.NIL);
      assertThatThrownBy(() -> m.call("mcp.s.form", null, silent))
          .as("a client that cannot answer is not offered: the server asks anyway, and fails")
          .hasMessageContaining("did not declare the 'elicitation' capability");
      assertThat(silent.requests).isEmpty();

      Client failing =
          new Client(
              Set.of("elicitation"),
              p -> {
                throw new AgoraError.ProviderError("client", "the user closed the form", null);
              });
      assertThatThrownBy(() -> m.call("mcp.s.form", null, failing))
          .isInstanceOf(AgoraError.ProviderError.class)
          .hasMessageContaining("elicitation/create from MCP server 's' was passed on")
          .hasMessageContaining("the user closed the form");
    }
  }

  @Test
  void listenStreamsThatAreRefusedOrNotHonouredAreTypedFailures() throws Exception {
    String discover =
        """
        "server/discover": {"result": {"resultType": "complete", "supportedVersions": ["2026-07-28"],
          "capabilities": {"tools": {"listChanged": true}, "resources": {"subscribe": true}},
          "ttlMs": 0, "cacheScope": "public",
          "_meta": {"io.modelcontextprotocol/serverInfo": {"name": "scripted", "version": "3.0.0"}}}},
        "tools/list": {"result": {"resultType": "complete", "ttlMs": 0, "cacheScope": "public",
          "tools": []}},
        "resources/list": {"result": {"resultType": "complete", "ttlMs": 0, "cacheScope": "public",
          "resources": [{"uri": "mem://a", "name": "a"}, {"uri": "mem://b", "name": "b"},
                        {"uri": "mem://c", "name": "c"}, {"uri": "mem://d", "name": "d"}]}}
        """;
    String ack =
        "{\\\"jsonrpc\\\":\\\"2.0\\\",\\\"method\\\":\\\"notifications/subscriptions/acknowledged\\\","
            + "\\\"params\\\":{\\\"notifications\\\":{},\\\"_meta\\\":"
            + "{\\\"io.modelcontextprotocol/subscriptionId\\\":$ID}}}";
    try (McpFixture m =
        Scripted.start(
            dir,
            "{\"replies\": {%s, \"subscriptions/listen\": {\"seq\": [{\"error\": {\"code\": -32601,"
                    .formatted(discover)
                + " \"message\": \"no listening here\"}}, {\"error\": {\"code\": -32601,"
                + " \"message\": \"no listening here\"}}, {\"raw\": \""
                + ack
                + "\"}, {\"hang\": true}, {\"result\": {\"resultType\": \"complete\"}}]}}}",
            "timeout: 2s")) {
      assertThat(m.logText())
          .contains("cannot listen for list changes")
          .contains("no listening here");
      assertThatThrownBy(() -> watch(m, "mcp.s.resource.a"))
          .isInstanceOf(AgoraError.ProviderError.class)
          .hasMessageContaining("MCP server 's': no listening here");
      assertThatThrownBy(() -> watch(m, "mcp.s.resource.b"))
          .as("acknowledged without it")
          .hasMessageContaining("it did not honour subscriptions/listen mem://b");
      assertThatThrownBy(() -> watch(m, "mcp.s.resource.c"))
          .as("never acknowledged")
          .isInstanceOf(AgoraError.Timeout.class)
          .hasMessageContaining("within 2 s");
      assertThatThrownBy(() -> watch(m, "mcp.s.resource.d"))
          .as("ended before it was acknowledged")
          .hasMessageContaining("it ended subscriptions/listen mem://d");
    }
  }

  @Test
  void aListenStreamTheServerEndsIsMadeAgain() throws Exception {
    String scenario =
        endsOnce(
            "\"resources\": {\"subscribe\": true}",
            "\\\"resourceSubscriptions\\\":[\\\"mem://a\\\"]",
            " \"resources/list\": {\"result\": {\"resultType\": \"complete\", \"ttlMs\": 0,"
                + " \"cacheScope\": \"public\", \"resources\": [{\"uri\": \"mem://a\", \"name\":"
                + " \"a\"}]}},");
    try (McpFixture m = Scripted.start(dir, scenario, "timeout: 5s")) {
      watch(m, "mcp.s.resource.a");
      assertThat(m.awaitLog("the stream watching mem://a ended; listening again", 30))
          .as(m.logText())
          .isTrue();
      assertThat(m.awaitLog("listen 2", 30)).as(m.logText()).isTrue();
    }
  }

  @Test
  void aStreamOfListChangesTheServerEndsIsMadeAgain() throws Exception {
    String scenario = endsOnce("", "\\\"toolsListChanged\\\":true", "");
    try (McpFixture m = Scripted.start(dir, scenario, "timeout: 5s")) {
      assertThat(m.awaitLog("the stream of list changes ended; listening again", 30))
          .as(m.logText())
          .isTrue();
      assertThat(m.awaitLog("listen 2", 30)).as(m.logText()).isTrue();
    }
  }

  /**
   * A 2026-07-28 server also offering {@code capabilities} whose first {@code subscriptions/listen}
   * is acknowledged with {@code honoured} (escaped JSON) and then ended at once, and whose later
   * ones stay open; each logs "listen N" to stderr. {@code replies} adds replies.
   */
  private static String endsOnce(String capabilities, String honoured, String replies) {
    String ack =
        "{\\\"jsonrpc\\\":\\\"2.0\\\",\\\"method\\\":\\\"notifications/subscriptions/acknowledged\\\","
            + "\\\"params\\\":{\\\"notifications\\\":{"
            + honoured
            + "},\\\"_meta\\\":{\\\"io.modelcontextprotocol/subscriptionId\\\":$ID}}}";
    return ("{\"replies\": {%s,%s \"subscriptions/listen\": {\"seq\": ["
            + "[{\"stderr\": \"listen 1\"}, {\"raw\": \"%s\"},"
            + " {\"result\": {\"resultType\": \"complete\"}}],"
            + "[{\"stderr\": \"listen 2\"}, {\"raw\": \"%s\"}]]}}}")
        .formatted(
            DISCOVER.replace(
                "\"capabilities\": {\"tools\": {}}",
                "\"capabilities\": {\"tools\": {"
                    + (capabilities.isEmpty() ? "\"listChanged\": true}" : "}, " + capabilities)
                    + "}"),
            replies,
            ack,
            ack);
  }

  /** Subscribes to what capability {@code id} reads, as an operator, heeding no update. */
  private static void watch(McpFixture m, String id) {
    m.marketplace.subscribe(
        SecurityContext.full("op"), m.marketplace.registry().get(id), null, () -> {});
  }

  @Test
  void samplingAndRootsOfA2026ServerAreAnsweredAndWhatAgoraCannotAnswerFails() throws Exception {
    try (McpFixture m =
        Scripted.start(
            dir,
            ("{\"replies\": {%s, \"resources/list\": {\"result\": {\"resultType\": \"complete\","
                    + " \"ttlMs\": 0, \"cacheScope\": \"public\", \"resources\": [{\"uri\": \"mem://q\","
                    + " \"name\": \"q\"}]}},"
                    + "\"prompts/list\": {\"result\": {\"resultType\": \"complete\", \"ttlMs\": 0,"
                    + " \"cacheScope\": \"public\", \"prompts\": [{\"name\": \"p\"}]}},"
                    + "\"resources/read:mem://q\": {\"ask\": {\"r\": {\"method\": \"roots/list\"}}},"
                    + "\"prompts/get:p\": {\"ask\": {\"r\": {\"method\": \"roots/list\"}}},"
                    + "\"tools/call:form\": {\"ask\": {"
                    + "\"s\": {\"method\": \"sampling/createMessage\", \"params\": {\"maxTokens\": 5,"
                    + " \"messages\": [{\"role\": \"user\", \"content\": {\"type\": \"text\","
                    + " \"text\": \"hi\"}}]}},"
                    + "\"r\": {\"method\": \"roots/list\", \"params\": {}}}},"
                    + "\"tools/call:ask\": {\"ask\": {\"u\": {\"method\": \"elicitation/create\","
                    + " \"params\": {\"mode\": \"url\", \"message\": \"Sign in\","
                    + " \"url\": \"https://example.com/\"}}}}}}")
                .formatted(
                    DISCOVER.replace(
                        "\"capabilities\": {\"tools\": {}}",
                        "\"capabilities\": {\"tools\": {}, \"resources\": {}, \"prompts\": {}}")),
            "timeout: 5s, roots: [\"file:///srv/data\"]")) {
      Client c =
          new Client(
              Set.of("sampling"),
              p ->
                  Reader.readValue(
                      "{:role \"assistant\" :content {:type \"text\" :text \"sampled\"}"
                          + " :model \"m\"}"));
      String echoed = m.call("mcp.s.form", null, c).toString();
      assertThat(echoed)
          .contains("sampled")
          .as("roots are Agora's own to give")
          .contains("file:///srv/data");
      assertThat(c.requests).containsExactly("sampling/createMessage");
      assertThatThrownBy(() -> m.call("mcp.s.ask", null, c))
          .hasMessageContaining("it asked for elicitation/create, which Agora does not answer");
      assertThat(m.call("mcp.s.resource.q", null, c).toString())
          .as("a resource read asks in rounds too")
          .contains("file:///srv/data");
      assertThat(m.call("mcp.s.prompt.p", "{}", c).toString())
          .as("and a prompt get")
          .contains("file:///srv/data");
    }
  }

  @Test
  void misbehaviourOfA2026ServerIsATypedFailure() throws Exception {
    try (McpFixture m =
        start(
            """
            "tools/call:ask": {"result": {"resultType": "input_required", "requestState": "s1",
              "inputRequests": {"region": {"method": "elicitation/create", "params": {"mode": "form",
                "message": "Which region?", "requestedSchema": {"type": "object", "properties": {}}}}}}},
            "tools/call:odd": {"result": {"resultType": "weird"}},
            "tools/call:crash": {"exit": 3},
            "tools/call:flaky": [{"exitOnce": 3}, {"echo": true}],
            "tools/call:echo": {"echo": true}
            """)) {
      assertThat(m.reports).singleElement().satisfies(r -> assertThat(r.failure()).isNull());
      assertThat(m.source("s").upstream().era()).isEqualTo(McpServerConfig.Protocol.MODERN);
      assertThat(m.marketplace.registry().get("mcp.s.echo").version()).isEqualTo("3.0.0");
      assertThatThrownBy(() -> m.call("mcp.s.ask", null))
          .isInstanceOf(AgoraError.ProviderError.class)
          .hasMessageContaining("did not declare the 'elicitation' capability");
      assertThatThrownBy(() -> m.call("mcp.s.odd", null))
          .isInstanceOf(AgoraError.ProviderError.class)
          .hasMessageContaining("MCP server 's'");
      assertThatThrownBy(() -> m.call("mcp.s.crash", null))
          .isInstanceOf(AgoraError.ProviderError.class)
          .hasMessageContaining("MCP server 's' exited during tools/call crash")
          .hasMessageContaining("not sent again because it is not idempotent");
      assertThat(m.call("mcp.s.flaky", null).toString())
          .as("an idempotent call is sent again to a new child")
          .contains("flaky");
      assertThat(m.logText())
          .contains("mcp s: the server exited during tools/call flaky; retrying once");
      assertThat(m.call("mcp.s.echo", "{:x 1}").toString())
          .contains("\\\"x\\\":1")
          .contains("io.modelcontextprotocol/protocolVersion");
      assertThat(m.source("s").health().up()).isTrue();
    }
  }

  /**
   * A 2026-07-28 server with resources, templates and prompts whose answers are odd: a version that
   * is no version, a list without its items, a list whose cursor comes back — discovery keeps what
   * it can and says what it dropped.
   */
  @Test
  void oddListingsOfA2026ServerAreReadAsFarAsTheyGo() throws Exception {
    String replies =
        """
        {"replies": {
          "server/discover": {"result": {"resultType": "complete", "supportedVersions": ["2026-07-28"],
            "capabilities": {"tools": {}, "resources": {}, "prompts": {}}, "ttlMs": 0, "cacheScope": "public",
            "_meta": {"io.modelcontextprotocol/serverInfo": {"name": "odd", "version": "not a version"}}}},
          "tools/list": {"result": {"resultType": "complete", "ttlMs": 0, "cacheScope": "public",
            "tools": [{"name": "echo", "inputSchema": {"type": "object"}}], "nextCursor": ""}},
          "resources/list": {"result": {"resultType": "complete", "ttlMs": 0, "cacheScope": "public",
            "resources": [{"uri": "s://r/1", "name": "one"}], "nextCursor": "again"}},
          "resources/templates/list": {"result": {"resultType": "complete", "ttlMs": 0,
            "cacheScope": "public"}},
          "prompts/list": {"result": {"resultType": "complete", "ttlMs": 0, "cacheScope": "public",
            "prompts": [{"name": "p"}]}}
        }}
        """;
    try (McpFixture m = Scripted.start(dir, replies, "timeout: 5s")) {
      assertThat(m.reports).singleElement().satisfies(r -> assertThat(r.failure()).isNull());
      assertThat(m.marketplace.registry().get("mcp.s.echo").version())
          .as("a server version that is no version is not taken")
          .isEqualTo("1.0.0");
      assertThat(m.marketplace.registry().get("mcp.s.resource.one")).isNotNull();
      assertThat(m.marketplace.registry().get("mcp.s.prompt.p")).isNotNull();
      assertThat(m.marketplace.registry().get("mcp.s.read-resource")).isNotNull();
      assertThat(m.logText()).contains("mcp s: the server's list does not end (the cursor 'again'");
    }
  }

  @Test
  void aServerWithPromptsOnlyIsAskedForNothingElse() throws Exception {
    String replies =
        """
        {"replies": {
          "server/discover": {"result": {"resultType": "complete", "supportedVersions": ["2026-07-28"],
            "capabilities": {"prompts": {}}, "ttlMs": 0, "cacheScope": "public",
            "_meta": {"io.modelcontextprotocol/serverInfo": {"name": "p", "version": "2.0.0"}}}},
          "prompts/list": {"result": {"resultType": "complete", "ttlMs": 0, "cacheScope": "public",
            "prompts": [{"name": "p", "arguments": [{"name": "who", "required": true}]}]}}
        }}
        """;
    try (McpFixture m = Scripted.start(dir, replies, "timeout: 5s")) {
      assertThat(m.reports).singleElement().satisfies(r -> assertThat(r.failure()).isNull());
      assertThat(m.marketplace.registry().get("mcp.s.prompt.p").version()).isEqualTo("2.0.0");
      assertThat(m.marketplace.registry().get("mcp.s.read-resource"))
          .as("no resources declared: no reader")
          .isNull();
      assertThat(m.logText()).doesNotContain("tools/list", "resources/list");
    }
  }

  /**
   * 2026-07-28 makes the server's name optional and a server may not say what it offers: such a
   * server is read as one of no version, offering nothing it did not declare.
   */
  @Test
  void aServerThatSaysNeitherItsNameNorWhatItOffersIsStillRead() throws Exception {
    String nameless =
        """
        {"replies": {
          "server/discover": {"result": {"resultType": "complete", "supportedVersions": ["2026-07-28"],
            "capabilities": {"tools": {}}, "ttlMs": 0, "cacheScope": "public"}},
          "tools/list": {"result": {"resultType": "complete", "ttlMs": 0, "cacheScope": "public",
            "tools": [{"name": "echo", "inputSchema": {"type": "object"}}]}},
          "tools/call:echo": {"echo": true}
        }}
        """;
    try (McpFixture m = Scripted.start(dir, nameless, "timeout: 5s")) {
      assertThat(m.reports).singleElement().satisfies(r -> assertThat(r.failure()).isNull());
      assertThat(m.source("s").upstream().era()).isEqualTo(McpServerConfig.Protocol.MODERN);
      assertThat(m.marketplace.registry().get("mcp.s.echo").version()).isEqualTo("1.0.0");
      assertThat(m.call("mcp.s.echo", "{:x 1}").toString()).contains("\\\"x\\\":1");
    }
    String mute =
        """
        {"replies": {
          "server/discover": {"result": {"resultType": "complete", "supportedVersions": ["2026-07-28"],
            "ttlMs": 0, "cacheScope": "public"}}
        }}
        """;
    try (McpFixture m = Scripted.start(dir, mute, "timeout: 5s")) {
      assertThat(m.reports)
          .singleElement()
          .satisfies(r -> assertThat(r.failure()).isNull())
          .satisfies(
              r -> assertThat(r.registered()).as("nothing declared, nothing listed").isZero());
      assertThat(m.source("s").upstream().era()).isEqualTo(McpServerConfig.Protocol.MODERN);
      assertThat(m.logText()).doesNotContain("tools/list");
    }
  }

  /**
   * A 2026-07-28 server that does not answer in time fails the call with the deadline that applied
   * — the source's, or the call's own when it is shorter; a prompt's arguments reach it; a reply
   * over max_bytes is dropped at once; a request for input that names nothing ends at the deadline.
   */
  @Test
  void deadlinesArgumentsSizesAndInputRequestsOfA2026Server() throws Exception {
    String scenario =
        """
        {"replies": {
          "server/discover": {"result": {"resultType": "complete", "supportedVersions": ["2026-07-28"],
            "capabilities": {"tools": {}, "prompts": {}}, "ttlMs": 0, "cacheScope": "public",
            "_meta": {"io.modelcontextprotocol/serverInfo": {"name": "s", "version": "1.2.0"}}}},
          "tools/list": {"result": {"resultType": "complete", "ttlMs": 0, "cacheScope": "public",
            "tools": [{"name": "slow", "inputSchema": {"type": "object"}},
                      {"name": "big", "inputSchema": {"type": "object"}},
                      {"name": "vague", "inputSchema": {"type": "object"}},
                      {"name": "bare", "inputSchema": {"type": "object"}}]}},
          "prompts/list": {"result": {"resultType": "complete", "ttlMs": 0, "cacheScope": "public",
            "prompts": [{"name": "p", "arguments": [{"name": "who", "required": true}]}]}},
          "tools/call:slow": {"hang": true},
          "tools/call:big": {"big": 200000},
          "tools/call:vague": {"result": {"resultType": "input_required", "requestState": "s1",
            "inputRequests": {}}},
          "tools/call:bare": {"result": {"resultType": "input_required", "requestState": "s1"}},
          "prompts/get:p": {"echo": true},
          "notifications/cancelled": {"stderr": "cancelled: $PARAMS"}
        }}
        """;
    try (McpFixture m = Scripted.start(dir, scenario, "timeout: 2s, max_bytes: 65536")) {
      assertThat(m.reports).singleElement().satisfies(r -> assertThat(r.failure()).isNull());
      assertThatThrownBy(() -> m.call("mcp.s.slow", null))
          .isInstanceOf(AgoraError.Timeout.class)
          .hasMessageContaining("within 2 s");
      assertThatThrownBy(
              () ->
                  m.marketplace.call(
                      CallRequest.of("mcp.s.slow", Value.NIL, SecurityContext.full("test"))
                          .withTimeout(Duration.ofMillis(700))))
          .isInstanceOf(AgoraError.Timeout.class)
          .hasMessageContaining("within 700 ms");
      assertThat(m.awaitLog("cancelled: {\"requestId\"", 2, 10))
          .as("the server is told at each deadline: " + m.logText())
          .isTrue();
      assertThatThrownBy(() -> m.call("mcp.s.big", null))
          .isInstanceOf(AgoraError.class)
          .hasMessageContaining("max_bytes");
      assertThatThrownBy(() -> m.call("mcp.s.vague", null))
          .as("asked for input but not for what: asked again, until Agora gives up")
          .isInstanceOf(AgoraError.ProviderError.class)
          .hasMessageContaining("tools/call vague asked for input 10 times over; Agora gave up");
      assertThatThrownBy(() -> m.call("mcp.s.bare", null))
          .as("nor with no questions at all")
          .hasMessageContaining("tools/call bare asked for input 10 times over; Agora gave up");
      assertThat(m.call("mcp.s.prompt.p", "{:who \"Ada\"}").toString())
          .contains("\\\"who\\\":\\\"Ada\\\"");
    }
  }

  @Test
  void progressOfA2026ServerReachesTheClientThatMadeTheCall() throws Exception {
    try (McpFixture m =
        start(
            """
            "tools/call:steps": [{"progress": 3}, {"result": {"resultType": "complete",
              "content": [{"type": "text", "text": "done"}]}}],
            "tools/call:echo": {"echo": true}
            """)) {
      Client a = new Client(java.util.Set.of(), p -> dev.agora.rtfs.Value.NIL);
      Client b = new Client(java.util.Set.of(), p -> dev.agora.rtfs.Value.NIL);
      assertThat(m.call("mcp.s.steps", null, a)).isEqualTo(dev.agora.rtfs.Value.of("done"));
      a.awaitProgress(3);
      assertThat(a.progress).containsExactly("1.0/3.0", "2.0/3.0", "3.0/3.0");
      assertThat(a.messages).containsExactly("step 1", "step 2", "step 3");
      assertThat(m.call("mcp.s.echo", null, b).toString()).contains("echo");
      assertThat(b.progress).as("another call's client hears nothing of it").isEmpty();
    }
  }
}
