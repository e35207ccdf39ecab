package dev.agora.core.spi;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A task run every {@code period} (after the first period) on one daemon thread, until closed: how
 * a watching source that cannot be told of changes looks for them (an OpenAPI document, a registry,
 * an agent card).
 */
public final class Polling implements AutoCloseable {

  private final ScheduledExecutorService timer;

  public Polling(String threadName, Duration period, Runnable task) {
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name(threadName).unstarted(r));
    timer.scheduleWithFixedDelay(
        () -> {
          try {
            task.run();
          } catch (RuntimeException e) { // reported, and the next run still comes
            Thread t = Thread.currentThread();
            t.getUncaughtExceptionHandler().uncaughtException(t, e);
          }
        },
        period.toMillis(),
        period.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * Stops: no run starts after this, and a run under way is interrupted and waited for (up to 30
   * s), so that nothing it does comes after its owner has closed.
   */
  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Closes {@code p} if there is one. A source calls this outside its own lock: a run under way may
   * be waiting for that lock, and closing waits for the run.
   */
  public static void stop(Polling p) {
    if (p != null) {
      p.close();
    }
  }
}
