package dev.agora.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.spi.Store;
import dev.agora.core.spi.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
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
  Store readOnly() {
    return new SqliteStore.Provider()
        .openReadOnly(Map.of("path", dir.resolve("agora.db").toString()), dir);
  }

  @Test
  void aMissingOrEmptyFileIsRefusedReadOnlyAndNotCreated() throws IOException {
    assertThatThrownBy(() -> new SqliteStore.Provider().openReadOnly(Map.of(), dir))
        .isInstanceOf(StoreException.class)
        .hasMessage(
            "no Causal Chain store at "
                + dir.resolve("agora.db")
                + ": the file does not exist (was it deleted, or is --data-dir wrong?)");
    assertThat(dir.resolve("agora.db")).doesNotExist();
    Files.createFile(dir.resolve("agora.db"));
    assertThatThrownBy(() -> SqliteStore.openReadOnly(dir.resolve("agora.db")))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("is not an Agora store, or it was emptied");
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(dir.resolve("agora.db"));
    }
  }

  @Override
  void sql(String statement) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("agora.db"));
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }
}
