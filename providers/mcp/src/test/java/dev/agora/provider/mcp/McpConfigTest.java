package dev.agora.provider.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ConfigLoader;
import dev.agora.core.doc.Document;
import dev.agora.core.doc.DocumentException;
import dev.agora.core.doc.Documents;
import dev.agora.core.spi.SourceFactory;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

/** The {@code type: mcp} source's configuration: what is read and every mistake, with its line. */
class McpConfigTest {

  private static final Map<String, String> ENV = Map.of("TOKEN", "s3cret", "DEBUG_LEVEL", "2");
  private static final Path BASE = Path.of("/etc/agora");

  private static Object load(String yaml) {
    Document doc = Documents.parse(yaml, "agora.yaml", Documents.Format.YAML);
    Map<String, SourceFactory> factories = new LinkedHashMap<>(ConfigLoader.factories());
    factories.put("mcp", new McpSourceFactory(ENV::get));
    try {
      return ConfigLoader.parse(doc, BASE, factories);
    } catch (DocumentException e) {
      return e.problems().stream().map(Object::toString).toList();
    }
  }

  /** A URL without a path means the server's default endpoint. */
  @Test
  void aBareUrlMeansTheDefaultEndpoint() {
    assertThat(
            List.of(
                http(McpServerConfig.Transport.HTTP, "http://127.0.0.1:9/").endpoint(),
                http(McpServerConfig.Transport.HTTP, "http://127.0.0.1:9").endpoint(),
                http(McpServerConfig.Transport.SSE, "http://127.0.0.1:9").endpoint(),
                http(McpServerConfig.Transport.HTTP, "http://u@h:9?k=v").endpoint(),
                http(McpServerConfig.Transport.HTTP, "http://h:9/api/mcp?k=v").endpoint()))
        .extracting(URI::toString)
        .containsExactly(
            "http://127.0.0.1:9/",
            "http://127.0.0.1:9/mcp",
            "http://127.0.0.1:9/sse",
            "http://u@h:9/mcp?k=v",
            "http://h:9/api/mcp?k=v");
  }

  private static McpServerConfig http(McpServerConfig.Transport transport, String url) {
    return new McpServerConfig(
        "s",
        transport,
        null,
        List.of(),
        Map.of(),
        null,
        URI.create(url),
        Map.of(),
        List.of(),
        Duration.ofSeconds(1),
        McpServerConfig.DEFAULT_MAX_BYTES,
        null,
        McpServerConfig.Protocol.AUTO);
  }

  @Test
  void aStdioAndAnHttpServerAreRead() {
    AgoraConfig c =
        (AgoraConfig)
            load(
                """
        sources:
          - {name: files, type: mcp, command: npx, args: [-y, server], env: {LEVEL: "${DEBUG_LEVEL}", X: "a${DEBUG_LEVEL}b"}, cwd: tools, roots: [data, "file:///srv"], timeout: 5s}
          - {name: remote, type: mcp, url: "https://mcp.example.com/mcp", headers: {X-Team: core}, bearer_env: TOKEN}
          - {name: old, type: mcp, transport: sse, url: "http://127.0.0.1:3001/sse"}
        """);
    McpServerConfig files = ((McpSource) c.sources().get(0)).config();
    assertThat(files.transport()).isEqualTo(McpServerConfig.Transport.STDIO);
    assertThat(files.args()).containsExactly("-y", "server");
    assertThat(files.env()).containsEntry("LEVEL", "2").containsEntry("X", "a2b");
    assertThat(files.cwd()).isEqualTo(BASE.resolve("tools"));
    assertThat(files.roots()).containsExactly("file:///etc/agora/data", "file:///srv");
    assertThat(files.timeout()).hasSeconds(5);
    McpServerConfig remote = ((McpSource) c.sources().get(1)).config();
    assertThat(remote.transport()).isEqualTo(McpServerConfig.Transport.HTTP);
    assertThat(remote.headers())
        .containsEntry("Authorization", "Bearer s3cret")
        .containsEntry("X-Team", "core");
    assertThat(remote.where()).isEqualTo("https://mcp.example.com/mcp").doesNotContain("s3cret");
    assertThat(((McpSource) c.sources().get(2)).config().transport())
        .isEqualTo(McpServerConfig.Transport.SSE);
  }

  @Test
  void everyMistakeIsReportedWithItsLine() {
    Object problems =
        load(
            """
        sources:
          - {name: "bad name", type: mcp, command: x}
          - {name: both, type: mcp, command: x, url: "http://h/mcp"}
          - {name: none, type: mcp}
          - {name: unset, type: mcp, url: "http://h/mcp", bearer_env: NOPE, env: {A: "${ALSO_NOPE}"}}
          - {name: ftp, type: mcp, url: "ftp://h/x"}
          - {name: wire, type: mcp, transport: pigeon, url: "http://h/mcp"}
          - {name: extra, type: mcp, command: x, colour: red}
          - {name: big, type: mcp, command: x, max_bytes: 0}
          - {name: huge, type: mcp, command: x, max_bytes: 2000000000}
        """);
    assertThat(problems)
        .asInstanceOf(InstanceOfAssertFactories.LIST)
        .map(Object::toString)
        .containsExactly(
            "agora.yaml:2: sources[0].name: an MCP source's name becomes part of capability ids (mcp.bad name.<tool>): "
                + "use letters, digits, _ and -, starting with a letter",
            "agora.yaml:3: sources[1]: an MCP source needs either 'command' (a stdio server) or 'url' (an HTTP server)",
            "agora.yaml:4: sources[2]: an MCP source needs either 'command' (a stdio server) or 'url' (an HTTP server)",
            "agora.yaml:5: sources[3].env.A: the environment variable ALSO_NOPE is not set",
            "agora.yaml:5: sources[3].bearer_env: the environment variable NOPE is not set",
            "agora.yaml:6: sources[4].url: 'ftp://h/x' is not an http(s) URL",
            "agora.yaml:7: sources[5].transport: 'pigeon' is not a transport; use stdio, http or sse",
            "agora.yaml:8: sources[6].colour: unknown key 'colour'; known keys are type, name, command, url, transport, "
                + "args, env, cwd, headers, bearer_env, roots, timeout, max_bytes, protocol, isolation, network, limits, binds",
            "agora.yaml:9: sources[7].max_bytes: expected an integer from 1 to 1073741824, found 0 (integer)",
            "agora.yaml:10: sources[8].max_bytes: expected an integer from 1 to 1073741824, found"
                + " 2000000000 (integer)");
    assertThat(List.of(problems.toString())).noneMatch(p -> p.contains("s3cret"));
  }

  @Test
  void theProtocolIsAutoUnlessSaidAndOneOfTheTwoGenerations() {
    AgoraConfig c =
        (AgoraConfig)
            load(
                """
        sources:
          - {name: a, type: mcp, command: x}
          - {name: b, type: mcp, command: x, protocol: 2025-11-25}
          - {name: c, type: mcp, url: "http://h/mcp", protocol: "2026-07-28"}
          - {name: d, type: mcp, url: "http://h/mcp", protocol: auto}
        """);
    assertThat(c.sources())
        .map(s -> ((McpSource) s).config().protocol())
        .containsExactly(
            McpServerConfig.Protocol.AUTO,
            McpServerConfig.Protocol.LEGACY,
            McpServerConfig.Protocol.MODERN,
            McpServerConfig.Protocol.AUTO);
    assertThat(
            load(
                """
        sources:
          - {name: a, type: mcp, command: x, protocol: 2025-06-18}
          - {name: b, type: mcp, transport: sse, url: "http://h/sse", protocol: 2026-07-28}
        """))
        .asInstanceOf(InstanceOfAssertFactories.LIST)
        .map(Object::toString)
        .containsExactly(
            "agora.yaml:2: sources[0].protocol: '2025-06-18' is not an MCP protocol Agora speaks;"
                + " use auto (ask the server), 2025-11-25 or 2026-07-28",
            "agora.yaml:3: sources[1].protocol: the sse transport is the one of MCP 2024-11-05; a"
                + " 2026-07-28 server speaks http or stdio");
  }

  @Test
  void aCommandWithASlashIsAPathRelativeToTheFile() {
    AgoraConfig c =
        (AgoraConfig)
            load(
                """
        sources:
          - {name: local, type: mcp, command: ./bin/../servers/mcp.sh}
          - {name: absolute, type: mcp, command: /opt/mcp/server, max_bytes: 1024}
        """);
    assertThat(((McpSource) c.sources().get(0)).config().maxBytes()).isEqualTo(4 << 20);
    assertThat(((McpSource) c.sources().get(1)).config().maxBytes()).isEqualTo(1024);
    assertThat(((McpSource) c.sources().get(0)).config().command())
        .isEqualTo(BASE.resolve("servers/mcp.sh").toString());
    assertThat(((McpSource) c.sources().get(1)).config().where()).isEqualTo("/opt/mcp/server");
  }

  @Test
  void aTransportThatDoesNotFitTheServerIsReportedWithItsLine() {
    assertThat(
            load(
                """
        sources:
          - {name: a, type: mcp, transport: stdio, url: "http://h/mcp"}
          - {name: b, type: mcp, transport: http, command: x}
          - {name: c, type: mcp, transport: sse, command: x}
        """))
        .asInstanceOf(InstanceOfAssertFactories.LIST)
        .map(Object::toString)
        .containsExactly(
            "agora.yaml:2: sources[0].transport: a stdio server needs 'command'",
            "agora.yaml:3: sources[1].transport: an http server needs 'url'",
            "agora.yaml:4: sources[2].transport: an sse server needs 'url'");
  }
}
