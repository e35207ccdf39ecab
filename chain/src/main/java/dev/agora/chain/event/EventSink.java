package dev.agora.chain.event;

/**
 * Where events go: the Causal Chain, a log, a test's list. Called on the thread that caused the
 * event; {@link #accept} returning means the event is recorded (a durable sink returns only once it
 * is durable).
 */
@FunctionalInterface
public interface EventSink {

  void accept(Event e);

  /**
   * Records {@code e} together with the next event accepted: for an event that another always
   * follows, as a call's {@code CapabilityCall} is followed by its result or refusal. A durable
   * sink may hold it and write it in the same commit as that next event (issue 13: one commit per
   * call, not two); it is durable once the next {@link #accept} on any thread has returned, or
   * after a flush or close. By default the same as {@link #accept}.
   */
  default void acceptWithNext(Event e) {
    accept(e);
  }

  /**
   * Every event to {@code first}, then to {@code then}; what {@code first} refuses goes nowhere.
   */
  static EventSink both(EventSink first, EventSink then) {
    return new EventSink() {
      @Override
      public void accept(Event e) {
        first.accept(e);
        then.accept(e);
      }

      @Override
      public void acceptWithNext(Event e) {
        first.acceptWithNext(e);
        then.acceptWithNext(e);
      }
    };
  }

  /** Drops every event. */
  EventSink NONE = e -> {};
}
