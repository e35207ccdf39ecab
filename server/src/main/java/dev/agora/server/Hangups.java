package dev.agora.server;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Notices when a 2026-07-28 client closes the stream of a request still running: in that
 * generation, closing it is how a client cancels over HTTP. A blocking answer hears nothing of the
 * closed connection until it writes, so each such request that has run for longer than {@link
 * #EVERY} gets a keep-alive comment written to its stream every {@code EVERY} (which makes its
 * answer an event stream); a write that fails means the client has gone, and the request is
 * cancelled — the call path records it, the provider cancels upstream.
 *
 * <p>One daemon thread for the JVM, which ticks only while requests are watched and parks
 * otherwise; watching a request is a set insertion, with no timer per request.
 */
final class Hangups {

  static final Duration EVERY = Duration.ofSeconds(1);

  /** A request being answered: its stream, and what to do when the client has gone. */
  record Watch(ReplyStream reply, Runnable hungUp, long since) {}

  private static final Set<Watch> WATCHED = ConcurrentHashMap.newKeySet();
  private static final AtomicBoolean ASLEEP = new AtomicBoolean();
  private static final Thread TICKER =
      Thread.ofPlatform().daemon().name("agora-mcp-hangups").start(Hangups::tick);

  private Hangups() {}

  /** Watches {@code reply} until the returned watch is {@linkplain #forget forgotten}. */
  static Watch watch(ReplyStream reply, Runnable hungUp) {
    Watch w = new Watch(reply, hungUp, System.nanoTime());
    WATCHED.add(w);
    if (ASLEEP.compareAndSet(true, false)) {
      LockSupport.unpark(TICKER);
    }
    return w;
  }

  static void forget(Watch w) {
    WATCHED.remove(w);
  }

  /** How many requests are watched (tests). */
  static int watched() {
    return WATCHED.size();
  }

  private static void probe(Watch w) {
    if (!w.reply().probe() && WATCHED.remove(w)) {
      w.hungUp().run();
    }
  }

  private static void tick() {
    while (true) {
      if (WATCHED.isEmpty()) {
        ASLEEP.set(true);
        if (WATCHED.isEmpty()) { // a watch added before ASLEEP was set would not wake us
          LockSupport.park();
        }
        ASLEEP.set(false);
      } else {
        LockSupport.parkNanos(EVERY.toNanos());
      }
      long now = System.nanoTime();
      for (Watch w : WATCHED) {
        if (now - w.since() >= EVERY.toNanos()) {
          // each probe on a thread of its own: a client that does not read blocks only its own
          Thread.ofVirtual().name("agora-mcp-probe").start(() -> probe(w));
        }
      }
    }
  }
}
