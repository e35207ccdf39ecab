package dev.agora.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.core.spi.NodeStore;
import dev.agora.core.spi.NodeStore.Node;
import dev.agora.core.store.MemoryStore;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nodes serving from a store (issue 18): joined, beating, leaving — on SQLite and PostgreSQL.
 */
class NodeListTest {

  @TempDir Path dir;

  static final Instant T = Instant.parse("2026-12-05T20:00:00Z");

  private static void joinBeatAndLeave(NodeStore nodes) {
    assertThat(nodes.all()).isEmpty();
    Node b = new Node("node-b", "http://10.0.0.2:8420/mcp", T, T, 0);
    Node a = new Node("node-a", "http://10.0.0.1:8420/mcp", T, T, 3);
    nodes.beat(b);
    nodes.beat(a);
    assertThat(nodes.all()).containsExactly(a, b);
    Node later = new Node("node-b", "http://10.0.0.2:8420/mcp", T, T.plusSeconds(5), 17);
    nodes.beat(later);
    assertThat(nodes.all()).containsExactly(a, later);
    nodes.leave("node-a");
    nodes.leave("no-such-node");
    assertThat(nodes.all()).containsExactly(later);
  }

  @Test
  void onSqlite() {
    try (SqliteStore s = SqliteStore.open(dir.resolve("agora.db"))) {
      joinBeatAndLeave(s.nodes());
    }
  }

  @Test
  void onPostgresqlSharedByTwoStores() {
    String url = Pg.freshDatabase();
    try (PostgresStore one = Pg.open(url);
        PostgresStore two = Pg.open(url)) {
      joinBeatAndLeave(one.nodes());
      one.nodes().beat(new Node("node-c", "http://c/mcp", T, T, 1));
      assertThat(two.nodes().all()).extracting(Node::id).containsExactly("node-b", "node-c");
    }
  }

  @Test
  void aMemoryStoreKeepsNone() {
    try (MemoryStore s = new MemoryStore()) {
      assertThat(s.nodes()).isNull();
    }
  }
}
