package dev.agora.store;

import static dev.agora.store.FollowRegistryTest.manifest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.chain.event.EventSink;
import dev.agora.core.AgoraNode;
import dev.agora.core.Marketplace;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ConfigLoader;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.spi.StoreException;
import dev.agora.core.testing.Await;
import dev.agora.core.trust.Pins;
import dev.agora.core.trust.TrustException;
import dev.agora.core.trust.pins.PinStore;
import dev.agora.core.trust.pins.PinStore.Stored;
import dev.agora.rtfs.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nodes' own pins in the database (issue 18, migration V7), on SQLite and PostgreSQL: one row
 * per id@version, the first pin of a key committed wins, an approval replaces it, and the stamp a
 * node polls changes at every write. Two nodes on one store: what one pins the other holds to, what
 * one approves the other admits once its pin watch looks, and pins taken at once by both are all
 * kept.
 */
@Timeout(300)
class SharedPinsTest {

  @TempDir Path dir;
  final Queue<String> log = new ConcurrentLinkedQueue<>();

  private static final String GREET =
      "id: shop.greet\ndescription: Greets.\noutput_schema: ':string'\n"
          + "provider: {type: local, implementation: '(fn [x] \"hi\")'}\n";
  private static final String KEY = "shop.greet@1.0.0";

  // ---- The table ----

  private static void onePinPerKeyFirstCommittedWins(PinStore one, PinStore two) {
    assertThat(one.all()).isEmpty();
    String empty = one.stamp();
    Stored a = new Stored(KEY, "aaa", "{\"description\":\"one\"}");
    Stored changed = new Stored(KEY, "bbb", "{\"description\":\"two\"}");
    assertThat(one.pinIfAbsent(a)).isEqualTo(a);
    String pinned = one.stamp();
    assertThat(pinned).isNotEqualTo(empty).isEqualTo(two.stamp());
    assertThat(two.pinIfAbsent(changed)).as("the first pin holds").isEqualTo(a);
    assertThat(one.stamp()).as("nothing written").isEqualTo(pinned);
    assertThat(two.all()).containsExactly(a);

    two.put(changed); // an approval
    String approved = one.stamp();
    assertThat(approved).isNotEqualTo(pinned);
    assertThat(one.all()).containsExactly(changed);
    two.put(changed);
    assertThat(one.stamp())
        .as("every write is noticed, the same pin again too")
        .isNotEqualTo(approved);

    Stored b = new Stored("shop.a@2.0.0", "ccc", "{}");
    one.put(b);
    assertThat(two.all()).as("by key").containsExactly(b, changed);
  }

  @Test
  void onSqliteOnePinPerKeyTheFirstCommittedWins() {
    Path db = dir.resolve("agora.db");
    try (SqliteStore one = SqliteStore.open(db);
        SqliteStore two = SqliteStore.open(db)) {
      onePinPerKeyFirstCommittedWins(one.pins(), two.pins());
      assertThat(one.pins().describe()).isEqualTo("sqlite " + db + " (table pins)");
    }
  }

  @Test
  void onPostgresqlOnePinPerKeyTheFirstCommittedWins() {
    String url = Pg.freshDatabase();
    try (PostgresStore one = Pg.open(url);
        PostgresStore two = Pg.open(url)) {
      onePinPerKeyFirstCommittedWins(one.pins(), two.pins());
    }
  }

  @Test
  void aStoreThatCannotBeReachedSaysWhatItCouldNotDo() {
    Path db = dir.resolve("agora.db");
    SqliteStore s = SqliteStore.open(db);
    PinStore pins = s.pins();
    s.close();
    Stored a = new Stored(KEY, "aaa", "{}");
    String in = " in sqlite " + db + ": ";
    assertThatThrownBy(pins::all)
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("could not read the pins" + in);
    assertThatThrownBy(() -> pins.pinIfAbsent(a))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("could not pin " + KEY + in);
    assertThatThrownBy(() -> pins.put(a))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("could not pin " + KEY + in);
    assertThatThrownBy(pins::stamp)
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("could not read the pins' fingerprint" + in);
  }

  /** A schema at V5 (before node keys, pins and sessions) goes to the newest, on both databases. */
  private static void migratesFromV5(String url, String user, JdbcStoreOpener open)
      throws SQLException {
    Flyway.configure()
        .dataSource(url, user, null)
        .locations("classpath:db/migration")
        .target("5")
        .load()
        .migrate();
    try (JdbcStore s = open.open();
        Connection c = s.connection();
        Statement st = c.createStatement();
        ResultSet r =
            st.executeQuery(
                "SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank")) {
      List<String> versions = new ArrayList<>();
      while (r.next()) {
        versions.add(r.getString(1));
      }
      assertThat(versions).containsExactly("1", "2", "3", "4", "5", "6", "7", "8");
      assertThat(s.sessions().find("none")).isNull();
      assertThat(s.pins().pinIfAbsent(new Stored(KEY, "a", "{}")).digest()).isEqualTo("a");
    }
    try (JdbcStore s = open.open()) { // current now: not migrated again
      assertThat(s.pins().all()).hasSize(1);
    }
  }

  @FunctionalInterface
  private interface JdbcStoreOpener {
    JdbcStore open();
  }

  @Test
  void aSchemaAtV5MigratesToTheNewestOnSqliteAndPostgresql() throws SQLException {
    Path db = dir.resolve("old.db");
    migratesFromV5("jdbc:sqlite:" + db, null, () -> SqliteStore.open(db));
    String url = Pg.freshDatabase();
    migratesFromV5(url, "postgres", () -> Pg.open(url));
  }

  // ---- Two nodes on one store ----

  private static AgoraConfig.Storage sqlite(Path db) {
    return new AgoraConfig.Storage("sqlite", Map.of("path", db.toString()));
  }

  private static AgoraConfig.Storage postgres() {
    return new AgoraConfig.Storage(
        "postgres", Map.of("url", Pg.freshDatabase(), "user", "postgres"));
  }

  /** A node with its own data directory {@code name} on {@code storage}, bootstrapped. */
  private AgoraNode node(AgoraConfig.Storage storage, String name, String sources)
      throws Exception {
    Path file = dir.resolve("agora.yaml");
    Files.writeString(file, sources + "trust: {pinning: {mode: tofu}}\n");
    AgoraConfig cfg = ConfigLoader.load(file).withStorage(storage).withDataDir(dir.resolve(name));
    AgoraNode n = AgoraNode.open(cfg, EventSink.NONE, log::add);
    n.marketplace().bootstrap();
    return n;
  }

  private static final String FILES = "sources: [{name: shop, type: files, path: manifests}]\n";

  private void aPinAndAnApprovalOnOneNodeHoldOnTheOther(AgoraConfig.Storage storage)
      throws Exception {
    Files.createDirectories(dir.resolve("manifests"));
    Path greet = dir.resolve("manifests/greet.yaml");
    Files.writeString(greet, GREET);
    try (AgoraNode a = node(storage, "a", FILES)) {
      Marketplace ma = a.marketplace();
      assertThat(ma.registry().get("shop.greet")).as("pinned on first sight").isNotNull();
      assertThat(a.store().pins().all())
          .singleElement()
          .satisfies(p -> assertThat(p.key()).isEqualTo(KEY))
          .satisfies(
              p -> assertThat(p.digest()).isEqualTo(Pins.digest(ma.registry().get("shop.greet"))));
      assertThat(dir.resolve("a/pins.lock")).as("in the store, not a file").doesNotExist();

      Files.writeString(greet, GREET.replace("Greets.", "Greets, and exfiltrates."));
      assertThat(
              Await.within(
                  Await.DEFAULT, () -> ma.registry().refusal("shop.greet", "1.0.0") != null))
          .as("a quarantines the change it sees")
          .isTrue();
      try (AgoraNode b = node(storage, "b", FILES)) {
        Marketplace mb = b.marketplace();
        assertThat(mb.registry().get("shop.greet")).isNull();
        assertThat(mb.registry().refusal("shop.greet", "1.0.0"))
            .as("b first saw the changed definition, and holds it to a's pin")
            .startsWith("quarantined: the definition of 'shop.greet' 1.0.0 changed")
            .contains("(description changed)");
        assertThat(mb.pins().pinned("shop.greet", "1.0.0").definition())
            .as("the pinned definition, for caps diff")
            .isEqualTo(Pins.readable(ma.pins().pinned("shop.greet", "1.0.0").definition()));

        assertThat(mb.approve("shop.greet", "ada")).containsExactly("1.0.0");
        assertThat(Await.within(Await.DEFAULT, () -> ma.registry().get("shop.greet") != null))
            .as("a admits what b approved once its pin watch looks")
            .isTrue();
        assertThat(ma.registry().get("shop.greet").description())
            .isEqualTo("Greets, and exfiltrates.");
        assertThat(ma.call(CallRequest.of("shop.greet", Value.NIL, SecurityContext.full("t"))))
            .isEqualTo(Value.of("hi"));
      }
    }
    assertThat(dir.resolve("b/pins.lock")).doesNotExist();
  }

  @Test
  void onSqliteAPinAndAnApprovalOnOneNodeHoldOnTheOther() throws Exception {
    aPinAndAnApprovalOnOneNodeHoldOnTheOther(sqlite(dir.resolve("shared.db")));
  }

  @Test
  void onPostgresqlAPinAndAnApprovalOnOneNodeHoldOnTheOther() throws Exception {
    aPinAndAnApprovalOnOneNodeHoldOnTheOther(postgres());
  }

  /** Starts every task at once (after one latch) and waits for all of them; a failure fails. */
  private static void atOnce(List<Callable<?>> tasks) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> running = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (var t : tasks) {
        running.add(
            pool.submit(
                () -> {
                  go.await();
                  return t.call();
                }));
      }
      go.countDown();
      for (Future<?> f : running) {
        f.get();
      }
    }
  }

  private void aHundredIdsPinnedAtOnceByTwoNodesAreAllKept(AgoraConfig.Storage storage)
      throws Exception {
    long seed = System.nanoTime();
    System.out.println("SharedPinsTest hundred ids seed " + seed);
    Random random = new Random(seed);
    int n = 100;
    try (AgoraNode a = node(storage, "a", "");
        AgoraNode b = node(storage, "b", "")) {
      List<Callable<?>> tasks = new ArrayList<>();
      boolean[] onA = new boolean[n];
      Map<String, String> digests = new TreeMap<>();
      for (int i = 0; i < n; i++) {
        onA[i] = random.nextBoolean();
        Marketplace on = (onA[i] ? a : b).marketplace();
        CapabilityManifest m = manifest("many.c" + i, "v" + i);
        digests.put(m.id() + "@1.0.0", Pins.digest(m));
        tasks.add(() -> on.register(m, "test"));
      }
      Collections.shuffle(tasks, random);
      atOnce(tasks);
      Map<String, String> stored = new TreeMap<>();
      a.store().pins().all().forEach(p -> stored.put(p.key(), p.digest()));
      assertThat(stored).as("none lost (seed %d)", seed).isEqualTo(digests);
      for (int i = 0; i < n; i++) {
        assertThat((onA[i] ? a : b).marketplace().registry().get("many.c" + i))
            .as("many.c%d admitted where it was registered (seed %d)", i, seed)
            .isNotNull();
      }
      assertThat(b.marketplace().reloadPins()).isZero();
      for (int i = 0; i < n; i++) {
        assertThat(b.marketplace().pins().pinned("many.c" + i, "1.0.0")).isNotNull();
      }
    }
  }

  @Test
  void onSqliteAHundredIdsPinnedAtOnceByTwoNodesAreAllKept() throws Exception {
    aHundredIdsPinnedAtOnceByTwoNodesAreAllKept(sqlite(dir.resolve("shared.db")));
  }

  @Test
  void onPostgresqlAHundredIdsPinnedAtOnceByTwoNodesAreAllKept() throws Exception {
    aHundredIdsPinnedAtOnceByTwoNodesAreAllKept(postgres());
  }

  /**
   * Two nodes seeing one id@version for the first time at once, each a different definition: the
   * pin committed first holds on both; the node whose definition differs quarantines it.
   */
  private void aFirstSightRaceIsWonByTheFirstPinCommitted(AgoraConfig.Storage storage)
      throws Exception {
    int n = 20;
    try (AgoraNode a = node(storage, "a", "");
        AgoraNode b = node(storage, "b", "")) {
      List<Callable<?>> tasks = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        CapabilityManifest fromA = manifest("race.c" + i, "from a");
        CapabilityManifest fromB = manifest("race.c" + i, "from b");
        tasks.add(() -> a.marketplace().register(fromA, "test"));
        tasks.add(() -> b.marketplace().register(fromB, "test"));
      }
      atOnce(tasks);
      Map<String, String> digests = new TreeMap<>();
      a.store().pins().all().forEach(p -> digests.put(p.key(), p.digest()));
      for (int i = 0; i < n; i++) {
        String id = "race.c" + i;
        boolean aWon = digests.get(id + "@1.0.0").equals(Pins.digest(manifest(id, "from a")));
        Marketplace won = (aWon ? a : b).marketplace();
        Marketplace lost = (aWon ? b : a).marketplace();
        assertThat(won.registry().get(id)).as(id).isNotNull();
        assertThat(lost.registry().get(id)).as(id).isNull();
        assertThat(lost.registry().refusal(id, "1.0.0"))
            .as(id)
            .startsWith("quarantined:")
            .contains("(description changed)");
        assertThat(lost.pins().pinned(id, "1.0.0").digest()).isEqualTo(digests.get(id + "@1.0.0"));
      }
    }
  }

  @Test
  void onSqliteAFirstSightRaceIsWonByTheFirstPinCommitted() throws Exception {
    aFirstSightRaceIsWonByTheFirstPinCommitted(sqlite(dir.resolve("shared.db")));
  }

  @Test
  void onPostgresqlAFirstSightRaceIsWonByTheFirstPinCommitted() throws Exception {
    aFirstSightRaceIsWonByTheFirstPinCommitted(postgres());
  }

  @Test
  void aStoredPinThatCannotBeReadIsLoggedByARunningNodeAndStopsANewOne() throws Exception {
    Path db = dir.resolve("shared.db");
    Files.createDirectories(dir.resolve("manifests"));
    Files.writeString(dir.resolve("manifests/greet.yaml"), GREET);
    try (AgoraNode a = node(sqlite(db), "a", FILES)) {
      String broken =
          "agora: pins not reloaded: the pins in sqlite "
              + db
              + " (table pins) cannot be read: "
              + KEY
              + ": malformed JSON";
      sql(a, "UPDATE pins SET definition = '{', revision = revision + 1");
      assertThat(
              Await.within(Await.DEFAULT, () -> log.stream().anyMatch(l -> l.startsWith(broken))))
          .as("the running node logs it and keeps its pins")
          .isTrue();
      assertThat(a.marketplace().registry().get("shop.greet")).isNotNull();
      assertThatThrownBy(() -> node(sqlite(db), "b", FILES))
          .isInstanceOf(TrustException.class)
          .hasMessageStartingWith("the pins in sqlite " + db + " (table pins) cannot be read: ");
      sql(a, "UPDATE pins SET definition = '{}', revision = revision + 1");
      assertThat(Await.within(Await.DEFAULT, () -> log.contains("agora: pins reloaded again")))
          .isTrue();
    }
  }

  private static void sql(AgoraNode node, String statement) throws SQLException {
    try (Connection c = ((JdbcStore) node.store()).connection();
        Statement s = c.createStatement()) {
      s.executeUpdate(statement);
    }
  }

  @Test
  void aPinFileFromBeforeIsTakenIntoTheStore() throws Exception {
    Files.createDirectories(dir.resolve("manifests"));
    Files.writeString(dir.resolve("manifests/greet.yaml"), GREET);
    try (AgoraNode a = node(AgoraConfig.Storage.MEMORY, "a", FILES)) { // pins.lock, as before
      assertThat(a.marketplace().registry().get("shop.greet")).isNotNull();
    }
    assertThat(dir.resolve("a/pins.lock")).exists();
    Files.writeString(
        dir.resolve("manifests/greet.yaml"), GREET.replace("Greets.", "Greets, and more."));
    Path db = dir.resolve("shared.db");
    try (AgoraNode a = node(sqlite(db), "a", FILES)) {
      assertThat(a.marketplace().registry().refusal("shop.greet", "1.0.0"))
          .as("the pin of the file holds")
          .startsWith("quarantined:");
      assertThat(log)
          .contains(
              "agora: the 1 pin(s) of "
                  + dir.resolve("a/pins.lock")
                  + " are in sqlite "
                  + db
                  + " (table pins) (those it did not pin already); the file is no longer written");
      assertThat(a.store().pins().all())
          .singleElement()
          .satisfies(p -> assertThat(p.key()).isEqualTo(KEY));
    }
  }
}
