package dev.agora.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.chain.ChainHead;
import dev.agora.chain.ChainQuery;
import dev.agora.chain.Entry;
import dev.agora.core.spi.Store;
import dev.agora.core.spi.StoreException;
import dev.agora.core.store.Stores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/**
 * The stores as agora.yaml opens them (through ServiceLoader), and what happens when opening,
 * writing or reading fails: every failure is a {@link StoreException} naming the store and the
 * operation, and a failed append leaves the chain exactly as it was.
 */
class StoreFailureTest {

  @TempDir Path dir;

  @Test
  void storageTypesAreFoundOnTheClassPath() {
    assertThat(Stores.types()).contains("memory", "sqlite", "postgres");
  }

  @Test
  void sqliteOpensUnderTheDataDirOrAtItsConfiguredPath() throws IOException {
    try (Store s = Stores.open("sqlite", Map.of(), dir)) {
      assertThat(s.describe()).isEqualTo("sqlite " + dir.resolve("agora.db"));
    }
    assertThat(dir.resolve("agora.db")).exists();
    Path elsewhere = dir.resolve("nested/dirs/chain.db");
    try (Store s = Stores.open("sqlite", Map.of("path", elsewhere.toString()), dir)) {
      assertThat(s.describe()).endsWith("chain.db");
    }
    assertThat(elsewhere).exists();
  }

  @Test
  void sqliteUnderAFileOrOnGarbageIsATypedError() throws IOException {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
    assertThatThrownBy(() -> SqliteStore.open(file.resolve("agora.db")))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("could not create the directory for");
    Path garbage =
        Files.write(
            dir.resolve("garbage.db"),
            "this is not a SQLite database at all, not even close".repeat(200).getBytes());
    assertThatThrownBy(() -> SqliteStore.open(garbage))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("sqlite " + garbage);
  }

  @Test
  void postgresIsOpenedFromItsSettings() {
    String url = Pg.freshDatabase();
    Map<String, String> settings = Map.of("url", url, "user", "postgres", "pool_size", "2");
    try (Store s = Stores.open("postgres", settings, dir)) {
      assertThat(s.describe()).isEqualTo("postgres " + url);
      assertThat(s.chain().head().size()).isZero();
    }
  }

  @Test
  void aStoreOpenedWithAPasswordInItsUrlDescribesItWithout() {
    String url = Pg.freshDatabase() + "&password=not-checked-by-trust-auth";
    try (Store s = Stores.open("postgres", Map.of("url", url, "pool_size", "2"), dir)) {
      assertThat(s.describe())
          .endsWith("&password=***")
          .doesNotContain("not-checked-by-trust-auth");
    }
  }

  @Test
  void badPostgresSettingsAreTypedErrorsNamingTheKey() {
    String url = Pg.freshDatabase();
    assertThatThrownBy(
            () -> open(Map.of("url", url, "password_env", "AGORA_TEST_SURELY_UNSET_VAR")))
        .isInstanceOf(StoreException.class)
        .hasMessage("storage.password_env names AGORA_TEST_SURELY_UNSET_VAR, which is not set");
    assertThatThrownBy(() -> open(Map.of("url", url, "pool_size", "many")))
        .isInstanceOf(StoreException.class)
        .hasMessage("storage.pool_size must be a whole number from 1 to 1000, got 'many'");
    assertThatThrownBy(() -> open(Map.of("url", url, "pool_size", "0")))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("storage.pool_size must be a whole number from 1 to 1000");
    assertThatThrownBy(() -> open(Map.of()))
        .isInstanceOf(StoreException.class)
        .hasMessage("storage.url must be a jdbc:postgresql: URL, got nothing");
    assertThatThrownBy(
            () -> open(Map.of("url", "jdbc:postgresql://127.0.0.1:1/none", "pool_size", "1")))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("could not connect to jdbc:postgresql://127.0.0.1:1/none as agora");
  }

  @Test
  void aPasswordWrittenIntoTheUrlIsNeverInAMessage() {
    String secret = "hunter2-" + System.nanoTime();
    assertThatThrownBy(
            () ->
                open(
                    Map.of(
                        "url",
                        "jdbc:postgresql://127.0.0.1:1/none?user=agora&password=" + secret,
                        "pool_size",
                        "1")))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(
            "could not connect to jdbc:postgresql://127.0.0.1:1/none?user=agora&password=***")
        .satisfies(e -> assertThat(messages(e)).doesNotContain(secret));
    assertThatThrownBy(() -> open(Map.of("url", "jdbc:mysql://db/x?password=" + secret)))
        .isInstanceOf(StoreException.class)
        .hasMessage(
            "storage.url must be a jdbc:postgresql: URL, got 'jdbc:mysql://db/x?password=***'");
    // pgjdbc would read user:password@ as a host or a port, and name it in its own messages
    assertThatThrownBy(
            () -> open(Map.of("url", "jdbc:postgresql://agora:" + secret + "@127.0.0.1:1/none")))
        .isInstanceOf(StoreException.class)
        .hasMessage(
            "storage.url must not hold user:password@ (pgjdbc does not read it, and would name"
                + " the password in its own messages): give the user as storage.user and the"
                + " password through storage.password_env, got"
                + " 'jdbc:postgresql://agora:***@127.0.0.1:1/none'")
        .satisfies(e -> assertThat(messages(e)).doesNotContain(secret));
  }

  @Test
  void jdbcUrlsHidePasswordsAndLeaveTheRestAsItWas() {
    Map<String, String> hidden =
        Map.of(
            "jdbc:postgresql://h/db?ssl=true&sslpassword=k&PASSWORD=p&user=u$2",
            "jdbc:postgresql://h/db?ssl=true&sslpassword=***&PASSWORD=***&user=u$2",
            // pgjdbc splits parameters on '&' alone: a ';' belongs to the password
            "jdbc:postgresql://h/db?password=ab;cd&x=1",
            "jdbc:postgresql://h/db?password=***&x=1",
            "jdbc:postgresql://u:p@s$1@h/db",
            "jdbc:postgresql://u:***@h/db",
            "jdbc:sqlserver://h;user=u;password=p$1;db=x",
            "jdbc:sqlserver://h;user=u;password=***;db=x");
    hidden.forEach((url, shown) -> assertThat(JdbcUrls.redacted(url)).isEqualTo(shown));
    for (String plain :
        List.of(
            "jdbc:postgresql://h:5432/db",
            "jdbc:postgresql://[::1]:5432/db",
            "jdbc:postgresql://h1:5432,h2:5432/db?targetServerType=primary",
            "jdbc:postgresql://u@h/db",
            "jdbc:postgresql://h/db?",
            "jdbc:postgresql://h/db?flag",
            "jdbc:postgresql://h/db?ApplicationName=a:b@c",
            "jdbc:sqlite:/tmp/a?b.db")) {
      assertThat(JdbcUrls.redacted(plain)).isEqualTo(plain);
      assertThat(JdbcUrls.hasUserInfo(plain)).isFalse();
    }
    assertThat(JdbcUrls.hasUserInfo("jdbc:postgresql://u:p@h/db")).isTrue();
  }

  /** The messages of {@code e} and of every cause under it. */
  private static String messages(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      sb.append(t).append('\n');
    }
    return sb.toString();
  }

  private Store open(Map<String, String> settings) {
    return Stores.open("postgres", settings, dir);
  }

  @Test
  void aFailedAppendRollsBackAndLeavesTheHeadAsItWas() {
    try (SqliteStore s = SqliteStore.open(dir.resolve("agora.db"))) {
      s.chain().append(h -> h.extend(pending(0, 3)));
      ChainHead before = s.chain().head();
      assertThatThrownBy(
              () ->
                  s.chain()
                      .append(
                          h -> {
                            h.extend(pending(3, 2));
                            throw new IllegalStateException("the committer gave up");
                          }))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("the committer gave up");
      // a batch whose entries collide with stored ones: the database refuses, nothing of it stays
      assertThatThrownBy(() -> s.chain().append(h -> forgedAtZero(h)))
          .isInstanceOf(StoreException.class)
          .hasMessageStartingWith("could not append to the Causal Chain in sqlite ");
      assertThat(s.chain().head().size()).isEqualTo(before.size());
      assertThat(s.chain().head().chainHash()).isEqualTo(before.chainHash());
      List<Entry> all = new ArrayList<>();
      s.chain().scan(0, Long.MAX_VALUE, all::add);
      assertThat(all).extracting(Entry::index).containsExactly(0L, 1L, 2L);
    }
  }

  /**
   * An extension whose first entry reuses index 0: the primary key refuses it inside the
   * transaction.
   */
  private static ChainHead.Extension forgedAtZero(ChainHead h) {
    ChainHead.Extension x = h.extend(pending(h.size(), 1));
    Entry e = x.entries().getFirst();
    return new ChainHead.Extension(
        List.of(new Entry(0, e.body(), e.leafHash(), e.chainHash(), e.columns())), x.head());
  }

  @Test
  void aMissingHeadRowIsReportedByAppendsAndReads() throws Exception {
    try (SqliteStore s = SqliteStore.open(dir.resolve("agora.db"))) {
      try (Connection c = s.connection();
          Statement st = c.createStatement()) {
        st.execute("DELETE FROM chain_head");
      }
      assertThatThrownBy(() -> s.chain().head())
          .isInstanceOf(StoreException.class)
          .hasMessage("the chain_head row of sqlite " + dir.resolve("agora.db") + " is missing");
      assertThatThrownBy(() -> s.chain().append(h -> h.extend(pending(0, 1))))
          .isInstanceOf(StoreException.class)
          .hasRootCauseMessage("the chain_head row is missing");
    }
  }

  @Test
  void brokenTablesAreTypedErrorsForReadsAndWrites() throws Exception {
    try (SqliteStore s = SqliteStore.open(dir.resolve("agora.db"))) {
      try (Connection c = s.connection();
          Statement st = c.createStatement()) {
        st.execute("DROP TABLE registry_manifests");
      }
      assertThatThrownBy(() -> s.registry().all())
          .isInstanceOf(StoreException.class)
          .hasMessageStartingWith("could not read stored manifests in sqlite ");
      assertThatThrownBy(() -> s.registry().remove("a.b", "1.0.0"))
          .isInstanceOf(StoreException.class)
          .hasMessageStartingWith("could not remove manifest a.b 1.0.0 in sqlite ");
    }
  }

  @Test
  void largeBatchesAreWrittenInChunksAndReadBackInPages() {
    int n = 10_000 + 64 * 3 + 5; // more than one scan page; full 64-row statements plus a remainder
    try (SqliteStore s = SqliteStore.open(dir.resolve("agora.db"))) {
      s.chain().append(h -> h.extend(pending(0, n)));
      List<Entry> all = new ArrayList<>();
      s.chain().scan(0, Long.MAX_VALUE, all::add);
      assertThat(all).hasSize(n);
      for (int i = 0; i < n; i++) {
        assertThat(all.get(i).index()).isEqualTo(i);
      }
      assertThat(s.chain().leafHashes(n - 2, n)).hasSize(2);
      assertThat(s.chain().head().size()).isEqualTo(n);
    }
  }

  @Test
  void timeBoundsAndLimitsNarrowQueries() {
    try (SqliteStore s = SqliteStore.open(dir.resolve("agora.db"))) {
      s.chain().append(h -> h.extend(pending(0, 10)));
      Instant third = Instant.ofEpochSecond(3);
      Instant sixth = Instant.ofEpochSecond(6);
      assertThat(s.chain().query(ChainQuery.ALL.withTime(third, sixth)))
          .extracting(e -> e.columns().actionId())
          .containsExactly("a3", "a4", "a5");
      assertThat(s.chain().query(ChainQuery.ALL.withTime(sixth, null).withLimit(2)))
          .extracting(e -> e.columns().actionId())
          .containsExactly("a6", "a7");
      assertThat(
              s.chain().query(ChainQuery.ALL.withTime(null, Instant.parse("2999-01-01T00:00:00Z"))))
          .hasSize(10);
      assertThat(s.chain().query(ChainQuery.ALL.withTime(Instant.MAX, null))).isEmpty();
    }
  }

  /**
   * {@code n} entries numbered from {@code from}, action ids a<i>, one second apart from the epoch.
   */
  static List<ChainHead.Pending> pending(long from, int n) {
    List<ChainHead.Pending> out = new ArrayList<>(n);
    for (long i = from; i < from + n; i++) {
      byte[] body = ("entry " + i).getBytes();
      byte[] leaf = new byte[32];
      leaf[0] = (byte) i;
      leaf[1] = (byte) (i >> 8);
      out.add(
          new ChainHead.Pending(
              body,
              leaf,
              new Entry.Columns(
                  "a" + i, "PlanStarted", null, "p", null, "tester", i * 1_000_000_000L)));
    }
    return out;
  }

  @Test
  void manifestsStoredBeforeScopesStaySharedAfterTheUpgrade() throws Exception {
    Path file = dir.resolve("old.db");
    SQLiteDataSource ds = new SQLiteDataSource();
    ds.setUrl("jdbc:sqlite:" + file);
    Flyway.configure()
        .dataSource(ds)
        .locations("classpath:db/migration")
        .target("1")
        .load()
        .migrate();
    try (Connection c = ds.getConnection();
        Statement st = c.createStatement()) {
      st.execute(
          "INSERT INTO registry_manifests (id, version, source, manifest, stored_at) VALUES "
              + "('old.one', '1.0.0', 'runtime:cli old.yaml', '{:id \"old.one\"}', 0)");
    }
    try (SqliteStore s = SqliteStore.open(file)) { // migrates to the scoped table
      assertThat(s.registry("/any/agora.yaml").all())
          .extracting(r -> r.id())
          .containsExactly("old.one");
      assertThat(s.registry().all()).extracting(r -> r.id()).containsExactly("old.one");
      assertThat(s.registry("/other.yaml").remove("old.one", "1.0.0")).isTrue();
      assertThat(s.registry("/any/agora.yaml").all()).isEmpty();
    }
  }
}
