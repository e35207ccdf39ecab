package dev.agora.store;

import dev.agora.core.call.policy.QuotaStore;
import dev.agora.core.spi.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * Quota counters in the {@code quota_counters} table (migration V4), shared by every node on the
 * database: a call's counters are created if missing, read and locked in key order (so two calls
 * never wait for each other in a circle), checked, and written in one transaction. A refusal rolls
 * it back. Counters whose window has ended are deleted at most once a minute ({@link #forget}), so
 * the table holds about the callers of the current windows, not every caller ever seen.
 */
final class JdbcQuotas implements QuotaStore {

  private static final Comparator<Key> ORDER =
      Comparator.comparing(Key::rule).thenComparing(Key::scope);

  private final JdbcStore db;
  private final String forUpdate;
  private final String relaxed;

  /** When counters were last forgotten (epoch millis): at most once a {@link #FORGET_EVERY}. */
  private final AtomicLong forgotten = new AtomicLong(Long.MIN_VALUE / 2);

  static final long FORGET_EVERY = 60_000;

  /**
   * @param forUpdate what locks a row read in a transaction ({@code " FOR UPDATE"} on PostgreSQL;
   *     nothing on SQLite, whose IMMEDIATE transactions take the write lock at their start)
   * @param relaxed a statement that opens each transaction, or {@code ""}: on PostgreSQL, {@code
   *     SET LOCAL synchronous_commit TO OFF}
   */
  JdbcQuotas(JdbcStore db, String forUpdate, String relaxed) {
    this.db = db;
    this.forUpdate = forUpdate;
    this.relaxed = relaxed;
  }

  @Override
  public List<Counter> update(List<Key> keys, UnaryOperator<List<Counter>> next) {
    Integer[] order = new Integer[keys.size()];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, (a, b) -> ORDER.compare(keys.get(a), keys.get(b)));
    try (Connection c = db.connection()) {
      c.setAutoCommit(false);
      try {
        if (!relaxed.isEmpty()) {
          try (Statement st = c.createStatement()) {
            st.execute(relaxed);
          }
        }
        Counter[] before = new Counter[keys.size()];
        for (int i : order) {
          Counter found = select(c, keys.get(i), forUpdate);
          if (found == null) { // its first charge: make the row, then lock it
            create(c, keys.get(i));
            found = select(c, keys.get(i), forUpdate);
          }
          before[i] = found;
        }
        List<Counter> after = next.apply(List.of(before));
        try (PreparedStatement s =
            c.prepareStatement(
                "UPDATE quota_counters SET window_start = ?, window_end = ?, calls = ?, cost = ?"
                    + " WHERE rule = ? AND scope = ?")) {
          for (int i : order) {
            Counter n = after.get(i);
            s.setLong(1, n.windowStart());
            s.setLong(2, n.windowEnd());
            s.setLong(3, n.calls());
            s.setDouble(4, n.cost());
            s.setString(5, keys.get(i).rule());
            s.setString(6, keys.get(i).scope());
            s.addBatch();
          }
          s.executeBatch();
        }
        c.commit();
        return after;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StoreException("could not count quotas in " + db.describe(), e);
    }
  }

  /**
   * Deletes the counters whose window ended a minute or more before {@code now} — the margin covers
   * a node whose clock is ahead of another's, or a charge that read its time before waiting for a
   * lock — unless that was done less than a minute ago (by this node). On PostgreSQL the delete
   * takes only rows no charge holds ({@code FOR UPDATE SKIP LOCKED}): a charge locks its rows in
   * key order, the delete in no particular order, and the two must never wait for each other. A
   * delete that fails is tried again a minute later: the counters it left only take room.
   */
  @Override
  public void forget(long now) {
    // of calls racing here, the one whose update moved the time on does it
    long last = forgotten.getAndUpdate(l -> now - l >= FORGET_EVERY ? now : l);
    if (now - last < FORGET_EVERY) {
      return;
    }
    String ended =
        forUpdate.isEmpty()
            ? "DELETE FROM quota_counters WHERE window_end <= ?"
            : "DELETE FROM quota_counters WHERE (rule, scope) IN (SELECT rule, scope FROM"
                + " quota_counters WHERE window_end <= ?"
                + forUpdate
                + " SKIP LOCKED)";
    try {
      db.update("forget the quota counters whose window has ended", ended, now - FORGET_EVERY);
    } catch (StoreException e) {
      // kept until the next try: an old counter starts afresh when charged anyway
    }
  }

  @Override
  public List<Counter> read(List<Key> keys) {
    try (Connection c = db.connection()) {
      List<Counter> out = new ArrayList<>(keys.size());
      for (Key k : keys) {
        Counter found = select(c, k, "");
        out.add(found == null ? Counter.NONE : found);
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("could not read quota counters in " + db.describe(), e);
    }
  }

  private static void create(Connection c, Key k) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO quota_counters (rule, scope, window_start, window_end, calls, cost)"
                + " VALUES (?, ?, ?, ?, 0, 0) ON CONFLICT (rule, scope) DO NOTHING")) {
      s.setString(1, k.rule());
      s.setString(2, k.scope());
      s.setLong(3, Counter.NONE.windowStart());
      s.setLong(4, Counter.NONE.windowEnd());
      s.executeUpdate();
    }
  }

  private static Counter select(Connection c, Key k, String lock) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT window_start, window_end, calls, cost FROM quota_counters"
                + " WHERE rule = ? AND scope = ?"
                + lock)) {
      s.setString(1, k.rule());
      s.setString(2, k.scope());
      try (ResultSet r = s.executeQuery()) {
        return r.next()
            ? new Counter(r.getLong(1), r.getLong(2), r.getLong(3), r.getDouble(4))
            : null;
      }
    }
  }
}
