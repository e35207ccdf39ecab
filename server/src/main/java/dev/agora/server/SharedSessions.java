package dev.agora.server;

import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.json.Json;
import dev.agora.core.json.JsonException;
import dev.agora.core.spi.SessionStore;
import dev.agora.core.spi.StoreException;
import dev.agora.rtfs.Dict;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The MCP sessions a node shares with the other nodes on its store (issue 18; docs/SCALING.md): a
 * session opened here is kept in the store before its client learns its id, and a request naming a
 * session this node does not hold takes it up from the store — same caller, same protocol version,
 * same declared capabilities — so that a client whose node stopped, or whose load balancer sends it
 * elsewhere, goes on without noticing. What ran on the other node (requests in flight, its event
 * stream, resource subscriptions) is not taken up: the client sees those end.
 *
 * <p>A session in use says so to the store at most every {@link #touchEvery}; the same statement
 * tells this node when the session was ended on another (its DELETE). Sessions silent for {@code
 * server.session_idle} are forgotten. When the store fails, sessions go on as this node's own and
 * the failure is logged once.
 */
final class SharedSessions {

  private final SessionStore store;
  private final String node;
  private final Clock clock;
  private final Duration idle;
  private final long touchEvery;
  private final Consumer<String> log;
  private final AtomicBoolean failing = new AtomicBoolean();
  private final AtomicLong forgotten = new AtomicLong(Long.MIN_VALUE / 2);

  /**
   * @param idle {@code server.session_idle}: a session silent that long is not taken up, and is
   *     forgotten
   */
  SharedSessions(
      SessionStore store, String node, Clock clock, Duration idle, Consumer<String> log) {
    this.store = store;
    this.node = node;
    this.clock = clock;
    this.idle = idle;
    this.touchEvery = Math.min(60_000, Math.max(1, idle.toMillis() / 3));
    this.log = log;
  }

  /** How often (ms) a session in use says so to the store. */
  long touchEvery() {
    return touchEvery;
  }

  /**
   * Keeps session {@code peer}, opened by {@code initialize} with {@code version} and what the
   * client declared; forgets, at most once a minute, the sessions silent for too long.
   */
  void opened(Peer peer, String version, Dict capabilities) {
    Instant now = clock.instant();
    peer.touchedAt = now.toEpochMilli();
    quietly(
        () -> {
          store.open(
              new SessionStore.Session(
                  peer.sessionId,
                  peer.caller.identity(),
                  version,
                  Json.write(capabilities),
                  node,
                  now));
          long last = forgotten.get();
          if (now.toEpochMilli() - last >= 60_000
              && forgotten.compareAndSet(last, now.toEpochMilli())) {
            store.forget(now.minus(idle));
          }
        });
  }

  /**
   * Session {@code id} taken up for {@code who} from the store, or null when the store has no such
   * session, it is another caller's, or it has been silent for {@code server.session_idle}.
   */
  Peer adopt(String id, SecurityContext who, int maxInFlight) {
    Instant now = clock.instant();
    SessionStore.Session s;
    try {
      s = store.takeUp(id, who.identity(), node, now, now.minus(idle));
      recovered();
    } catch (StoreException e) {
      failed(e);
      return null;
    }
    if (s == null) {
      return null;
    }
    Peer p = new Peer(who, id, maxInFlight);
    p.protocolVersion = s.protocolVersion();
    p.capabilities = capabilities(s.capabilities());
    p.touchedAt = now.toEpochMilli(); // taking it up said so
    return p;
  }

  /** What a client declared, as kept; nothing when what is kept does not read. */
  static Dict capabilities(String json) {
    try {
      return Json.parse(json) instanceof Dict d ? d : Dict.EMPTY;
    } catch (JsonException e) {
      return Dict.EMPTY;
    }
  }

  /**
   * Session {@code peer} was heard from: said to the store when it was not for {@link #touchEvery}.
   *
   * @return false when the store no longer keeps it — ended on another node, or forgotten — and
   *     this node ends it too; true otherwise, also when the store could not say
   */
  boolean heard(Peer peer) {
    long now = clock.millis();
    long last = peer.touchedAt;
    if (now - last < touchEvery) {
      return true;
    }
    peer.touchedAt = now;
    try {
      boolean kept = store.touch(peer.sessionId, node, Instant.ofEpochMilli(now));
      recovered();
      return kept;
    } catch (StoreException e) {
      failed(e);
      return true;
    }
  }

  /** Session {@code id} was ended by its client: ended on every node. */
  void ended(String id) {
    quietly(() -> store.end(id));
  }

  private void quietly(Runnable r) {
    try {
      r.run();
      recovered();
    } catch (StoreException e) {
      failed(e);
    }
  }

  private void failed(StoreException e) {
    if (failing.compareAndSet(false, true)) {
      log.accept(
          "agora: MCP sessions cannot be shared with the other nodes now ("
              + e.getMessage()
              + "); this node goes on answering those it holds");
    }
  }

  private void recovered() {
    if (failing.compareAndSet(true, false)) {
      log.accept("agora: MCP sessions shared with the other nodes again");
    }
  }
}
