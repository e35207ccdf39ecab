package dev.agora.provider.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.error.AgoraError;
import dev.agora.core.spi.Provider;
import dev.agora.core.testing.Await;
import dev.agora.rtfs.Value;
import io.modelcontextprotocol.modern.server.feature.ServerChange;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * MCP 2026-07-28 upstreams (the Java SDK's stateless server, over HTTP and as a stdio child JVM):
 * found out by {@code protocol: auto}, listed, and called through Agora's call path with the
 * protocol's per-request {@code _meta} and routing headers.
 */
@Timeout(120)
class ModernUpstreamTest {

  @TempDir Path dir;

  @Test
  void anHttpServerOf2026IsDetectedListedAndCalledThroughTheCallPath() throws Exception {
    try (ModernJavaServer upstream = new ModernJavaServer();
        McpFixture m =
            new McpFixture(
                dir,
                """
            sources:
              - {name: next, type: mcp, url: "%s", timeout: 10s}
            """
                    .formatted(upstream.url().replace("/mcp", "")))) {
      assertThat(m.reports).singleElement().satisfies(r -> assertThat(r.failure()).isNull());
      assertThat(m.source("next").upstream().era()).isEqualTo(McpServerConfig.Protocol.MODERN);
      assertThat(m.logText()).contains("mcp next: speaks MCP 2026-07-28");
      assertThat(m.marketplace.registry().get("mcp.next.echo").description())
          .isEqualTo("Echoes its message");
      assertThat(m.marketplace.registry().get("mcp.next.resource.readme")).isNotNull();
      assertThat(m.marketplace.registry().get("mcp.next.read-resource")).isNotNull();
      assertThat(m.marketplace.registry().get("mcp.next.prompt.greet").input().show())
          .contains(":name");
      assertThat(m.marketplace.registry().get("mcp.next.echo").version()).isEqualTo("2.0.0");

      assertThat(m.call("mcp.next.echo", "{:message \"hi\"}")).isEqualTo(Value.of("hi"));
      assertThat(m.call("mcp.next.meta", null).toString())
          .as("protocolVersion, clientInfo, clientCapabilities and the progress token in _meta")
          .matches("\"2026-07-28 agora true .+\"");
      assertThat(m.call("mcp.next.resource.readme", null))
          .isEqualTo(Value.of("hello from a 2026-07-28 server"));
      assertThat(m.call("mcp.next.read-resource", "{:uri \"note://readme\"}"))
          .isEqualTo(Value.of("hello from a 2026-07-28 server"));
      assertThat(m.call("mcp.next.prompt.greet", "{:name \"Ada\"}").toString())
          .contains(":role \"user\"")
          .contains("Hello, Ada");
      assertThat(upstream.requests)
          .as("Mcp-Method, Mcp-Name and MCP-Protocol-Version on every request")
          .contains(
              "server/discover - 2026-07-28",
              "tools/list - 2026-07-28",
              "resources/list - 2026-07-28",
              "prompts/list - 2026-07-28",
              "tools/call echo 2026-07-28",
              "resources/read note://readme 2026-07-28",
              "prompts/get greet 2026-07-28");
    }
  }

  @Test
  void listChangesAndResourceUpdatesOfA2026ServerAreHeardOnListenStreams() throws Exception {
    try (ModernJavaServer upstream = new ModernJavaServer();
        McpFixture m =
            new McpFixture(
                dir, "sources:\n  - {name: next, type: mcp, url: \"" + upstream.url() + "\"}\n")) {
      assertThat(m.reports).singleElement().satisfies(r -> assertThat(r.failure()).isNull());
      long listed = upstream.count("tools/list - 2026-07-28");
      upstream.publish(new ServerChange.ToolsListChanged());
      assertThat(upstream.await("tools/list - 2026-07-28", listed + 1, 30))
          .as("the tools are listed again: " + upstream.requests)
          .isTrue();

      long resources = upstream.count("resources/list - 2026-07-28");
      long prompts = upstream.count("prompts/list - 2026-07-28");
      upstream.publish(new ServerChange.ResourcesListChanged());
      assertThat(upstream.await("resources/list - 2026-07-28", resources + 1, 30)).isTrue();
      upstream.publish(new ServerChange.PromptsListChanged());
      assertThat(upstream.await("prompts/list - 2026-07-28", prompts + 2, 30))
          .as("listed again after each")
          .isTrue();

      BlockingQueue<String> heard = new LinkedBlockingQueue<>();
      Provider.Subscription s =
          m.marketplace.subscribe(
              SecurityContext.full("op"),
              m.marketplace.registry().get("mcp.next.resource.readme"),
              null,
              () -> heard.add("readme"));
      upstream.publish(new ServerChange.ResourceUpdated("note://other"));
      upstream.publish(new ServerChange.ResourceUpdated("note://readme"));
      assertThat(heard.poll(30, TimeUnit.SECONDS)).isEqualTo("readme");
      s.close();
      assertThat(m.source("next").upstream().era()).isEqualTo(McpServerConfig.Protocol.MODERN);
    }
  }

  @Test
  void errorsOfA2026ServerAreTyped() throws Exception {
    try (ModernJavaServer upstream = new ModernJavaServer();
        McpFixture m =
            new McpFixture(
                dir,
                """
            sources:
              - {name: next, type: mcp, url: "%s", protocol: 2026-07-28, max_bytes: 2000}
            policy:
              limits:
                - {capabilities: "mcp.next.slow", timeout: 1s}
            """
                    .formatted(upstream.url()))) {
      assertThatThrownBy(() -> m.call("mcp.next.fail", null))
          .isInstanceOf(AgoraError.ProviderError.class)
          .hasMessageContaining("this tool always fails");
      assertThatThrownBy(() -> m.call("mcp.next.read-resource", "{:uri \"note://nope\"}"))
          .isInstanceOf(AgoraError.ProviderError.class)
          .hasMessageContaining("MCP server 'next'");
      assertThatThrownBy(() -> m.call("mcp.next.slow", "{:ms 5000}"))
          .isInstanceOf(AgoraError.Timeout.class);
      assertThatThrownBy(
              () -> m.call("mcp.next.echo", "{:message \"%s\"}".formatted("x".repeat(5000))))
          .isInstanceOf(AgoraError.ProviderError.class)
          .hasMessageContaining("max_bytes");
      assertThat(m.call("mcp.next.echo", "{:message \"still here\"}"))
          .isEqualTo(Value.of("still here"));
    }
  }

  @Test
  void aStdioServerOf2026IsDetectedCalledAndStartedAgainWhenItDies() throws Exception {
    long restarted;
    ModernConnection closed;
    try (McpFixture m =
        new McpFixture(
            dir,
            """
            sources:
              - {name: next, type: mcp, %s, timeout: 30s, env: {AGORA_TEST_SECRET: "${AGORA_TEST_SECRET}"}}
            """
                .formatted(ModernJavaServer.command()))) {
      assertThat(m.reports).singleElement().satisfies(r -> assertThat(r.failure()).isNull());
      EraSwitch upstream = m.source("next").upstream();
      assertThat(upstream.era()).isEqualTo(McpServerConfig.Protocol.MODERN);
      assertThat(m.call("mcp.next.echo", "{:message \"over stdio\"}"))
          .isEqualTo(Value.of("over stdio"));
      assertThat(m.call("mcp.next.prompt.greet", "{:name \"Ada\"}").toString())
          .contains("Hello, Ada");
      assertThat(m.call("mcp.next.resource.readme", null))
          .isEqualTo(Value.of("hello from a 2026-07-28 server"));
      String secret = System.getenv("AGORA_TEST_SECRET");
      assertThat(m.call("mcp.next.echo", "{:message \"secret\"}").toString())
          .as("what the server was given is redacted in what it answers")
          .doesNotContain(secret);

      long pid = ((ModernConnection) upstream.chosen()).pid();
      assertThat(pid).isPositive();
      ProcessHandle victim = ProcessHandle.of(pid).orElseThrow();
      victim.destroyForcibly();
      victim.onExit().get();
      // the JDK marks Agora's Process exited on its own reaper thread, a moment after onExit: a
      // call sent before then goes to the dead child and fails (it is not idempotent)
      Await.until("Agora sees its child gone", () -> !upstream.ready());
      assertThat(m.call("mcp.next.echo", "{:message \"again\"}")).isEqualTo(Value.of("again"));
      restarted = ((ModernConnection) upstream.chosen()).pid();
      assertThat(restarted).isPositive().isNotEqualTo(pid);
      closed = (ModernConnection) upstream.chosen();
    }
    assertThat(ProcessHandle.of(restarted)).as("closing the source stops its child").isEmpty();
    assertThat(closed.pid()).as("a closed connection has no child").isEqualTo(-1);
  }

  @Test
  void theBearerTokenGoesWithEveryRequestAndARefusalIsNotTakenForAnEra() throws Exception {
    String token = System.getenv("AGORA_TEST_SECRET");
    try (ModernJavaServer upstream = new ModernJavaServer(token);
        McpFixture m =
            new McpFixture(
                dir,
                """
            sources:
              - {name: next, type: mcp, url: "%s", bearer_env: AGORA_TEST_SECRET}
              - {name: refused, type: mcp, url: "%s", timeout: 3s}
            """
                    .formatted(upstream.url(), upstream.url()))) {
      assertThat(m.reports.get(0).failure()).isNull();
      assertThat(m.call("mcp.next.echo", "{:message \"with a token\"}"))
          .isEqualTo(Value.of("with a token"));
      assertThat(m.reports.get(1).failure()).contains("HTTP 401").doesNotContain(token);
      assertThat(m.source("refused").upstream().era()).as("asked again next time").isNull();
    }
  }
}
