package dev.agora.core.testing;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waits for what another thread or process does — a watcher's next look, a heartbeat, a node taking
 * in a change: polls a condition every few milliseconds until it holds or a deadline passes. Never
 * a fixed sleep: the test goes on as soon as the condition holds, and fails only if it never does.
 */
public final class Await {

  /** The deadline of {@link #until(String, BooleanSupplier)}. */
  public static final Duration DEFAULT = Duration.ofSeconds(30);

  private Await() {}

  /** Waits up to {@code within} until {@code done} holds; whether it did. */
  public static boolean within(Duration within, BooleanSupplier done) {
    long deadline = System.nanoTime() + within.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    return true;
  }

  /** Waits up to 30 s until {@code done} holds; an AssertionError naming {@code what} if not. */
  public static void until(String what, BooleanSupplier done) {
    until(what, DEFAULT, done);
  }

  /** Waits up to {@code within} until {@code done} holds; an AssertionError naming {@code what}. */
  public static void until(String what, Duration within, BooleanSupplier done) {
    if (!within(within, done)) {
      throw new AssertionError("not within " + within.toSeconds() + " s: " + what);
    }
  }
}
