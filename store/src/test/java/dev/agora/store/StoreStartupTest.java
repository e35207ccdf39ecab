package dev.agora.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.chain.ChainHead;
import dev.agora.core.spi.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: opening a store whose schema is current skips Flyway, and the chain's writer keeps one
 * connection.
 */
class StoreStartupTest {

  @TempDir Path dir;

  private Path db() {
    return dir.resolve("agora.db");
  }

  private void sql(String statement) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db());
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  @Test
  void theSchemaVersionIsTheNewestMigration() throws IOException {
    Path migrations = Path.of("src/main/resources/db/migration");
    try (Stream<Path> files = Files.list(migrations)) {
      int newest =
          files
              .map(p -> p.getFileName().toString())
              .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__"))))
              .max()
              .orElseThrow();
      assertThat(JdbcStore.SCHEMA_VERSION).isEqualTo(Integer.toString(newest));
    }
  }

  @Test
  void aCurrentSchemaIsNotMigratedAgain() throws SQLException {
    SqliteStore.open(db()).close();
    // A history row Flyway cannot resolve: its validation would refuse to open the store.
    sql(
        "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script,"
            + " checksum, installed_by, installed_on, execution_time, success) VALUES (99, '1.5',"
            + " 'gone', 'SQL', 'V1_5__gone.sql', 0, 'test', '2026-12-04', 0, 1)");
    try (SqliteStore s = SqliteStore.open(db())) {
      assertThat(s.chain().head().size()).isZero();
    }
  }

  @Test
  void anOlderOrFailedHistoryGoesThroughFlyway() throws SQLException {
    SqliteStore.open(db()).close();
    sql("UPDATE flyway_schema_history SET success = 0 WHERE version = '1'");
    assertThatThrownBy(() -> SqliteStore.open(db()))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith(
            "could not create or migrate the schema of sqlite " + db() + ": Validate failed");
  }

  @Test
  void aMissingHeadRowIsCreatedAgainOnOpen() throws SQLException {
    SqliteStore.open(db()).close();
    sql("DELETE FROM chain_head");
    try (SqliteStore s = SqliteStore.open(db())) {
      assertThat(s.chain().head().chainHash()).isEqualTo(ChainHead.EMPTY.chainHash());
    }
  }

  @Test
  void theWriterRecoversFromAFailedAppendAndRefusesOnceClosed() throws SQLException {
    SqliteStore s = SqliteStore.open(db());
    s.chain().append(h -> h.extend(StoreFailureTest.pending(0, 2)));
    sql("DELETE FROM chain_head");
    assertThatThrownBy(() -> s.chain().append(h -> h.extend(StoreFailureTest.pending(2, 1))))
        .isInstanceOf(StoreException.class)
        .hasRootCauseMessage("the chain_head row is missing");
    s.close();
    try (SqliteStore again = SqliteStore.open(db())) { // the head row is back, empty
      sql("DELETE FROM chain_entries");
      again.chain().append(h -> h.extend(StoreFailureTest.pending(0, 3)));
      assertThat(again.chain().head().size()).isEqualTo(3);
      assertThat(again.chain().leafHashes(0, 3)).hasSize(3);
    }
    assertThatThrownBy(() -> s.chain().append(h -> h.extend(List.of())))
        .isInstanceOf(StoreException.class)
        .hasMessage(
            "could not append to the Causal Chain in sqlite " + db() + ": the store is closed");
  }

  @Test
  void aReadOnlyStoreHasNoWriter() {
    SqliteStore.open(db()).close();
    try (SqliteStore ro = SqliteStore.openReadOnly(db())) {
      assertThatThrownBy(() -> ro.chain().append(h -> h.extend(List.of())))
          .isInstanceOf(StoreException.class)
          .hasRootCauseMessage("the store is open read-only");
    }
  }
}
