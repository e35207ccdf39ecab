package dev.agora.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Something done at most once every {@code every} milliseconds, whoever asks and however many ask
 * at once: pruning, re-reading a list. Of the callers racing when it is due, exactly one is told to
 * do it.
 */
final class Throttle {

  private final long every;
  private final AtomicLong last = new AtomicLong(Long.MIN_VALUE / 2);

  Throttle(long everyMillis) {
    this.every = everyMillis;
  }

  /**
   * Whether the caller is to do it now ({@code now} in epoch millis); if so, the next turn starts.
   */
  boolean due(long now) {
    long before = last.getAndUpdate(l -> now - l >= every ? now : l);
    return now - before >= every;
  }
}
