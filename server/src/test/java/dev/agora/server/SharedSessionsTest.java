package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.TestClock;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.spi.SessionStore;
import dev.agora.core.spi.StoreException;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.store.SqliteStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MCP sessions two nodes share through one real store (issue 18), time set by hand: what {@code
 * initialize} agreed is taken up on the other node for the same caller only; a session in use says
 * so at most every third of {@code server.session_idle} (a minute at most); one ended on a node
 * ends on the other at its next word; silent ones are forgotten; a store that fails leaves each
 * node its own sessions, said once.
 */
class SharedSessionsTest {

  static final Duration IDLE = Duration.ofMinutes(30);
  static final SecurityContext ALICE = SecurityContext.full("alice");

  @TempDir Path dir;
  private SqliteStore db;
  private final TestClock clock = new TestClock("2026-12-06T02:00:00Z");
  private final List<String> log = new CopyOnWriteArrayList<>();

  @BeforeEach
  void open() {
    db = SqliteStore.open(dir.resolve("agora.db"));
  }

  @AfterEach
  void close() {
    db.close();
  }

  private SharedSessions node(String name, SessionStore store) {
    return new SharedSessions(store, name, clock, IDLE, log::add);
  }

  private static final Dict SAMPLING =
      Dict.builder().put("sampling", Dict.EMPTY).put("roots", Dict.EMPTY).build();

  /** The row of session {@code id}: the store knows it by its hash only. */
  private SessionStore.Session row(String id) {
    return db.sessions().find(SharedSessions.key(id));
  }

  private Peer opened(SharedSessions on, String id) {
    Peer p = new Peer(ALICE, id, 8);
    on.opened(p, "2025-06-18", SAMPLING);
    p.protocolVersion = "2025-06-18"; // then initialize is answered, as the gateway does
    p.capabilities = SAMPLING;
    return p;
  }

  @Test
  void whatInitializeAgreedIsTakenUpOnTheOtherNodeForTheSameCallerOnly() {
    SharedSessions one = node("node-1", db.sessions());
    SharedSessions two = node("node-2", db.sessions());
    opened(one, "s-1");
    assertThat(row("s-1").node()).isEqualTo("node-1");
    assertThat(db.sessions().find("s-1")).as("never the id itself: it is the credential").isNull();

    Peer there = two.adopt("s-1", ALICE, 8);
    assertThat(there.sessionId).isEqualTo("s-1");
    assertThat(there.caller).isSameAs(ALICE);
    assertThat(there.protocolVersion).isEqualTo("2025-06-18");
    assertThat(there.declared("sampling")).isTrue();
    assertThat(there.declared("elicitation")).isFalse();
    assertThat(there.maxInFlight()).isEqualTo(8);

    assertThat(two.adopt("s-1", SecurityContext.full("mallory"), 8))
        .as("another caller's session is none")
        .isNull();
    assertThat(two.adopt("no-such", ALICE, 8)).isNull();

    assertThat(row("s-1").node()).as("taking it up said so").isEqualTo("node-2");
    assertThat(two.heard(there)).isTrue();
  }

  @Test
  void aSessionInUseSaysSoAtMostEveryThirdOfTheIdleTimeAndIsNotTakenUpOnceSilentThatLong() {
    SharedSessions one = node("node-1", db.sessions());
    Peer p = opened(one, "s-1");
    assertThat(one.touchEvery()).isEqualTo(60_000);
    assertThat(node("n", db.sessions()).touchEvery()).isEqualTo(60_000);
    assertThat(new SharedSessions(db.sessions(), "n", clock, Duration.ofSeconds(3), log::add))
        .extracting(SharedSessions::touchEvery)
        .isEqualTo(1_000L);

    Instant opened = clock.instant();
    clock.advance(Duration.ofSeconds(59));
    assertThat(one.heard(p)).isTrue();
    assertThat(row("s-1").seen()).as("not said within a minute").isEqualTo(opened);
    clock.advance(Duration.ofSeconds(1));
    assertThat(one.heard(p)).isTrue();
    assertThat(row("s-1").seen()).isEqualTo(clock.instant());

    clock.advance(IDLE.plusMinutes(1)); // it may have gone unsaid for up to a minute
    assertThat(node("node-2", db.sessions()).adopt("s-1", ALICE, 8)).isNotNull();
    clock.advance(IDLE.plusMinutes(1).plusMillis(1)); // since node 2 took it up, nothing said
    assertThat(node("node-3", db.sessions()).adopt("s-1", ALICE, 8))
        .as("silent for session_idle and a minute: its client starts a new one")
        .isNull();
  }

  @Test
  void aSessionEndedOnOneNodeEndsOnTheOtherAtItsNextWord() {
    SharedSessions one = node("node-1", db.sessions());
    SharedSessions two = node("node-2", db.sessions());
    Peer here = opened(one, "s-1");
    Peer there = two.adopt("s-1", ALICE, 8);
    assertThat(two.heard(there)).isTrue();
    two.ended("s-1");
    assertThat(row("s-1")).isNull();
    assertThat(one.heard(here)).as("within the minute: not asked yet").isTrue();
    clock.advance(Duration.ofMinutes(1));
    assertThat(one.heard(here)).as("asked: ended").isFalse();
  }

  @Test
  void silentSessionsAreForgottenWhenAnotherOpensAtMostOnceAMinute() {
    SharedSessions one = node("node-1", db.sessions());
    opened(one, "old");
    clock.advance(IDLE.plusSeconds(61));
    opened(one, "new");
    assertThat(row("old")).isNull();
    assertThat(row("new")).isNotNull();

    Instant longAgo = clock.instant().minus(IDLE.multipliedBy(2));
    db.sessions()
        .open(
            new SessionStore.Session(
                SharedSessions.key("stale"), "bob", "2025-11-25", "{}", "n", longAgo));
    clock.advance(Duration.ofSeconds(59));
    opened(one, "within-the-minute");
    assertThat(row("stale")).as("forgotten less than a minute ago").isNotNull();
    clock.advance(Duration.ofSeconds(1));
    opened(one, "a-minute-later");
    assertThat(row("stale")).isNull();
    assertThat(row("new")).isNotNull();
  }

  @Test
  void onlyWhatAgoraAsksOfAClientIsKeptOfItsCapabilitiesAndNotTooMuchOfThat() {
    Dict declared =
        Dict.builder()
            .put("sampling", Dict.builder().put("tools", Dict.EMPTY).build())
            .put("elicitation", Dict.EMPTY)
            .put("experimental", Dict.builder().put("x", Value.of("y".repeat(100))).build())
            .build();
    assertThat(SharedSessions.kept(declared))
        .isEqualTo("{\"sampling\":{\"tools\":{}},\"elicitation\":{}}");
    Dict huge =
        Dict.builder()
            .put(
                "roots",
                Dict.builder()
                    .put("x", Value.of("y".repeat(SharedSessions.MAX_CAPABILITIES)))
                    .build())
            .build();
    assertThat(SharedSessions.kept(huge))
        .as("too much: the names only")
        .isEqualTo("{\"roots\":{}}");
  }

  @Test
  void whatDoesNotReadAsCapabilitiesIsNone() {
    assertThat(Rpc.field(SharedSessions.capabilities("{\"sampling\":{}}"), "sampling"))
        .isEqualTo(Dict.EMPTY);
    assertThat(SharedSessions.capabilities("[1]")).isEqualTo(Dict.EMPTY);
    assertThat(SharedSessions.capabilities("{not json")).isEqualTo(Dict.EMPTY);
  }

  /** The real store, made to fail on demand: SQLite cannot be unplugged and plugged back. */
  static final class Failing implements SessionStore {
    final SessionStore real;
    volatile boolean broken;

    Failing(SessionStore real) {
      this.real = real;
    }

    private void check() {
      if (broken) {
        throw new StoreException("could not reach the store (test)", null);
      }
    }

    @Override
    public void open(Session s) {
      check();
      real.open(s);
    }

    @Override
    public Session find(String id) {
      check();
      return real.find(id);
    }

    @Override
    public Session takeUp(String id, String caller, String node, Instant at, Instant since) {
      check();
      return real.takeUp(id, caller, node, at, since);
    }

    @Override
    public boolean touch(String id, String node, Instant at) {
      check();
      return real.touch(id, node, at);
    }

    @Override
    public void end(String id) {
      check();
      real.end(id);
    }

    @Override
    public int forget(Instant before) {
      check();
      return real.forget(before);
    }
  }

  @Test
  void aStoreThatFailsLeavesEachNodeItsOwnSessionsSaidOnceAndSharesThemWhenItIsBack() {
    Failing store = new Failing(db.sessions());
    SharedSessions one = node("node-1", store);
    Peer kept = opened(one, "kept");
    store.broken = true;
    Peer lost = opened(one, "not-kept-yet"); // served by this node alone, for now
    assertThat(lost.stored).isFalse();
    clock.advance(Duration.ofMinutes(1));
    assertThat(one.heard(kept)).as("the store cannot say: it goes on").isTrue();
    assertThat(one.adopt("kept", ALICE, 8)).isNull();
    assertThatThrownBy(() -> one.ended("kept"))
        .as("an end not kept is not an end: the client is told to retry")
        .isInstanceOf(StoreException.class);
    assertThat(log)
        .singleElement()
        .asString()
        .startsWith("agora: MCP sessions cannot be shared with the other nodes now (")
        .contains("could not reach the store (test)")
        .endsWith("this node goes on answering those it holds");

    store.broken = false;
    clock.advance(Duration.ofMinutes(1));
    assertThat(one.heard(lost)).as("written to the store at its next word").isTrue();
    assertThat(lost.stored).isTrue();
    assertThat(log)
        .hasSize(2)
        .last()
        .isEqualTo("agora: MCP sessions shared with the other nodes again");
    Peer there = node("node-2", store).adopt(lost.sessionId, ALICE, 8);
    assertThat(there.declared("sampling")).as("with what it declared").isTrue();
    one.ended("kept");
    assertThat(row("kept")).isNull();
  }

  @Test
  void aSessionOpenedBeforeSharingIsWrittenAtItsNextWord() {
    SharedSessions one = node("node-1", db.sessions());
    Peer before = new Peer(ALICE, "before", 8); // opened before share(): no row, nothing said
    before.protocolVersion = "2025-11-25";
    before.capabilities = SAMPLING;
    assertThat(one.heard(before)).isTrue();
    assertThat(row("before").protocolVersion()).isEqualTo("2025-11-25");
    Peer unanswered = new Peer(ALICE, "unanswered", 8); // its initialize not answered yet
    assertThat(one.heard(unanswered)).isTrue();
    assertThat(row("unanswered").protocolVersion()).isEmpty();
  }
}
