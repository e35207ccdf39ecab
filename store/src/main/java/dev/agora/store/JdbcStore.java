package dev.agora.store;

import com.zaxxer.hikari.HikariDataSource;
import dev.agora.chain.ChainHead;
import dev.agora.chain.ChainQuery;
import dev.agora.chain.ChainStore;
import dev.agora.chain.Checkpoint;
import dev.agora.chain.CompactRange;
import dev.agora.chain.Entry;
import dev.agora.core.approval.ApprovalStore;
import dev.agora.core.spi.NodeStore;
import dev.agora.core.spi.RegistryStore;
import dev.agora.core.spi.SessionStore;
import dev.agora.core.spi.Store;
import dev.agora.core.spi.StoreException;
import dev.agora.core.trust.pins.PinStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.flywaydb.core.Flyway;

/**
 * The Causal Chain and the runtime registry in a SQL database, one schema for SQLite and PostgreSQL
 * (Flyway migrations in {@code db/migration}). Appends lock the single {@code chain_head} row
 * inside their transaction, so any number of threads and processes append to one chain without gaps
 * or forks; the dialects differ only in how that lock is taken ({@link #lockHeadSql}) and how
 * connections are made (the subclasses).
 */
public abstract class JdbcStore implements Store, ChainStore {

  /** The columns read and written; V1's intent_id column is not used (always NULL). */
  private static final String COLUMNS = ChainWriter.COLUMNS;

  private static final int PAGE = 10_000;

  protected final HikariDataSource pool;
  private final String description;
  private final ChainWriter writer;

  /**
   * {@code readOnly}: the schema is neither created nor migrated, nothing is written, and a
   * database without the Causal Chain's tables is refused. {@code writer} opens the connection that
   * appends to the chain (not one of the pool's), {@code writerInitSql} (or null) is run on it.
   */
  protected JdbcStore(
      HikariDataSource pool,
      String description,
      boolean readOnly,
      ChainWriter.Opener writer,
      String writerInitSql) {
    this.pool = pool;
    this.description = description;
    this.writer =
        new ChainWriter(
            readOnly
                ? () -> {
                  throw new SQLException("the store is open read-only");
                }
                : writer,
            writerInitSql,
            lockHeadSql(),
            description);
    if (readOnly) {
      try (Connection c = pool.getConnection();
          PreparedStatement s = c.prepareStatement("SELECT size FROM chain_head WHERE id = 1");
          ResultSet r = s.executeQuery()) {
        r.next(); // the head row itself is checked by head()
      } catch (SQLException e) {
        pool.close();
        throw new StoreException(
            description
                + " is not an Agora store, or it was emptied: it has no Causal Chain ("
                + e.getMessage()
                + ")",
            e);
      }
      return;
    }
    if (!schemaIsCurrent()) {
      migrate();
    }
    if (select("read the chain head", "SELECT size FROM chain_head WHERE id = 1", r -> 1)
        .isEmpty()) {
      update(
          "create the chain head",
          "INSERT INTO chain_head (id, size, chain_hash, merkle) VALUES (1, 0, ?, ?) "
              + "ON CONFLICT DO NOTHING",
          ChainHead.EMPTY.chainHash(),
          ChainHead.EMPTY.range().toBytes());
    }
  }

  /**
   * The newest migration in {@code db/migration}; a test keeps it equal to the newest file there.
   */
  static final String SCHEMA_VERSION = "8";

  /**
   * Whether Flyway's history says every migration up to {@link #SCHEMA_VERSION} succeeded: then
   * Flyway (a quarter of a command's start-up, issue 13) is not even loaded. A database without the
   * history table, with a failed migration or an older schema goes through Flyway as before.
   */
  private boolean schemaIsCurrent() {
    List<Integer> rows; // per migration: 0 failed, 1 succeeded, 2 the current one succeeded
    try {
      rows =
          select(
              "read the schema history",
              "SELECT version, success FROM flyway_schema_history",
              r -> r.getBoolean(2) ? (SCHEMA_VERSION.equals(r.getString(1)) ? 2 : 1) : 0);
    } catch (StoreException e) {
      return false; // no history table yet: a new database
    }
    return rows.contains(2) && !rows.contains(0);
  }

  private void migrate() {
    try {
      Flyway.configure()
          .dataSource(pool)
          .locations("classpath:db/migration")
          .loggers("slf4j")
          .load()
          .migrate();
    } catch (RuntimeException e) {
      pool.close();
      throw new StoreException("could not create or migrate the schema of " + description, e);
    }
  }

  /** The statement that reads the head row and locks it until the transaction ends. */
  protected abstract String lockHeadSql();

  /**
   * Tells the other nodes that the registry of {@code scope} changed; by default no one listens.
   */
  protected void changed(String scope) {}

  /**
   * Runs {@code onChange} soon after another node changes the registry of {@code scope}, until
   * closed; null (the default) when this database cannot tell.
   */
  protected AutoCloseable watch(String scope, Runnable onChange, Consumer<String> log) {
    return null;
  }

  @Override
  public ChainStore chain() {
    return this;
  }

  @Override
  public RegistryStore registry(String scope) {
    return new Scoped(scope);
  }

  @Override
  public ApprovalStore approvals() {
    return new JdbcApprovals(this);
  }

  /** The pins the nodes take themselves, in the database: every node on it pins alike. */
  @Override
  public PinStore pins() {
    return new JdbcPins(this);
  }

  @Override
  public NodeStore nodes() {
    return new JdbcNodes(this);
  }

  /** MCP sessions in the database: any node on it answers a session another opened. */
  @Override
  public SessionStore sessions() {
    return new JdbcSessions(this);
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    try {
      writer.close();
    } finally {
      pool.close();
    }
  }

  /**
   * A pooled connection to the database, for tools and benchmarks that need plain JDBC; close it.
   */
  public Connection connection() throws SQLException {
    return pool.getConnection();
  }

  // ---- Chain ----

  @Override
  public ChainHead.Extension append(Function<ChainHead, ChainHead.Extension> extend) {
    return writer.append(extend);
  }

  @Override
  public ChainHead head() {
    List<ChainHead> h =
        select(
            "read the chain head",
            "SELECT size, chain_hash, merkle FROM chain_head WHERE id = 1",
            r -> new ChainHead(r.getLong(1), r.getBytes(2), CompactRange.fromBytes(r.getBytes(3))));
    if (h.isEmpty()) {
      throw new StoreException("the chain_head row of " + description + " is missing");
    }
    return h.getFirst();
  }

  @Override
  public void scan(long from, long to, Consumer<Entry> each) {
    long next = from;
    while (next < to) {
      List<Entry> page =
          select(
              "read the Causal Chain",
              "SELECT "
                  + COLUMNS
                  + " FROM chain_entries WHERE idx >= ? AND idx < ? ORDER BY idx LIMIT "
                  + PAGE,
              JdbcStore::entry,
              next,
              to);
      page.forEach(each);
      if (page.size() < PAGE) {
        return;
      }
      next = page.getLast().index() + 1;
    }
  }

  @Override
  public List<Entry> query(ChainQuery q) {
    StringBuilder sql =
        new StringBuilder("SELECT " + COLUMNS + " FROM chain_entries WHERE idx > ?");
    List<Object> args = new ArrayList<>();
    args.add(q.afterIndex());
    where(sql, args, "action_id", q.actionId());
    where(sql, args, "plan_id", q.planId());
    where(sql, args, "capability_id", q.capabilityId());
    where(sql, args, "caller", q.caller());
    if (q.callerPrefix() != null) { // exact and case-sensitive, as LIKE is not in SQLite
      sql.append(" AND substr(caller, 1, ?) = ?");
      args.add(q.callerPrefix().length());
      args.add(q.callerPrefix());
    }
    where(sql, args, "parent_id", q.parentId());
    where(sql, args, "type", q.type());
    if (q.from() != null) {
      sql.append(" AND time_nanos >= ?");
      args.add(Entry.Columns.clampedNanos(q.from()));
    }
    if (q.to() != null) {
      sql.append(" AND time_nanos < ?");
      args.add(Entry.Columns.clampedNanos(q.to()));
    }
    sql.append(" ORDER BY idx");
    if (q.limit() > 0) {
      sql.append(" LIMIT ").append(q.limit());
    }
    return select("query the Causal Chain", sql.toString(), JdbcStore::entry, args.toArray());
  }

  private static void where(StringBuilder sql, List<Object> args, String column, String value) {
    if (value != null) {
      sql.append(" AND ").append(column).append(" = ?");
      args.add(value);
    }
  }

  private static Entry entry(ResultSet r) throws SQLException {
    return new Entry(
        r.getLong(1),
        r.getBytes(9),
        r.getBytes(10),
        r.getBytes(11),
        new Entry.Columns(
            r.getString(2),
            r.getString(3),
            r.getString(4),
            r.getString(5),
            r.getString(6),
            r.getString(7),
            r.getLong(8)));
  }

  @Override
  public List<byte[]> leafHashes(long from, long to) {
    return select(
        "read leaf hashes",
        "SELECT leaf_hash FROM chain_entries WHERE idx >= ? AND idx < ? ORDER BY idx",
        r -> r.getBytes(1),
        from,
        to);
  }

  @Override
  public void addCheckpoint(Checkpoint c) {
    update(
        "store a checkpoint",
        "INSERT INTO chain_checkpoints (size, note, created_at) VALUES (?, ?, ?) "
            + "ON CONFLICT DO NOTHING",
        c.size(),
        c.note(),
        System.currentTimeMillis());
  }

  @Override
  public List<Checkpoint> checkpoints() {
    return select(
        "read checkpoints",
        "SELECT note FROM chain_checkpoints ORDER BY size, created_at",
        r -> Checkpoint.parse(r.getString(1)));
  }

  @Override
  public String origin(String proposed) {
    Optional<String> stored = storedOrigin();
    if (stored.isPresent()) {
      return stored.get(); // no write, so no commit, when a node opens a named log
    }
    update(
        "name the log",
        "INSERT INTO chain_meta (name, value) VALUES ('origin', ?) ON CONFLICT DO NOTHING",
        proposed);
    return storedOrigin().orElseThrow();
  }

  @Override
  public Optional<String> storedOrigin() {
    return select(
            "read the log's name",
            "SELECT value FROM chain_meta WHERE name = 'origin'",
            r -> r.getString(1))
        .stream()
        .findFirst();
  }

  @Override
  public long storedEnd() {
    return select(
            "read the highest stored index",
            "SELECT COALESCE(MAX(idx) + 1, 0) FROM chain_entries",
            r -> r.getLong(1))
        .getFirst();
  }

  // ---- Registry ----

  /**
   * The runtime registry of one configuration, plus the shared rows ({@code *}) stored before
   * scopes.
   */
  private final class Scoped implements RegistryStore {
    private final String scope;

    Scoped(String scope) {
      this.scope = scope;
    }

    @Override
    public void put(Stored m) {
      update(
          "store manifest " + m.id() + " " + m.version(),
          "INSERT INTO registry_manifests (scope, id, version, source, manifest, stored_at) VALUES (?, ?, ?, ?, ?, ?) "
              + "ON CONFLICT (scope, id, version) DO UPDATE SET source = excluded.source, "
              + "manifest = excluded.manifest, stored_at = excluded.stored_at",
          scope,
          m.id(),
          m.version(),
          m.source(),
          m.manifest(),
          m.registeredAt().toEpochMilli());
      changed(scope);
    }

    @Override
    public AutoCloseable changes(Runnable onChange, Consumer<String> log) {
      return watch(scope, onChange, log);
    }

    @Override
    public boolean remove(String id, String version) {
      boolean removed =
          update(
                  "remove manifest " + id + " " + version,
                  "DELETE FROM registry_manifests WHERE scope IN (?, '*') AND id = ? AND version = ?",
                  scope,
                  id,
                  version)
              > 0;
      if (removed) {
        changed(scope);
      }
      return removed;
    }

    @Override
    public String fingerprint() {
      return select(
              "read the registry's fingerprint",
              "SELECT COUNT(*), COALESCE(MAX(stored_at), 0), COALESCE(SUM(stored_at), 0)"
                  + " FROM registry_manifests WHERE scope IN (?, '*')",
              r -> r.getLong(1) + "/" + r.getLong(2) + "/" + r.getLong(3),
              scope)
          .getFirst();
    }

    @Override
    public List<Stored> all() {
      return select(
          "read stored manifests",
          "SELECT id, version, source, manifest, stored_at FROM registry_manifests WHERE scope IN (?, '*') "
              + "ORDER BY id, stored_at",
          r ->
              new Stored(
                  r.getString(1),
                  r.getString(2),
                  r.getString(3),
                  r.getString(4),
                  Instant.ofEpochMilli(r.getLong(5))),
          scope);
    }
  }

  // ---- JDBC plumbing ----

  @FunctionalInterface
  protected interface Row<T> {
    T read(ResultSet r) throws SQLException;
  }

  protected <T> List<T> select(String what, String sql, Row<T> row, Object... args) {
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      bind(s, args);
      try (ResultSet r = s.executeQuery()) {
        List<T> out = new ArrayList<>();
        while (r.next()) {
          out.add(row.read(r));
        }
        return out;
      }
    } catch (SQLException e) {
      throw new StoreException("could not " + what + " in " + description, e);
    }
  }

  protected int update(String what, String sql, Object... args) {
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      bind(s, args);
      return s.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("could not " + what + " in " + description, e);
    }
  }

  private static void bind(PreparedStatement s, Object[] args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      s.setObject(i + 1, args[i]);
    }
  }
}
