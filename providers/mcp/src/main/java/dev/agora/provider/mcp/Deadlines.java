package dev.agora.provider.mcp;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits for a request's answer until its deadline ({@link #await}): the thread that completes the
 * request wakes the waiter, or else one watcher thread for the JVM, which looks at the waiters
 * every {@link #TICK}, wakes it once its deadline has passed; a deadline is kept to within a tick.
 * Unlike a timed wait per request, which puts a task on the JDK's timer thread and wakes it for
 * each request at one in flight, its cost does not grow with the requests: it wakes 200 times a
 * second while any request is waited for, and sleeps from a second after the last one until the
 * next comes.
 */
final class Deadlines {

  /** How often the waiters are looked at. */
  static final long TICK = TimeUnit.MILLISECONDS.toNanos(5);

  /** How long the watcher keeps ticking with nothing to watch before it sleeps until woken. */
  static final long IDLE = TimeUnit.SECONDS.toNanos(1);

  /** A thread waiting until {@code deadline} ({@link System#nanoTime()}) at most. */
  private static final class Waiter {
    final Thread thread = Thread.currentThread();
    final long deadline;

    Waiter(long deadline) {
      this.deadline = deadline;
    }

    boolean overdue(long now) {
      return now - deadline >= 0;
    }
  }

  private static final Set<Waiter> WATCHED = ConcurrentHashMap.newKeySet();
  private static final AtomicBoolean ASLEEP = new AtomicBoolean();
  private static final Thread WATCHER =
      Thread.ofPlatform().name("agora-mcp-deadlines").daemon().start(Deadlines::watch);

  private Deadlines() {}

  /**
   * Waits for {@code f} until {@code deadlineNanos}, as {@code f.get(timeout)} does but without a
   * timer task per wait: the thread that completes {@code f} wakes the waiter, or the watcher does
   * once the deadline has passed.
   *
   * @throws TimeoutException the deadline passed first
   * @throws InterruptedException the waiting thread was interrupted first
   */
  static <T> T await(CompletableFuture<T> f, long deadlineNanos)
      throws InterruptedException, ExecutionException, TimeoutException {
    if (!f.isDone()) {
      Waiter w = new Waiter(deadlineNanos);
      f.whenComplete((v, e) -> LockSupport.unpark(w.thread));
      watch(w);
      try {
        while (!f.isDone()) {
          if (Thread.interrupted()) {
            throw new InterruptedException();
          }
          if (w.overdue(System.nanoTime())) {
            throw new TimeoutException();
          }
          LockSupport.park(f);
        }
      } finally {
        forget(w);
      }
    }
    return f.get();
  }

  private static void watch(Waiter w) {
    WATCHED.add(w);
    if (ASLEEP.compareAndSet(true, false)) {
      LockSupport.unpark(WATCHER);
    }
  }

  private static void forget(Waiter w) {
    WATCHED.remove(w);
  }

  /** Whether the watcher sleeps until the next waiter comes (tests). */
  static boolean asleep() {
    return ASLEEP.get();
  }

  private static void watch() {
    long lastBusy = System.nanoTime();
    while (true) {
      try {
        lastBusy = tick(lastBusy);
      } catch (Throwable t) { // out of memory, say: waiters park untimed, this thread must go on
        lastBusy = System.nanoTime();
      }
    }
  }

  /** One tick: wakes the overdue waiters; sleeps until woken after {@link #IDLE} without any. */
  private static long tick(long lastBusy) {
    LockSupport.parkNanos(TICK);
    long now = System.nanoTime();
    for (Waiter w : WATCHED) {
      if (w.overdue(now)) {
        LockSupport.unpark(w.thread);
      }
    }
    if (!WATCHED.isEmpty()) {
      return now;
    }
    if (now - lastBusy <= IDLE) {
      return lastBusy;
    }
    ASLEEP.set(true);
    if (WATCHED.isEmpty()) { // a waiter that came before ASLEEP was set would not wake us
      LockSupport.park();
    }
    ASLEEP.set(false);
    return System.nanoTime();
  }
}
