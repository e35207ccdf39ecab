package dev.agora.provider.mcp;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The scripted stdio MCP server (src/test/resources/mcp/scripted-server.mjs, run by node): a real
 * process speaking JSON-RPC that does what a test's scenario says, including what a well-behaved
 * server never does — malformed messages, wrong types, crashes mid-call, silence. The scenario's
 * format is described at the top of the script.
 */
final class Scripted {

  private Scripted() {}

  /**
   * An agora.yaml source entry for server {@code name} playing {@code scenario} (JSON), with {@code
   * more} keys ({@code timeout: 5s} when there are none).
   */
  static String source(Path dir, String name, String scenario, String more) throws IOException {
    Path file = dir.resolve(name + ".json");
    Files.writeString(file, scenario);
    return "  - {name: %s, type: mcp, command: node, args: [\"%s\", \"%s\"], %s}\n"
        .formatted(name, script(), file, more.isEmpty() ? "timeout: 5s" : more);
  }

  /** A marketplace with one source, {@code s}, playing {@code scenario}. */
  static McpFixture start(Path dir, String scenario) throws IOException {
    return start(dir, scenario, "");
  }

  /** The same with {@code more} keys for the source. */
  static McpFixture start(Path dir, String scenario, String more) throws IOException {
    return new McpFixture(dir, "sources:\n" + source(dir, "s", scenario, more));
  }

  /** Why discovery of a source playing {@code scenario} failed (null: it did not). */
  static String failure(Path dir, String scenario, String more) throws IOException {
    try (McpFixture m = start(dir, scenario, more)) {
      if (m.reports.size() != 1) {
        throw new AssertionError("one source, reports: " + m.reports);
      }
      return m.reports.getFirst().failure();
    }
  }

  /** The configuration of server {@code s} playing {@code dir/s.json}, with a deadline. */
  static McpServerConfig config(Path dir, Duration timeout) {
    return stdio("s", "node", List.of(script(), dir.resolve("s.json").toString()), timeout);
  }

  /** The configuration of stdio server {@code name}, run as {@code command args}. */
  static McpServerConfig stdio(String name, String command, List<String> args, Duration timeout) {
    return new McpServerConfig(
        name,
        McpServerConfig.Transport.STDIO,
        command,
        args,
        Map.of(),
        null,
        null,
        Map.of(),
        List.of(),
        timeout,
        McpServerConfig.DEFAULT_MAX_BYTES,
        null,
        McpServerConfig.Protocol.AUTO);
  }

  static String script() {
    try {
      return Path.of(Scripted.class.getResource("/mcp/scripted-server.mjs").toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
