package dev.agora.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.spi.SessionStore;
import dev.agora.core.spi.SessionStore.Session;
import dev.agora.core.spi.StoreException;
import dev.agora.core.store.MemoryStore;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MCP sessions in the database (issue 18, migration V8): opened on one node, found, touched and
 * ended on another — on SQLite and PostgreSQL.
 */
class SessionTableTest {

  @TempDir Path dir;

  static final Instant T = Instant.parse("2026-12-06T02:00:00Z");

  private static void openTouchEndAndForget(SessionStore one, SessionStore two) {
    Session s = new Session("s-1", "agent/ci", "2025-11-25", "{\"roots\":{}}", "node-1", T);
    assertThat(two.find("s-1")).isNull();
    one.open(s);
    assertThat(two.find("s-1")).as("opened on one node, found on the other").isEqualTo(s);
    assertThatThrownBy(() -> two.open(s))
        .as("an id is opened once")
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("could not keep an MCP session");
    assertThat(two.touch("s-1", "node-2", T.plusSeconds(30))).isTrue();
    assertThat(one.find("s-1").node()).isEqualTo("node-2");
    assertThat(one.find("s-1").seen()).isEqualTo(T.plusSeconds(30));
    assertThat(one.touch("no-such", "node-1", T)).as("not kept: its node ends it").isFalse();

    Session taken = one.takeUp("s-1", "agent/ci", "node-3", T.plusSeconds(40), T.plusSeconds(30));
    assertThat(taken)
        .as("taken up: noted and returned in one statement")
        .isEqualTo(
            new Session(
                "s-1", "agent/ci", "2025-11-25", "{\"roots\":{}}", "node-3", T.plusSeconds(40)));
    assertThat(two.find("s-1")).isEqualTo(taken);
    assertThat(two.takeUp("s-1", "mallory", "node-2", T.plusSeconds(50), T))
        .as("another caller's")
        .isNull();
    assertThat(two.takeUp("s-1", "agent/ci", "node-2", T.plusSeconds(50), T.plusSeconds(41)))
        .as("not heard from since")
        .isNull();
    assertThat(two.takeUp("no-such", "agent/ci", "node-2", T, T)).isNull();
    assertThat(one.find("s-1")).as("none of those noted anything").isEqualTo(taken);

    one.open(new Session("s-old", "agent/ci", "2025-06-18", "{}", "node-1", T.minusSeconds(600)));
    assertThat(two.forget(T)).as("only the one not heard from since T").isEqualTo(1);
    assertThat(one.find("s-old")).isNull();
    assertThat(one.find("s-1")).isNotNull();

    two.end("s-1");
    two.end("s-1"); // ending twice is ending once
    assertThat(one.find("s-1")).isNull();
    assertThat(one.touch("s-1", "node-1", T.plusSeconds(60)))
        .as("ended on the other node: this one ends it too")
        .isFalse();
  }

  @Test
  void onSqlite() {
    try (SqliteStore s = SqliteStore.open(dir.resolve("agora.db"))) {
      openTouchEndAndForget(s.sessions(), s.sessions());
    }
  }

  @Test
  void onPostgresqlSharedByTwoStores() {
    String url = Pg.freshDatabase();
    try (PostgresStore one = Pg.open(url);
        PostgresStore two = Pg.open(url)) {
      openTouchEndAndForget(one.sessions(), two.sessions());
    }
  }

  @Test
  void aMemoryStoreKeepsNone() {
    try (MemoryStore s = new MemoryStore()) {
      assertThat(s.sessions()).isNull();
    }
  }
}
