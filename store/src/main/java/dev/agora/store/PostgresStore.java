package dev.agora.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.agora.core.call.policy.QuotaStore;
import dev.agora.core.spi.Store;
import dev.agora.core.spi.StoreException;
import dev.agora.core.spi.StoreProvider;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The store for shared deployments: several Agora nodes on one PostgreSQL database write one chain.
 * Appenders serialise on {@code SELECT … FOR UPDATE} of the head row; everything else is plain SQL.
 * The password comes from an environment variable, never from the config file.
 */
public final class PostgresStore extends JdbcStore {

  /** The channel on which nodes tell each other that a registry changed; the payload its scope. */
  static final String REGISTRY_CHANNEL = "agora_registry";

  private final ChainWriter.Opener opener;

  private PostgresStore(
      HikariDataSource pool, String url, String user, String password, boolean readOnly) {
    this(pool, url, readOnly, () -> DriverManager.getConnection(url, user, password));
  }

  private PostgresStore(
      HikariDataSource pool, String url, boolean readOnly, ChainWriter.Opener opener) {
    super(
        pool,
        "postgres " + JdbcUrls.redacted(url),
        readOnly,
        opener,
        null); // pgjdbc is on the class path
    this.opener = opener;
  }

  /** Opens the database at {@code url} (jdbc:postgresql://…), migrating its schema. */
  public static PostgresStore open(String url, String user, String password, int poolSize) {
    return open(url, user, password, poolSize, false);
  }

  /**
   * Opens the database at {@code url} with read-only connections, neither creating nor migrating
   * its schema.
   */
  public static PostgresStore openReadOnly(String url, String user, String password) {
    return open(url, user, password, 2, true);
  }

  private static PostgresStore open(
      String url, String user, String password, int poolSize, boolean readOnly) {
    if (url == null || !url.startsWith("jdbc:postgresql:")) {
      throw new StoreException(
          "storage.url must be a jdbc:postgresql: URL, got "
              + (url == null ? "nothing" : "'" + JdbcUrls.redacted(url) + "'"));
    }
    if (JdbcUrls.hasUserInfo(url)) {
      throw new StoreException(
          "storage.url must not hold user:password@ (pgjdbc does not read it, and would name the"
              + " password in its own messages): give the user as storage.user and the password"
              + " through storage.password_env, got '"
              + JdbcUrls.redacted(url)
              + "'");
    }
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(url);
    hc.setUsername(user);
    hc.setPassword(password);
    hc.setPoolName("agora-postgres");
    hc.setMaximumPoolSize(poolSize);
    hc.setMinimumIdle(1);
    hc.setConnectionTimeout(10_000);
    if (readOnly) { // enforced by the server, also for statements outside a transaction
      hc.setReadOnly(true);
      hc.setConnectionInitSql("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
    }
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(hc);
    } catch (RuntimeException e) {
      throw new StoreException("could not connect to " + JdbcUrls.redacted(url) + " as " + user, e);
    }
    return new PostgresStore(pool, url, user, password, readOnly);
  }

  /** Quota counters in the database: every node on it counts together (issue 18). */
  @Override
  public QuotaStore quotas() {
    return new JdbcQuotas(this, " FOR UPDATE", "SET LOCAL synchronous_commit TO OFF");
  }

  /** NOTIFY: delivered to every listening node when the statement commits (at once here). */
  @Override
  protected void changed(String scope) {
    try {
      select(
          "tell the other nodes of a registry change",
          "SELECT pg_notify('" + REGISTRY_CHANNEL + "', ?)",
          r -> null,
          scope);
    } catch (StoreException e) {
      // the change is stored: the others take it in at their next look at the fingerprint
    }
  }

  /** LISTEN, on a connection of its own ({@link ChangeListener}). */
  @Override
  protected AutoCloseable watch(String scope, Runnable onChange, Consumer<String> log) {
    return new ChangeListener(opener, REGISTRY_CHANNEL, scope, onChange, log);
  }

  @Override
  protected String lockHeadSql() {
    return "SELECT size, chain_hash, merkle FROM chain_head WHERE id = 1 FOR UPDATE";
  }

  /** {@code storage: {type: postgres, url: …, user: …, password_env: VAR, pool_size: 8}}. */
  public static final class Provider implements StoreProvider {
    @Override
    public String type() {
      return "postgres";
    }

    @Override
    public Store open(Map<String, String> settings, Path dataDir) {
      return PostgresStore.open(
          settings.get("url"),
          settings.getOrDefault("user", "agora"),
          password(settings),
          poolSize(settings.getOrDefault("pool_size", "8")));
    }

    @Override
    public Store openReadOnly(Map<String, String> settings, Path dataDir) {
      return PostgresStore.openReadOnly(
          settings.get("url"), settings.getOrDefault("user", "agora"), password(settings));
    }

    private static String password(Map<String, String> settings) {
      String passwordEnv = settings.get("password_env");
      if (passwordEnv == null) {
        return null;
      }
      String password = System.getenv(passwordEnv);
      if (password == null) {
        throw new StoreException(
            "storage.password_env names " + passwordEnv + ", which is not set");
      }
      return password;
    }

    private static int poolSize(String text) {
      try {
        int n = Integer.parseInt(text.strip());
        if (n >= 1 && n <= 1000) {
          return n;
        }
      } catch (NumberFormatException e) {
        // reported below, with the key
      }
      throw new StoreException(
          "storage.pool_size must be a whole number from 1 to 1000, got '" + text + "'");
    }
  }
}
