package dev.agora.provider.mcp;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Wakes the threads waiting for replies ({@link Replies}) whose deadline has passed. One thread for
 * the JVM looks at the waiters every {@link #TICK}; a deadline is kept to within a tick. Unlike a
 * timed wait per request, which puts a task on the JDK's timer thread and wakes it for each request
 * at one in flight, this costs nothing per request: the watcher runs on its clock while requests
 * are waited for, and goes to sleep for good a second after the last one, woken by the next.
 */
final class Deadlines {

  /** How often the waiters are looked at. */
  static final long TICK = TimeUnit.MILLISECONDS.toNanos(5);

  /** How long the watcher keeps ticking with nothing to watch before it sleeps until woken. */
  static final long IDLE = TimeUnit.SECONDS.toNanos(1);

  private static final Set<Replies.Waiter> WATCHED = ConcurrentHashMap.newKeySet();
  private static final AtomicBoolean ASLEEP = new AtomicBoolean();
  private static final Thread WATCHER =
      Thread.ofPlatform().name("agora-mcp-deadlines").daemon().start(Deadlines::watch);

  private Deadlines() {}

  static void watch(Replies.Waiter w) {
    WATCHED.add(w);
    if (ASLEEP.compareAndSet(true, false)) {
      LockSupport.unpark(WATCHER);
    }
  }

  static void forget(Replies.Waiter w) {
    WATCHED.remove(w);
  }

  /** Whether the watcher sleeps until the next waiter comes (tests). */
  static boolean asleep() {
    return ASLEEP.get();
  }

  private static void watch() {
    long lastBusy = System.nanoTime();
    while (true) {
      LockSupport.parkNanos(TICK);
      long now = System.nanoTime();
      for (Replies.Waiter w : WATCHED) {
        if (w.overdue(now)) {
          LockSupport.unpark(w.thread);
        }
      }
      if (!WATCHED.isEmpty()) {
        lastBusy = now;
      } else if (now - lastBusy > IDLE) {
        ASLEEP.set(true);
        if (WATCHED.isEmpty()) { // a waiter that came before ASLEEP was set would not wake us
          LockSupport.park();
        }
        ASLEEP.set(false);
        lastBusy = System.nanoTime();
      }
    }
  }
}
