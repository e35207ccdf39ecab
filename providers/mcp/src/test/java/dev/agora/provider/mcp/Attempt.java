package dev.agora.provider.mcp;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Something a test runs on a virtual thread of its own, to wait for it, interrupt it, or see it
 * block: {@link #outcome} is what it returned, or what it threw, together with whether its thread
 * was still interrupted then.
 */
record Attempt(Thread thread, CompletableFuture<Object> outcome) {

  /** What an attempt threw, and whether its interrupt was kept. */
  record Thrown(Throwable thrown, boolean interrupted) {}

  static Attempt start(Callable<?> work) {
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    Thread t =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    outcome.complete(work.call());
                  } catch (Throwable e) {
                    outcome.complete(new Thrown(e, Thread.currentThread().isInterrupted()));
                  }
                });
    return new Attempt(t, outcome);
  }

  /** Waits until the thread waits in {@code state} (it parked, or waits for a timeout). */
  Attempt blockedIn(Thread.State state) {
    while (thread.getState() != state) {
      Thread.onSpinWait();
    }
    return this;
  }

  /** What it returned or threw, within ten seconds. */
  Object result() throws Exception {
    return outcome.get(10, TimeUnit.SECONDS);
  }
}
