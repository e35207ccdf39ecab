package dev.agora.chain.event;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the last {@code capacity} events in memory: for tests, benchmarks and {@code agora run
 * --trace}.
 */
public final class MemorySink implements EventSink {

  private final Event[] ring;
  private long count;

  public MemorySink(int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive, got " + capacity);
    }
    this.ring = new Event[capacity];
  }

  @Override
  public synchronized void accept(Event e) {
    ring[(int) (count++ % ring.length)] = e;
  }

  /** Events received so far, including those no longer kept. */
  public synchronized long count() {
    return count;
  }

  /** The kept events, oldest first. */
  public synchronized List<Event> events() {
    List<Event> out = new ArrayList<>();
    long from = Math.max(0, count - ring.length);
    for (long i = from; i < count; i++) {
      out.add(ring[(int) (i % ring.length)]);
    }
    return out;
  }

  /** The kept events of one type, oldest first. */
  public List<Event> events(EventType type) {
    return events().stream().filter(e -> e.type() == type).toList();
  }
}
