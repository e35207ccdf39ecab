package dev.agora.chain.event;

/**
 * Where events go: the Causal Chain, a log, a test's list. Called on the thread that caused the
 * event; {@link #accept} returning means the event is recorded (a durable sink returns only once it
 * is durable).
 */
@FunctionalInterface
public interface EventSink {

  void accept(Event e);

  /** Drops every event. */
  EventSink NONE = e -> {};
}
