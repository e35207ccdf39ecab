package dev.agora.server;

import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.spi.Provider;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One MCP client as the gateway knows it: who it is, what it declared, the requests of its own in
 * flight (so that it can cancel them) and those Agora made of it (so that its answers find them). A
 * 2025-11-25 client is one peer for its whole session (the stdio process, or an HTTP session); a
 * 2026-07-28 request over HTTP is a peer of its own, since that protocol has no sessions.
 *
 * <p>At most {@code maxInFlight} of its requests run at once: one more is answered with an error at
 * once, never queued.
 */
final class Peer {

  /** A request of the client's that is running: the thread answering it, and whether cancelled. */
  static final class Running {
    final Thread thread;
    volatile boolean cancelled;

    Running(Thread thread) {
      this.thread = thread;
    }
  }

  final SecurityContext caller;
  final String sessionId;
  private final Semaphore slots;
  private final int maxInFlight;
  private final Map<Value, Running> running = new ConcurrentHashMap<>();
  private final Map<Value, CompletableFuture<Rpc.Response>> asked = new ConcurrentHashMap<>();
  private final AtomicLong nextId = new AtomicLong();

  /**
   * How the ids of Agora's requests to this client begin: random, so that two nodes holding one
   * shared session never ask with the same id — an answer that reaches the other node finds no
   * question there, rather than someone else's. Made at the first question (most clients are never
   * asked one; a 2026-07-28 request is a peer of its own), not with every peer.
   */
  private String askPrefix;

  private static final SecureRandom RANDOM = new SecureRandom();

  /** The resources the client subscribed to, by URI; null once it left. */
  private Map<String, Provider.Subscription> watching = new HashMap<>();

  /** At most this many subscriptions per client: one more is refused. */
  static final int MAX_SUBSCRIPTIONS = 1024;

  /** What the client declared ({@code initialize}'s capabilities), once it has. */
  volatile Dict capabilities = Dict.EMPTY;

  volatile String protocolVersion;

  /** Where notifications not tied to a request go (stdout; an HTTP session's GET stream). */
  volatile Channel notices = Channel.NONE;

  /**
   * What a 2026-07-28 {@code subscriptions/listen} stream asked to hear ({@code toolsListChanged}
   * …); null for a 2025-11-25 session, which hears of every change.
   */
  volatile Dict listening;

  /** Whether this client hears of changes to {@code list} ("tools", "prompts", "resources"). */
  boolean wants(String list) {
    Dict l = listening;
    return l == null || Value.TRUE.equals(Rpc.field(l, list + "ListChanged"));
  }

  /** The tool list's change count this client last heard of. */
  volatile long toolChangesSeen;

  /**
   * When this node last said to the store that the session is in use (epoch millis; {@link
   * SharedSessions}).
   */
  volatile long touchedAt;

  /** Whether the store the nodes share has this session ({@link SharedSessions}). */
  volatile boolean stored;

  /** When the client was last heard from or answered ({@link System#nanoTime()}). */
  private volatile long lastSeen = System.nanoTime();

  Peer(SecurityContext caller, String sessionId, int maxInFlight) {
    this.caller = caller;
    this.sessionId = sessionId;
    this.maxInFlight = maxInFlight;
    this.slots = new Semaphore(maxInFlight);
  }

  int maxInFlight() {
    return maxInFlight;
  }

  /**
   * Starts request {@code id} on the current thread; null when {@code maxInFlight} are already
   * running (the caller answers with an error).
   */
  Running start(Value id) {
    if (!slots.tryAcquire()) {
      return null;
    }
    Running r = new Running(Thread.currentThread());
    running.put(id, r);
    return r;
  }

  /** Request {@code id} is answered. */
  void finish(Value id, Running r) {
    running.remove(id, r);
    slots.release();
    seen();
  }

  /** The client was heard from. */
  void seen() {
    lastSeen = System.nanoTime();
  }

  /**
   * Whether the client has been silent for longer than {@code idle} at {@code now} with nothing
   * running and no event stream open: a session it has most likely left without ending it.
   */
  boolean idle(long now, Duration idle) {
    return now - lastSeen > idle.toNanos() && quiet();
  }

  /** Whether nothing of the client's is running and no event stream of its is open. */
  boolean quiet() {
    return running.isEmpty() && notices == Channel.NONE;
  }

  /** When the client was last heard from or answered ({@link System#nanoTime()}). */
  long lastSeen() {
    return lastSeen;
  }

  /**
   * Cancels request {@code id} (notifications/cancelled): its thread is interrupted, which the call
   * path turns into a recorded cancellation. Unknown ids are ignored, as the protocol says.
   */
  void cancel(Value id) {
    Running r = running.get(id);
    if (r == null && id instanceof Value.Str s) { // some clients send the number as a string
      r = running.get(numberOrNull(s.value()));
    }
    if (r != null) {
      r.cancelled = true;
      r.thread.interrupt();
    }
  }

  private static Value numberOrNull(String s) {
    try {
      return Value.of(Long.parseLong(s));
    } catch (NumberFormatException e) {
      return Value.NIL;
    }
  }

  /** Cancels everything the client has running (its session ended). */
  void cancelAll() {
    running.keySet().forEach(this::cancel);
    asked.values().forEach(f -> f.cancel(false));
  }

  /**
   * Waits up to {@code timeout} for the requests running to be answered; true when none is left.
   */
  boolean drain(Duration timeout) {
    try {
      if (slots.tryAcquire(maxInFlight, timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        slots.release(maxInFlight);
        return true;
      }
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Subscribes to {@code uri} with what {@code open} makes, unless already subscribed (the protocol
   * makes subscribing twice the same as once).
   *
   * @throws Rpc.Failure when the client left, or has {@link #MAX_SUBSCRIPTIONS} already
   */
  synchronized void watch(String uri, Supplier<Provider.Subscription> open) {
    if (watching == null) {
      throw new Rpc.Failure(Rpc.INVALID_REQUEST, "Invalid request: the session has ended");
    }
    if (watching.containsKey(uri)) {
      return;
    }
    if (watching.size() >= MAX_SUBSCRIPTIONS) {
      throw new Rpc.Failure(
          Rpc.INVALID_REQUEST,
          "Invalid request: "
              + MAX_SUBSCRIPTIONS
              + " resources are subscribed to on this session already; unsubscribe from one first");
    }
    watching.put(uri, open.get());
  }

  /** Ends the subscription to {@code uri}, if there is one. */
  void unwatch(String uri) {
    Provider.Subscription s;
    synchronized (this) {
      s = watching == null ? null : watching.remove(uri);
    }
    if (s != null) {
      s.close();
    }
  }

  /** The URIs subscribed to (tests). */
  synchronized Set<String> watched() {
    return watching == null ? Set.of() : Set.copyOf(watching.keySet());
  }

  /**
   * The client left: every subscription ends, and no new one is made. Ending them may ask an
   * upstream (unsubscribe), so it happens on a thread of its own: whoever ends a session — often
   * holding a lock — does not wait for upstreams.
   */
  void unwatchAll() {
    Map<String, Provider.Subscription> all;
    synchronized (this) {
      all = watching;
      watching = null;
    }
    if (all != null && !all.isEmpty()) {
      Thread.ofVirtual()
          .name("agora-mcp-unsubscribe")
          .start(() -> all.values().forEach(Provider.Subscription::close));
    }
  }

  /** A request to this client: its id, and the answer to come. */
  record Question(Value id, CompletableFuture<Rpc.Response> answer) {}

  private synchronized String askPrefix() {
    if (askPrefix == null) {
      askPrefix = "agora-" + Long.toHexString(RANDOM.nextLong()) + "-";
    }
    return askPrefix;
  }

  Question ask() {
    Value id = Value.of(askPrefix() + nextId.incrementAndGet());
    CompletableFuture<Rpc.Response> answer = new CompletableFuture<>();
    asked.put(id, answer);
    answer.whenComplete((r, e) -> asked.remove(id));
    return new Question(id, answer);
  }

  /** The client answered one of Agora's requests; an answer nobody waits for is dropped. */
  void answered(Rpc.Response response) {
    CompletableFuture<Rpc.Response> f = asked.get(response.id());
    if (f != null) {
      f.complete(response);
    }
  }

  /** Whether the client declared capability {@code name} (sampling, elicitation, roots). */
  boolean declared(String name) {
    return Rpc.field(capabilities, name) instanceof Dict;
  }
}
