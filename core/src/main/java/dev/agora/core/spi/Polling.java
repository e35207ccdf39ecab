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
    timer.scheduleWithFixedDelay(task, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
