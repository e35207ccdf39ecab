package dev.agora.store;

import dev.agora.chain.ChainHead;
import dev.agora.chain.CompactRange;
import dev.agora.chain.Entry;
import dev.agora.core.spi.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The one connection that appends to the Causal Chain, with its statements prepared once and reused
 * for every append (issue 13: preparing three statements per append was a good part of a durable
 * call's cost). Opened on the first append, outside the pool so that readers never wait for it; a
 * database error closes it and the next append opens a new one. Appends in this process take turns
 * on it — they would anyway, on the head row's lock.
 */
final class ChainWriter implements AutoCloseable {

  /** Opens a new physical connection to the database. */
  @FunctionalInterface
  interface Opener {
    Connection open() throws SQLException;
  }

  /** Rows per INSERT statement: one statement step per chunk, well under any parameter limit. */
  static final int ROWS_PER_INSERT = 64;

  static final String COLUMNS =
      "idx, action_id, type, parent_id, plan_id, capability_id, caller, time_nanos, body, leaf_hash, chain_hash";

  private final Opener opener;
  private final String initSql;
  private final String lockHeadSql;
  private final String description;
  private final ReentrantLock lock = new ReentrantLock();

  // guarded by lock
  private Connection connection;
  private PreparedStatement readHead;
  private PreparedStatement writeHead;
  private final Map<Integer, PreparedStatement> inserts = new HashMap<>();
  private boolean closed;

  /** {@code initSql}: run once on each new connection, or null. */
  ChainWriter(Opener opener, String initSql, String lockHeadSql, String description) {
    this.opener = opener;
    this.initSql = initSql;
    this.lockHeadSql = lockHeadSql;
    this.description = description;
  }

  /** See {@link dev.agora.chain.ChainStore#append}: one transaction, committed before returning. */
  ChainHead.Extension append(Function<ChainHead, ChainHead.Extension> extend) {
    lock.lock();
    try {
      if (closed) {
        throw new StoreException(
            "could not append to the Causal Chain in " + description + ": the store is closed");
      }
      try {
        return appendOn(connection(), extend);
      } catch (SQLException e) {
        discard(); // broken, or mid-transaction: the next append starts on a new connection
        throw new StoreException("could not append to the Causal Chain in " + description, e);
      }
    } finally {
      lock.unlock();
    }
  }

  private ChainHead.Extension appendOn(
      Connection c, Function<ChainHead, ChainHead.Extension> extend) throws SQLException {
    // Autocommit between appends: SQLite's driver begins the next transaction as one commits, and
    // an idle writer would hold the database's write lock against every other connection.
    c.setAutoCommit(false);
    try {
      ChainHead head;
      try (ResultSet r = readHead.executeQuery()) {
        if (!r.next()) {
          throw new SQLException("the chain_head row is missing");
        }
        head = new ChainHead(r.getLong(1), r.getBytes(2), CompactRange.fromBytes(r.getBytes(3)));
      }
      ChainHead.Extension x = extend.apply(head);
      insert(x.entries());
      writeHead.setLong(1, x.head().size());
      writeHead.setBytes(2, x.head().chainHash());
      writeHead.setBytes(3, x.head().range().toBytes());
      writeHead.executeUpdate();
      c.commit();
      c.setAutoCommit(true);
      return x;
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      c.setAutoCommit(true);
      throw e;
    }
  }

  private Connection connection() throws SQLException {
    if (connection == null) {
      connection = opener.open(); // if what follows fails, the caller discards it
      if (initSql != null) {
        try (PreparedStatement s = connection.prepareStatement(initSql)) {
          s.execute();
        }
      }
      readHead = connection.prepareStatement(lockHeadSql);
      writeHead =
          connection.prepareStatement(
              "UPDATE chain_head SET size = ?, chain_hash = ?, merkle = ? WHERE id = 1");
    }
    return connection;
  }

  private void insert(List<Entry> entries) throws SQLException {
    int at = 0;
    while (at < entries.size()) {
      int n = Math.min(ROWS_PER_INSERT, entries.size() - at);
      PreparedStatement s = inserts.get(n);
      if (s == null) {
        s = connection.prepareStatement(insertSql(n));
        inserts.put(n, s);
      }
      bind(s, entries, at, n);
      s.executeUpdate();
      at += n;
    }
  }

  private static String insertSql(int rows) {
    return "INSERT INTO chain_entries ("
        + COLUMNS
        + ") VALUES "
        + String.join(", ", Collections.nCopies(rows, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  }

  private static void bind(PreparedStatement s, List<Entry> entries, int from, int n)
      throws SQLException {
    int p = 1;
    for (int i = from; i < from + n; i++) {
      Entry e = entries.get(i);
      Entry.Columns col = e.columns();
      s.setLong(p++, e.index());
      s.setString(p++, col.actionId());
      s.setString(p++, col.type());
      s.setString(p++, col.parentId());
      s.setString(p++, col.planId());
      s.setString(p++, col.capabilityId());
      s.setString(p++, col.caller());
      s.setLong(p++, col.timeNanos());
      s.setBytes(p++, e.body());
      s.setBytes(p++, e.leafHash());
      s.setBytes(p++, e.chainHash());
    }
  }

  /** Closes the connection (its statements with it), ignoring errors: it is being given up. */
  private void discard() {
    Connection c = connection;
    connection = null;
    readHead = null;
    writeHead = null;
    inserts.clear();
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // already broken; nothing more to release
      }
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      discard();
    } finally {
      lock.unlock();
    }
  }
}
