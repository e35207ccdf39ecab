package dev.agora.rtfs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A small capability host: Java functions by id, the reference's three security levels, and a
 * record of every step and call (with parent ids), for tests and for embedding the language alone.
 * The marketplace is the real host (every Agora command uses it); this one has no policy, schemas,
 * persistence or capabilities of its own.
 */
public final class SimpleHost implements Host {

  /** What the host lets a program call: nothing, only listed ids, or everything registered. */
  public enum Level {
    PURE,
    CONTROLLED,
    FULL
  }

  /**
   * Something that happened: {@code step-started}, {@code step-completed}, {@code step-failed},
   * {@code call}, {@code call-result}, {@code call-failed} or {@code log}.
   */
  public record Event(String type, String id, String parentId, String name, Value value) {}

  private final Map<String, Function<Value, Value>> capabilities = new LinkedHashMap<>();
  private final List<Event> events = new CopyOnWriteArrayList<>();
  private final AtomicLong ids = new AtomicLong();
  private Level level = Level.FULL;
  private Set<String> allowed = Set.of();
  private Consumer<Event> listener = e -> {};

  /**
   * Registers a capability: a function from the call's input (see {@link CapabilityCall#input()})
   * to its result.
   */
  public SimpleHost register(String id, Function<Value, Value> fn) {
    capabilities.put(id, fn);
    return this;
  }

  /**
   * Sets the security level; with {@link Level#CONTROLLED}, only {@code allowedIds} may be called.
   */
  public SimpleHost securityLevel(Level l, String... allowedIds) {
    this.level = l;
    this.allowed = Set.of(allowedIds);
    return this;
  }

  /** Also hands every event to {@code l} as it happens. */
  public SimpleHost onEvent(Consumer<Event> l) {
    this.listener = l;
    return this;
  }

  /** Everything recorded so far, in order. */
  public List<Event> events() {
    return List.copyOf(events);
  }

  @Override
  public Value call(CapabilityCall call) {
    if (level == Level.PURE || (level == Level.CONTROLLED && !allowed.contains(call.id()))) {
      throw new RtfsError(
          ErrorKind.SecurityViolation,
          "the "
              + level.name().toLowerCase()
              + " security context"
              + " does not allow calling '"
              + call.id()
              + "'",
          call.pos());
    }
    Function<Value, Value> fn = capabilities.get(call.id());
    if (fn == null) {
      throw new RtfsError(
          ErrorKind.NotFound,
          "no capability '"
              + call.id()
              + "'; this host has "
              + String.join(", ", capabilities.keySet()),
          call.pos());
    }
    String id = "call-" + ids.incrementAndGet();
    record(new Event("call", id, call.parentStepId(), call.id(), call.input()));
    try {
      Value result = fn.apply(call.input());
      record(new Event("call-result", id, call.parentStepId(), call.id(), result));
      return result;
    } catch (RtfsError e) {
      record(
          new Event("call-failed", id, call.parentStepId(), call.id(), Value.of(e.getMessage())));
      throw e;
    }
  }

  @Override
  public String stepStarted(StepStart step) {
    String id = "step-" + ids.incrementAndGet();
    record(new Event("step-started", id, step.parentStepId(), step.name(), step.params()));
    return id;
  }

  @Override
  public void stepCompleted(String stepId, Value result) {
    record(new Event("step-completed", stepId, null, null, result));
  }

  @Override
  public void stepFailed(String stepId, RtfsError error) {
    record(new Event("step-failed", stepId, null, null, Value.of(error.describe())));
  }

  @Override
  public void log(String level, String message, Value data) {
    record(new Event("log", level, null, message, data));
  }

  private void record(Event e) {
    events.add(e);
    listener.accept(e);
  }
}
