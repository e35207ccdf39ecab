package dev.agora.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.agora.core.spi.Store;
import dev.agora.core.spi.StoreException;
import dev.agora.core.spi.StoreProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The default store: one SQLite file ({@code .agora/agora.db}). WAL journal so readers never block
 * the writer; {@code synchronous=FULL} so a commit is on disk (fsync) when it returns; writes take
 * SQLite's write lock at {@code BEGIN} (IMMEDIATE), so appenders in several processes queue instead
 * of failing.
 */
public final class SqliteStore extends JdbcStore {

  /**
   * Copy the WAL back into the database every 10,000 pages (about 40 MB) instead of 1,000: index
   * pages that every batch touches are then written back once per checkpoint, not once per few
   * commits.
   */
  private static final String AUTOCHECKPOINT = "PRAGMA wal_autocheckpoint=10000";

  private SqliteStore(HikariDataSource pool, SQLiteDataSource ds, Path file, boolean readOnly) {
    super(pool, "sqlite " + file, readOnly, ds::getConnection, AUTOCHECKPOINT);
  }

  /**
   * Opens the existing database at {@code file} read-only: no file, table or row is created, and a
   * missing file is a StoreException. SQLite's read-only mode would still create the {@code -wal}
   * and {@code -shm} files of a database in WAL mode that no one has open; when there is no {@code
   * -wal} file (no writer has it open, and a crashed one left nothing to replay) the file is opened
   * as immutable, which needs neither. With a {@code -wal} file, a node may be writing: plain
   * read-only mode then reads what it has committed.
   */
  public static SqliteStore openReadOnly(Path file) {
    Path absolute = file.toAbsolutePath();
    if (!Files.isRegularFile(absolute)) {
      throw new StoreException(
          "no Causal Chain store at "
              + file
              + ": the file does not exist (was it deleted, or is --data-dir wrong?)");
    }
    boolean walInUse = Files.exists(Path.of(absolute + "-wal"));
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(60_000);
    SQLiteDataSource ds = new SQLiteDataSource(config);
    ds.setUrl(
        "jdbc:sqlite:file:"
            + absolute.toUri().getRawPath()
            + (walInUse ? "?mode=ro" : "?mode=ro&immutable=1"));
    HikariConfig hc = new HikariConfig();
    hc.setDataSource(ds);
    hc.setPoolName("agora-sqlite-read-only");
    hc.setReadOnly(true); // as the connection is: the pool would otherwise try to change it
    hc.setMaximumPoolSize(2);
    hc.setMinimumIdle(1);
    return new SqliteStore(pool(hc, file), ds, file, true);
  }

  private static HikariDataSource pool(HikariConfig hc, Path file) {
    try {
      return new HikariDataSource(hc);
    } catch (RuntimeException e) {
      throw new StoreException("could not open sqlite " + file, e);
    }
  }

  /** Opens (creating) the database file at {@code file}. */
  public static SqliteStore open(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw new StoreException("could not create the directory for " + file, e);
    }
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(60_000);
    config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    config.setCacheSize(
        -32_768); // 32 MiB of page cache: index updates stay in memory as the log grows
    SQLiteDataSource ds = new SQLiteDataSource(config);
    ds.setUrl("jdbc:sqlite:" + file);
    HikariConfig hc = new HikariConfig();
    hc.setDataSource(ds);
    hc.setPoolName("agora-sqlite");
    hc.setMaximumPoolSize(4);
    hc.setMinimumIdle(1);
    hc.setConnectionInitSql(AUTOCHECKPOINT);
    return new SqliteStore(pool(hc, file), ds, file, false);
  }

  @Override
  protected String lockHeadSql() {
    return "SELECT size, chain_hash, merkle FROM chain_head WHERE id = 1"; // the IMMEDIATE
    // transaction holds the
    // lock
  }

  /** {@code storage: {type: sqlite, path: …}}; the path defaults to {@code <data dir>/agora.db}. */
  public static final class Provider implements StoreProvider {
    @Override
    public String type() {
      return "sqlite";
    }

    @Override
    public Store open(Map<String, String> settings, Path dataDir) {
      return SqliteStore.open(file(settings, dataDir));
    }

    @Override
    public Store openReadOnly(Map<String, String> settings, Path dataDir) {
      return SqliteStore.openReadOnly(file(settings, dataDir));
    }

    private static Path file(Map<String, String> settings, Path dataDir) {
      String path = settings.get("path");
      return path == null ? dataDir.resolve("agora.db") : Path.of(path);
    }
  }
}
