package dev.agora.server;

import dev.agora.chain.Hashes;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.json.Json;
import dev.agora.core.json.JsonException;
import dev.agora.core.spi.SessionStore;
import dev.agora.core.spi.StoreException;
import dev.agora.rtfs.Dict;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The MCP sessions a node shares with the other nodes on its store (issue 18; docs/SCALING.md): a
 * session opened here is kept in the store before its client learns its id, and a request naming a
 * session this node does not hold takes it up from the store — same caller, same protocol version,
 * same declared capabilities — so that a client whose node stopped, or whose load balancer sends it
 * elsewhere, goes on without noticing. What ran on the other node (requests in flight, its event
 * stream, resource subscriptions) is not taken up: the client sees those end.
 *
 * <p>The store keeps the SHA-256 of each session id, never the id: whoever reads the database
 * cannot use a session. A session in use (a request, or its event stream open) says so to the store
 * at most every {@link #touchEvery}; the same statement tells this node when the session was ended
 * on another (its DELETE). Sessions silent for {@code server.session_idle} are forgotten. When the
 * store fails, sessions go on as this node's own — kept in the store once it answers again — and
 * the failure is logged once.
 */
final class SharedSessions {

  /** What of a client's declared capabilities is kept: what Agora asks of it. */
  static final List<String> KEPT = List.of("sampling", "elicitation", "roots");

  /** The most of a client's capabilities kept, as JSON; more is kept as their names only. */
  static final int MAX_CAPABILITIES = 16 * 1024;

  private final SessionStore store;
  private final String node;
  private final Clock clock;
  private final Duration idle;
  private final long touchEvery;
  private final Consumer<String> log;
  private final AtomicBoolean failing = new AtomicBoolean();
  private final Throttle forgetting = new Throttle(60_000);

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

  /** How a session id is kept: its SHA-256, in hex. */
  static String key(String sessionId) {
    return Hashes.hex(Hashes.sha256(sessionId.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Keeps session {@code peer}, whose {@code initialize} agreed on {@code version} and whose client
   * declared {@code capabilities}; forgets, at most once a minute, the sessions silent for too
   * long. When the store fails, the session is this node's until it answers again ({@link #heard}).
   */
  void opened(Peer peer, String version, Dict capabilities) {
    Instant now = clock.instant();
    peer.touchedAt = now.toEpochMilli();
    store(peer, version, capabilities, now);
    if (forgetting.due(now.toEpochMilli())) {
      try {
        store.forget(now.minus(idle).minusMillis(touchEvery));
      } catch (StoreException e) {
        // tried again at a later initialize: the rows left only take room
      }
    }
  }

  /** Writes {@code peer}'s row, with what its {@code initialize} agreed; notes when it is kept. */
  private void store(Peer peer, String version, Dict capabilities, Instant now) {
    try {
      store.open(
          new SessionStore.Session(
              key(peer.sessionId), peer.caller.identity(), version, kept(capabilities), node, now));
      peer.stored = true;
      recovered();
    } catch (StoreException e) {
      failed(e);
    }
  }

  /**
   * What of {@code declared} is kept: the capabilities Agora asks of a client ({@link #KEPT}), as
   * JSON; when that is over {@link #MAX_CAPABILITIES}, their names only.
   */
  static String kept(Dict declared) {
    Dict.Builder kept = Dict.builder();
    Dict.Builder names = Dict.builder();
    for (String name : KEPT) {
      if (Rpc.field(declared, name) instanceof Dict d) {
        kept.put(Json.key(name), d);
        names.put(Json.key(name), Dict.EMPTY);
      }
    }
    String json = Json.write(kept.build());
    return json.length() <= MAX_CAPABILITIES ? json : Json.write(names.build());
  }

  /**
   * Session {@code id} taken up for {@code who} from the store, or null when the store has no such
   * session, it is another caller's, or it has been silent for {@code server.session_idle} (and the
   * time it may have gone unsaid, {@link #touchEvery}).
   */
  Peer adopt(String id, SecurityContext who, int maxInFlight) {
    Instant now = clock.instant();
    SessionStore.Session s;
    try {
      s = store.takeUp(key(id), who.identity(), node, now, now.minus(idle).minusMillis(touchEvery));
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
    p.stored = true;
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
   * Session {@code peer} is in use: said to the store when it was not for {@link #touchEvery} — or,
   * for one the store does not have yet (opened while it failed, or before this node shared its
   * sessions), written there.
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
    if (!peer.stored) { // its initialize has been answered since: what it agreed, as it stands
      String version = peer.protocolVersion;
      store(peer, version == null ? "" : version, peer.capabilities, Instant.ofEpochMilli(now));
      return true;
    }
    try {
      boolean kept = store.touch(key(peer.sessionId), node, Instant.ofEpochMilli(now));
      recovered();
      return kept;
    } catch (StoreException e) {
      failed(e);
      return true;
    }
  }

  /**
   * Session {@code id} was ended by its client: ended on every node.
   *
   * @throws StoreException when the store could not end it (the session goes on: its client is told
   *     to try again)
   */
  void ended(String id) {
    try {
      store.end(key(id));
      recovered();
    } catch (StoreException e) {
      failed(e);
      throw e;
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
