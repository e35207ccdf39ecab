package dev.agora.store;

import dev.agora.core.spi.Store;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on a SQLite file. */
class SqliteStoreTest extends StoreContract {
  @TempDir Path dir;

  @Override
  Store fresh() {
    return SqliteStore.open(dir.resolve("agora.db"));
  }

  @Override
  Store reopen() {
    return SqliteStore.open(dir.resolve("agora.db"));
  }

  @Override
  void sql(String statement) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("agora.db"));
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }
}
