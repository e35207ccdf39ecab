package dev.agora.core;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The calls running through a marketplace, so that closing it can cancel them and wait (a bounded
 * time) until each has ended and been recorded. A call is cancelled by interrupting the thread that
 * made it: the call path turns that into a failure of the call, recorded like any other, and the
 * provider's own thread is interrupted too (an MCP upstream is sent {@code
 * notifications/cancelled}).
 */
final class CallsInFlight {

  /** One call, from its start to its end; its thread is interrupted only while it runs. */
  static final class Running {
    private final Thread thread = Thread.currentThread();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private boolean over;

    private synchronized boolean cancel() {
      if (over) {
        return false;
      }
      thread.interrupt();
      return true;
    }

    private synchronized void end() {
      over = true;
    }
  }

  private final Set<Running> running = ConcurrentHashMap.newKeySet();

  /** A call starts on the current thread. */
  Running enter() {
    Running r = new Running();
    running.add(r);
    return r;
  }

  /** The call {@code r} has ended (and has been recorded): it is never interrupted after this. */
  void exit(Running r) {
    r.end();
    running.remove(r);
    r.done.complete(null);
  }

  /** How many calls are running. */
  int size() {
    return running.size();
  }

  /** Cancels every call running now; returns how many were cancelled. */
  int cancelAll() {
    int n = 0;
    for (Running r : running) {
      if (r.cancel()) {
        n++;
      }
    }
    return n;
  }

  /**
   * Waits, at most {@code limit}, until every call running now has ended; whether they all have.
   * Calls that start meanwhile are not waited for.
   */
  boolean awaitEnded(Duration limit) {
    CompletableFuture<?>[] all =
        running.stream().map(r -> r.done).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(all).get(limit.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException | ExecutionException e) { // the futures only complete normally
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
