package dev.agora.provider.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ConfigLoader;
import dev.agora.core.doc.DocumentException;
import dev.agora.core.doc.Documents;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.spi.SourceFactory;
import dev.agora.rtfs.Value;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stdio MCP server in the process sandbox ({@code isolation: process}): server-everything runs
 * under bubblewrap with no network, its tools are {@code process}-isolated, and an isolation rule
 * that requires it admits them.
 */
@Timeout(120)
class SandboxedServerTest {

  @TempDir static Path dir;

  static McpFixture m;

  @BeforeAll
  static void start() throws IOException {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path modules = Path.of(Peers.exe("mcp-server-everything")).getParent().getParent();
    m =
        new McpFixture(
            dir,
            """
        sources:
          - name: boxed
            type: mcp
            command: %s
            isolation: process
            network: false
            binds: [%s]
            limits: {cpu_seconds: 600, processes: 256}
            timeout: 30s
        isolation:
          - {providers: [mcp], require: process}
        """
                .formatted(Peers.exe("mcp-server-everything"), modules));
  }

  @AfterAll
  static void stop() {
    m.close();
  }

  @Test
  void theSandboxedServersToolsAreProcessIsolatedAndCallable() {
    assertThat(m.reports).singleElement().satisfies(r -> assertThat(r.failure()).isNull());
    CapabilityManifest echo = m.marketplace.registry().get("mcp.boxed.echo");
    assertThat(echo).as("admitted: the rule requires process and the server gives it").isNotNull();
    assertThat(m.marketplace.isolation(echo))
        .isEqualTo("process (required: process by isolation rule 1 (providers [mcp]))");
    assertThat(m.call("mcp.boxed.echo", "{:message \"hi\"}")).isEqualTo(Value.of("Echo: hi"));
    assertThat(ProcessHandle.current().descendants())
        .as("the server runs under bubblewrap")
        .anySatisfy(p -> assertThat(p.info().command().orElse("")).endsWith("bwrap"));
  }

  private static Object load(String yaml) {
    Documents.Format f = Documents.Format.YAML;
    Map<String, SourceFactory> factories = new LinkedHashMap<>(ConfigLoader.factories());
    factories.put("mcp", new McpSourceFactory(System::getenv));
    try {
      AgoraConfig c = ConfigLoader.parse(Documents.parse(yaml, "agora.yaml", f), dir, factories);
      return ((McpSource) c.sources().getFirst()).config().sandbox();
    } catch (DocumentException e) {
      return e.problems().stream().map(Object::toString).toList();
    }
  }

  @Test
  void theSandboxKeysAreRead() {
    Object spec =
        load(
            "sources: [{name: a, type: mcp, command: /usr/bin/node, isolation: process,"
                + " network: true, limits: {memory_mb: 512}}]\n");
    assertThat(spec).isInstanceOf(dev.agora.core.isolation.SandboxSpec.class);
    var s = (dev.agora.core.isolation.SandboxSpec) spec;
    assertThat(s.network()).isTrue();
    assertThat(s.limits().memoryMb()).isEqualTo(512);
    assertThat(s.readOnly()).containsExactly(Path.of("/usr/bin"));
    assertThat(load("sources: [{name: a, type: mcp, command: node}]\n")).isNull();
  }

  @Test
  void everyMistakeIsAConfigError() {
    assertThat(
            load(
                "sources: [{name: a, type: mcp, url: \"http://127.0.0.1:9\", isolation: process}]\n"))
        .asString()
        .contains("only a stdio server (command) can run in the process sandbox");
    assertThat(load("sources: [{name: a, type: mcp, command: node, isolation: vm}]\n"))
        .asString()
        .contains("'vm' is not an isolation for an MCP server; use process or none");
    assertThat(
            load(
                "sources: [{name: a, type: mcp, command: node, isolation: process, limits: {gpus: 1}}]\n"))
        .asString()
        .contains("gpus");
    assertThat(
            load(
                "sources: [{name: a, type: mcp, command: node, isolation: process,"
                    + " limits: {memory_cgroup_mb: 64}}]\n"))
        .asString()
        .contains("memory_cgroup_mb is not supported for MCP servers yet");
  }
}
