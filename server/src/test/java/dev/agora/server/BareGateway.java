package dev.agora.server;

import dev.agora.chain.event.EventSink;
import dev.agora.core.AgoraNode;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A node with only the built-ins serving MCP on a free loopback port, to one API key acting as the
 * full context {@code operator} (no upstream servers: quick to start).
 */
record BareGateway(AgoraNode node, AgoraServer server) implements AutoCloseable {

  /** Starts one in {@code dir}; {@code topLevelYaml} is added to agora.yaml (a policy, say). */
  static BareGateway start(Path dir, String key, String topLevelYaml, Consumer<String> log)
      throws IOException {
    return start(dir, key, topLevelYaml, "", log);
  }

  /** The same, with {@code serverYaml} (indented lines) added to the server: section. */
  static BareGateway start(
      Path dir, String key, String topLevelYaml, String serverYaml, Consumer<String> log)
      throws IOException {
    Path file = dir.resolve("agora.yaml");
    Files.writeString(
        file,
        """
        contexts:
          operator: {level: full}
        default_context: operator
        server:
          port: 0
          api_keys:
            - {name: key, context: operator, sha256: "%s"}
        %s
        """
                .formatted(GatewayFixture.sha(key), serverYaml)
            + topLevelYaml);
    return open(file, log);
  }

  /** A node of the whole agora.yaml {@code yaml}, written in {@code dir}, serving on its port. */
  static BareGateway of(Path dir, String yaml, Consumer<String> log) throws IOException {
    Path file = dir.resolve("agora.yaml");
    Files.writeString(file, yaml);
    return open(file, log);
  }

  private static BareGateway open(Path file, Consumer<String> log) {
    AgoraConfig cfg = ConfigLoader.load(file).withStorage(AgoraConfig.Storage.MEMORY);
    AgoraNode node = AgoraNode.open(cfg, EventSink.NONE, log);
    node.marketplace().bootstrap();
    return new BareGateway(node, AgoraServer.start(node, cfg, log));
  }

  @Override
  public void close() {
    server.close();
    node.close();
  }
}
