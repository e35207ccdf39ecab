package dev.agora.store;

import dev.agora.core.spi.NodeStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * The {@code nodes} table (migrations V5, V6): one row per serving node, updated by its heartbeat.
 */
final class JdbcNodes implements NodeStore {

  private final JdbcStore db;

  JdbcNodes(JdbcStore db) {
    this.db = db;
  }

  @Override
  public void beat(Node self) {
    db.update(
        "record the heartbeat of node " + self.id(),
        "INSERT INTO nodes (id, url, started_at, seen_at, in_flight, node_key)"
            + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET url = excluded.url,"
            + " started_at = excluded.started_at, seen_at = excluded.seen_at,"
            + " in_flight = excluded.in_flight, node_key = excluded.node_key",
        self.id(),
        self.url(),
        self.started().toEpochMilli(),
        self.seen().toEpochMilli(),
        self.inFlight(),
        self.key());
  }

  @Override
  public void leave(String id) {
    db.update("remove node " + id, "DELETE FROM nodes WHERE id = ?", id);
  }

  @Override
  public List<Node> all() {
    return db.select(
        "list the nodes",
        "SELECT id, url, started_at, seen_at, in_flight, node_key FROM nodes ORDER BY id",
        JdbcNodes::read);
  }

  private static Node read(ResultSet r) throws SQLException {
    return new Node(
        r.getString(1),
        r.getString(2),
        Instant.ofEpochMilli(r.getLong(3)),
        Instant.ofEpochMilli(r.getLong(4)),
        r.getInt(5),
        r.getString(6));
  }
}
