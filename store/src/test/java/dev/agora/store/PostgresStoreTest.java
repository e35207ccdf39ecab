package dev.agora.store;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.spi.Store;
import dev.agora.core.spi.StoreException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

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
  Store readOnly() {
    return PostgresStore.openReadOnly(url(), "postgres", null);
  }

  @Test
  void aDatabaseWithoutTheChainIsRefusedReadOnly() {
    assertThatThrownBy(() -> PostgresStore.openReadOnly(Pg.freshDatabase(), "postgres", null))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("is not an Agora store, or it was emptied: it has no Causal Chain");
  }

  @Override
  void sql(String statement) throws SQLException {
    try (Connection c = DriverManager.getConnection(url(), "postgres", null);
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }
}
