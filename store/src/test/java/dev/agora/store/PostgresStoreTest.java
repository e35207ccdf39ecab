package dev.agora.store;

import dev.agora.core.spi.Store;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** The store contract on a real PostgreSQL server, a fresh database per test. */
class PostgresStoreTest extends StoreContract {
  private String url;

  private String url() {
    if (url == null) {
      url = Pg.freshDatabase();
    }
    return url;
  }

  @Override
  Store fresh() {
    return Pg.open(url());
  }

  @Override
  Store reopen() {
    return Pg.open(url());
  }

  @Override
  void sql(String statement) throws SQLException {
    try (Connection c = DriverManager.getConnection(url(), "postgres", null);
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }
}
