package dev.agora.provider.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.chain.event.EventType;
import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * @modelcontextprotocol/server-everything over stdio, as a discovery source and provider: one
 *     server for the class, tests in any order.
 */
@Timeout(120)
class EverythingStdioTest {

  @TempDir static Path dir;

  static McpFixture m;

  @BeforeAll
  static void start() throws IOException {
    Files.createDirectories(dir.resolve("shared"));
    m =
        new McpFixture(
            dir,
            """
        sources:
          - name: everything
            type: mcp
            command: %s
            roots: [shared]
            timeout: 20s
        policy:
          limits:
            - {capabilities: "mcp.everything.trigger-long-running-operation", timeout: 1s}
        """
                .formatted(Peers.exe("mcp-server-everything")));
  }

  @AfterAll
  static void stop() {
    m.close();
  }

  @Test
  void toolsResourcesAndPromptsAreDiscoveredAsCapabilities() {
    assertThat(m.reports).singleElement().satisfies(r -> assertThat(r.failure()).isNull());
    CapabilityManifest echo = m.marketplace.registry().get("mcp.everything.echo");
    assertThat(echo).isNotNull();
    assertThat(echo.description()).isEqualTo("Echoes back the input string");
    assertThat(echo.input().show()).contains(":message").contains(":string");
    assertThat(echo.effects()).containsExactly("mcp"); // read-only, closed-world
    assertThat(echo.input().originalJsonSchema()).isNotNull();
    CapabilityManifest gzip = m.marketplace.registry().get("mcp.everything.gzip-file-as-resource");
    assertThat(gzip.effects())
        .containsExactlyInAnyOrder(
            "mcp", "network", "writes"); // open-world, not read-only, not destructive
    assertThat(m.marketplace.registry().get("mcp.everything.get-sum")).isNotNull();
    assertThat(m.marketplace.registry().get("mcp.everything.resource.architecture_md")).isNotNull();
    assertThat(m.marketplace.registry().get("mcp.everything.read-resource")).isNotNull();
    assertThat(m.marketplace.registry().get("mcp.everything.prompt.args-prompt").input().show())
        .contains(":city :string")
        .contains(":state :string ?");
    assertThat(m.events.events(EventType.CapabilityRegistered))
        .anySatisfy(e -> assertThat(e.capabilityId()).isEqualTo("mcp.everything.echo"));
  }

  @Test
  void callsGoThroughTheCallPathAndMapResults() {
    assertThat(m.call("mcp.everything.echo", "{:message \"hi\"}")).isEqualTo(Value.of("Echo: hi"));
    assertThat(m.call("mcp.everything.get-sum", "{:a 2 :b 3}")).asString().contains("5");
    Value structured = m.call("mcp.everything.get-structured-content", "{:location \"New York\"}");
    assertThat(structured).isInstanceOf(Dict.class);
    assertThat(((Dict) structured).get("temperature")).isNotNull();
    Value image = m.call("mcp.everything.get-tiny-image", null);
    assertThat(image).isInstanceOf(Seq.class);
    assertThat(image.toString()).contains(":type \"image\"").contains(":mime-type \"image/png\"");
    assertThat(m.events.events(EventType.CapabilityResult))
        .anySatisfy(
            e -> {
              assertThat(e.capabilityId()).isEqualTo("mcp.everything.echo");
              assertThat(e.success()).isTrue();
            });
  }

  @Test
  void badArgumentsAreRefusedBeforeTheServerIsAsked() {
    assertThatThrownBy(() -> m.call("mcp.everything.get-sum", "{:a \"two\" :b 3}"))
        .isInstanceOf(AgoraError.InvalidInput.class)
        .hasMessageContaining("[:a]");
    assertThatThrownBy(() -> m.call("mcp.everything.echo", "{}"))
        .isInstanceOf(AgoraError.InvalidInput.class)
        .hasMessageContaining("message");
  }

  @Test
  void resourcesAreReadableAndPromptsRetrievable() {
    assertThat(m.call("mcp.everything.resource.architecture_md", null)).asString().isNotBlank();
    assertThat(
            m.call(
                "mcp.everything.read-resource",
                "{:uri \"demo://resource/static/document/architecture.md\"}"))
        .isEqualTo(m.call("mcp.everything.resource.architecture_md", null));
    Value prompt = m.call("mcp.everything.prompt.args-prompt", "{:city \"Oslo\"}");
    assertThat(prompt.toString()).contains(":role \"user\"").contains("Oslo");
    assertThatThrownBy(() -> m.call("mcp.everything.read-resource", "{:uri \"demo://nope\"}"))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("MCP server 'everything'");
  }

  @Test
  void rootsComeFromTheConfiguration() {
    String roots = m.call("mcp.everything.get-roots-list", null).toString();
    assertThat(roots).contains(dir.resolve("shared").toUri().toString().replaceAll("/$", ""));
  }

  @Test
  void aCallPastItsDeadlineIsCancelledOnTheServer() throws InterruptedException {
    assertThatThrownBy(
            () ->
                m.call("mcp.everything.trigger-long-running-operation", "{:duration 30 :steps 30}"))
        .isInstanceOf(AgoraError.Timeout.class)
        .hasMessageContaining("within 1 s");
    assertThat(m.awaitLog("sent notifications/cancelled", 10)).as(m.logText()).isTrue();
    assertThat(m.call("mcp.everything.echo", "{:message \"still here\"}"))
        .isEqualTo(Value.of("Echo: still here"));
  }

  @Test
  void aKilledServerIsRestartedAndAnIdempotentCallRetriedOrAnInFlightCallFailedAtOnce()
      throws Exception {
    McpConnection c = m.source("everything").connection();
    m.call("mcp.everything.echo", "{:message \"warm\"}");
    long pid = c.pid();
    assertThat(pid).isPositive();
    ProcessHandle.of(pid).orElseThrow().destroyForcibly();
    assertThat(m.call("mcp.everything.echo", "{:message \"after a crash\"}"))
        .isEqualTo(Value.of("Echo: after a crash"));
    assertThat(c.pid()).isNotEqualTo(pid);

    // a call in flight when the process dies fails at once with the reason, not at its 20 s
    // deadline
    CapabilityManifest slow =
        m.marketplace.registry().get("mcp.everything.trigger-long-running-operation");
    ProviderSpec.Mcp spec = (ProviderSpec.Mcp) slow.provider();
    m.marketplace.register(
        CapabilityManifest.builder("test.slow")
            .provider(
                new ProviderSpec.Mcp(
                    spec.server(),
                    spec.tool(),
                    Dict.of(Value.keyword("kind"), Value.keyword("tool"))))
            .input(":any")
            .output(":any")
            .effects("mcp")
            .timeout(Duration.ofSeconds(20))
            .build(),
        "test");
    CompletableFuture<Throwable> call =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                m.call("test.slow", "{:duration 60 :steps 60}");
                return null;
              } catch (Throwable t) {
                return t;
              }
            });
    long pid2 = c.pid();
    while (c.inFlight() == 0 && !call.isDone()) { // until the request is on the wire
      Thread.onSpinWait();
    }
    ProcessHandle.of(pid2).orElseThrow().destroyForcibly();
    // counted in flight as it is sent: the process may die before or after the write
    assertThat(call.get(60, TimeUnit.SECONDS))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageMatching("(?s).*(exited|cannot write to MCP server 'everything').*")
        .hasMessageContaining("not retried because it is not idempotent");
    assertThat(m.call("mcp.everything.echo", "{:message \"again\"}"))
        .isEqualTo(Value.of("Echo: again"));
  }
}
