package dev.agora.provider.http;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** A task run every {@code period} (after the first period) on one daemon thread, until closed. */
final class Polling implements AutoCloseable {

  private final ScheduledExecutorService timer;

  Polling(String threadName, Duration period, Runnable task) {
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name(threadName).unstarted(r));
    timer.scheduleWithFixedDelay(task, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
