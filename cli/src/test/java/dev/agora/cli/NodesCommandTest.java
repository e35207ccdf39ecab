package dev.agora.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.event.EventSink;
import dev.agora.cli.CliTest.Result;
import dev.agora.core.AgoraNode;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ConfigLoader;
import dev.agora.core.spi.NodeStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** agora nodes: the nodes on the configuration's store, up or down by their last heartbeat. */
class NodesCommandTest {

  @TempDir Path dir;

  @Test
  void theNodesOnTheStoreAreListedUpOrDown() throws Exception {
    Path file = dir.resolve("agora.yaml");
    Files.writeString(file, "data_dir: data\ncluster: {heartbeat: 2s}\n");
    Result none = CliTest.withData(dir.resolve("data"), "", "nodes", "--config", file.toString());
    assertThat(none.exit()).isZero();
    assertThat(none.err()).startsWith("no node is serving from sqlite ");
    AgoraConfig cfg = ConfigLoader.load(file);
    Instant now = Instant.now();
    try (AgoraNode node = AgoraNode.open(cfg, EventSink.NONE, l -> {})) {
      NodeStore nodes = node.store().nodes();
      nodes.beat(new NodeStore.Node("agora-1", "http://10.0.0.1:8420/mcp", now, now, 4));
      nodes.beat(
          new NodeStore.Node(
              "agora-2",
              "http://10.0.0.2:8420/mcp",
              now.minusSeconds(300),
              now.minusSeconds(65),
              0));
    }
    Result r = CliTest.withData(dir.resolve("data"), "", "nodes", "--config", file.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out().lines().toList())
        .as(r.err() + " / " + none.err())
        .hasSize(2)
        .satisfies(
            lines -> {
              assertThat(lines.get(0))
                  .startsWith("agora-1  up    4 in flight  http://10.0.0.1:8420/mcp  started ")
                  .containsPattern("seen \\d+ms ago$|seen [0-5]s ago$");
              assertThat(lines.get(1))
                  .startsWith("agora-2  down  0 in flight  http://10.0.0.2:8420/mcp")
                  .endsWith("seen 1m5s ago");
            });
  }

  @Test
  void aMemoryStoreKeepsNoNodeList() throws Exception {
    Path file = dir.resolve("agora.yaml");
    Files.writeString(file, "storage: {type: memory}\n");
    Result r = CliTest.withData(dir.resolve("data"), "", "nodes", "--config", file.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo(
            "error: memory keeps no node list: nodes share a SQLite file or a PostgreSQL database (storage: in agora.yaml)\n");
  }

  @Test
  void durationsAreShownForPeople() {
    assertThat(NodesCommand.human(Duration.ofMillis(-5))).isEqualTo("0ms");
    assertThat(NodesCommand.human(Duration.ofMillis(850))).isEqualTo("850ms");
    assertThat(NodesCommand.human(Duration.ofSeconds(12))).isEqualTo("12s");
    assertThat(NodesCommand.human(Duration.ofSeconds(184))).isEqualTo("3m4s");
  }
}
