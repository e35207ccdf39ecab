package dev.agora.store;

import dev.agora.core.spi.SessionStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * The {@code mcp_sessions} table (migration V8): the MCP sessions every node can answer. Its ids
 * are what the server gives it (the SHA-256 of each session id); no message here names one.
 */
final class JdbcSessions implements SessionStore {

  private final JdbcStore db;

  JdbcSessions(JdbcStore db) {
    this.db = db;
  }

  @Override
  public void open(Session s) {
    db.update(
        "keep an MCP session",
        "INSERT INTO mcp_sessions (id, caller, protocol_version, capabilities, node, seen_at)"
            + " VALUES (?, ?, ?, ?, ?, ?)",
        s.id(),
        s.caller(),
        s.protocolVersion(),
        s.capabilities(),
        s.node(),
        s.seen().toEpochMilli());
  }

  @Override
  public Session find(String id) {
    List<Session> found =
        db.select(
            "read an MCP session",
            "SELECT id, caller, protocol_version, capabilities, node, seen_at FROM mcp_sessions"
                + " WHERE id = ?",
            JdbcSessions::read,
            id);
    return found.isEmpty() ? null : found.getFirst();
  }

  @Override
  public Session takeUp(String id, String caller, String node, Instant at, Instant since) {
    List<Session> taken =
        db.select(
            "take an MCP session up",
            "UPDATE mcp_sessions SET node = ?, seen_at = ? WHERE id = ? AND caller = ?"
                + " AND seen_at >= ?"
                + " RETURNING id, caller, protocol_version, capabilities, node, seen_at",
            JdbcSessions::read,
            node,
            at.toEpochMilli(),
            id,
            caller,
            since.toEpochMilli());
    return taken.isEmpty() ? null : taken.getFirst();
  }

  @Override
  public boolean touch(String id, String node, Instant at) {
    return db.update(
            "note that an MCP session was heard from",
            "UPDATE mcp_sessions SET node = ?, seen_at = ? WHERE id = ?",
            node,
            at.toEpochMilli(),
            id)
        > 0;
  }

  @Override
  public void end(String id) {
    db.update("end an MCP session", "DELETE FROM mcp_sessions WHERE id = ?", id);
  }

  @Override
  public int forget(Instant before) {
    return db.update(
        "forget the MCP sessions not heard from",
        "DELETE FROM mcp_sessions WHERE seen_at < ?",
        before.toEpochMilli());
  }

  private static Session read(ResultSet r) throws SQLException {
    return new Session(
        r.getString(1),
        r.getString(2),
        r.getString(3),
        r.getString(4),
        r.getString(5),
        Instant.ofEpochMilli(r.getLong(6)));
  }
}
