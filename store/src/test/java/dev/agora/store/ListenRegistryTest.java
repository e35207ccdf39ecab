package dev.agora.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.event.MemorySink;
import dev.agora.core.Marketplace;
import dev.agora.core.doc.Documents;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Manifests;
import dev.agora.core.testing.Await;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * LISTEN/NOTIFY on PostgreSQL (issue 18): a node takes in another's registration as soon as it is
 * stored, without waiting for its periodic look; a lost listening connection is opened again.
 */
@Timeout(120)
class ListenRegistryTest {

  private static CapabilityManifest manifest(String id) {
    return Manifests.parse(
            Documents.parse(
                "id: "
                    + id
                    + "\neffects: [pure]\nprovider: {type: local, implementation: \"(fn [x] x)\"}\n",
                "m.yaml",
                Documents.Format.YAML))
        .manifests()
        .getFirst();
  }

  private static Marketplace node(PostgresStore store, List<String> log) {
    Marketplace m =
        Marketplace.builder()
            .sink(new MemorySink(1_000))
            .registryStore(store.registry("/etc/agora.yaml"))
            .log(log::add)
            .build();
    m.bootstrap();
    return m;
  }

  @Test
  void aRegistrationIsTakenInAtOnceAndAfterTheListenerLostItsConnection() throws Exception {
    String url = Pg.freshDatabase();
    List<String> log = new CopyOnWriteArrayList<>();
    try (PostgresStore s1 = Pg.open(url);
        PostgresStore s2 = Pg.open(url);
        Marketplace a = node(s1, log);
        Marketplace b = node(s2, log);
        AutoCloseable listening = b.followStoreChanges()) {
      assertThat(listening).isNotNull();
      a.register(manifest("told.first"), "rest ops");
      Await.until(
          "taken in on the notification alone", () -> b.registry().get("told.first") != null);
      a.unregister("told.first", null);
      Await.until("a removal too", () -> b.registry().get("told.first") == null);

      int killed = terminateListeners(url);
      assertThat(killed).isEqualTo(1);
      Await.until(
          "the lost connection said once",
          () -> log.stream().anyMatch(l -> l.contains("not listening for changes")));
      Await.until(
          "listening again after a second",
          () -> log.contains("agora: listening for changes again"));
      a.register(manifest("told.again"), "rest ops");
      Await.until("taken in after the reconnection", () -> b.registry().get("told.again") != null);
    }
    assertThat(log.stream().filter(l -> l.contains("not listening for changes")).count())
        .as("said once, not at every retry")
        .isEqualTo(1);
  }

  @Test
  void aStoreThatCannotTellHasNoListener() throws Exception {
    try (SqliteStore s =
            SqliteStore.open(
                java.nio.file.Files.createTempDirectory("agora-listen").resolve("a.db"));
        Marketplace m =
            Marketplace.builder()
                .sink(new MemorySink(10))
                .registryStore(s.registry("/x"))
                .log(l -> {})
                .build();
        Marketplace none = Marketplace.builder().sink(new MemorySink(10)).log(l -> {}).build()) {
      assertThat(m.followStoreChanges()).as("SQLite: the periodic look only").isNull();
      assertThat(none.followStoreChanges()).as("no store keeps the registry").isNull();
    }
  }

  /** Ends the listening connections (as a restarted database or a network cut would). */
  private static int terminateListeners(String url) throws Exception {
    try (Connection c = DriverManager.getConnection(url, "postgres", null);
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    + " WHERE query LIKE 'LISTEN %' AND pid <> pg_backend_pid()")) {
      int n = 0;
      while (r.next()) {
        n++;
      }
      return n;
    }
  }
}
