package dev.agora.server;

import dev.agora.chain.Hashes;
import dev.agora.chain.event.Event;
import dev.agora.core.AgoraNode;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ConfigLoader;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.provider.mcp.Peers;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A node serving MCP on a free loopback port, configured like a real deployment: an upstream MCP
 * server (server-everything over stdio), a policy, an operator and a restricted agent, API keys.
 */
final class GatewayFixture implements AutoCloseable {

  static final String AGENT_KEY = "agent-secret-key";
  static final String OPS_KEY = "ops-secret-key";
  static final String NOBODY_KEY = "nobody-secret-key";

  final AgoraNode node;
  final AgoraServer server;

  final LogLines log = new LogLines();

  /** The events recorded, as they were recorded (each wakes whoever awaits one). */
  final List<Event> events = new CopyOnWriteArrayList<>();

  /** Waits up to {@code seconds} for a recorded event that {@code wanted} accepts. */
  synchronized Event awaitEvent(Predicate<Event> wanted, int seconds) throws InterruptedException {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    while (true) {
      for (Event e : events) {
        if (wanted.test(e)) {
          return e;
        }
      }
      long left = end - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      wait(left / 1_000_000 + 1);
    }
  }

  /** Waits up to {@code seconds} for a log line containing {@code fragment}. */
  boolean awaitLog(String fragment, int seconds) throws InterruptedException {
    return log.await(fragment, seconds);
  }

  GatewayFixture(Path dir, String extraServerYaml) throws IOException {
    Path file = dir.resolve("agora.yaml");
    Files.writeString(
        file,
        """
        sources:
          - {name: everything, type: mcp, command: "%s"}
        policy:
          deny: ["ccos.io.*"]
          time_windows:   # data.to-json only on a day that is not in the next few: listed, refused when called
            - {zone: UTC, days: [%s], capabilities: ["ccos.data.to-json"]}
        contexts:
          operator: {level: full}
          agent: {level: controlled, allow: ["ccos.echo", "ccos.math.*", "ccos.io.log", "mcp.everything.echo", "mcp.everything.get-sum"]}
          nobody: {level: controlled, allow: []}   # deny-all
        default_context: operator
        server:
          port: 0
          api_keys:
            - {name: agent-key, context: agent, sha256: "%s"}
            - {name: ops-key, context: operator, sha256: "%s"}
            - {name: nobody-key, context: nobody, sha256: "%s"}
        %s
        """
            .formatted(
                Peers.exe("mcp-server-everything"),
                notSoon(),
                sha(AGENT_KEY),
                sha(OPS_KEY),
                sha(NOBODY_KEY),
                extraServerYaml));
    AgoraConfig cfg = ConfigLoader.load(file).withStorage(AgoraConfig.Storage.MEMORY);
    node =
        AgoraNode.open(
            cfg,
            e -> {
              events.add(e);
              synchronized (this) {
                notifyAll();
              }
            },
            log::add);
    node.marketplace().bootstrap();
    server = AgoraServer.start(node, cfg, log::add);
  }

  /** A weekday at least three days away (so no test run reaches it). */
  static String notSoon() {
    return LocalDate.now(ZoneOffset.UTC)
        .plusDays(3)
        .getDayOfWeek()
        .name()
        .substring(0, 3)
        .toLowerCase(Locale.ROOT);
  }

  /** A pure capability implemented in RTFS, to register while serving. */
  static CapabilityManifest rtfs(String id, String input, String output, String implementation) {
    return CapabilityManifest.builder(id)
        .input(input)
        .output(output)
        .provider(
            new ProviderSpec.Local(
                id, Dict.of(Value.keyword("implementation"), Value.of(implementation))))
        .effects("pure")
        .build();
  }

  static String sha(String key) {
    return Hashes.hex(Hashes.sha256(key.getBytes(StandardCharsets.UTF_8)));
  }

  String url() {
    return server.url();
  }

  @Override
  public void close() {
    server.close();
    node.close();
    node.config().sources().forEach(s -> s.close());
  }
}
