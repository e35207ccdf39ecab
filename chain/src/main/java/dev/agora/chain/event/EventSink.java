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
   * Where a sink put an event: its Merkle leaf hash (of the bytes as recorded) and, when the sink
   * already knows it, its index in the log ({@code -1} when not yet known: an asynchronous writer
   * numbers entries later).
   */
  record Placed(long index, byte[] leafHash) {}

  /**
   * Records {@code e} like {@link #accept} and says where it went: what a signed receipt names
   * (issue 14). Null from a sink that keeps no log (the default).
   */
  default Placed acceptPlaced(Event e) {
    accept(e);
    return null;
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

      @Override
      public Placed acceptPlaced(Event e) {
        Placed p = first.acceptPlaced(e);
        then.accept(e);
        return p;
      }
    };
  }

  /** Drops every event. */
  EventSink NONE = e -> {};
}
