package dev.agora.rtfs;

import java.util.List;

/**
 * What the evaluator hands to the world outside the language: capability calls and step events. The
 * marketplace implements it; {@link SimpleHost} is a small one for tests and {@code agora eval}.
 *
 * <p>A host raises {@link RtfsError}s (usually of a {@link ErrorKind#CapabilityError} kind); any
 * other exception is turned into a {@link ErrorKind#ProviderError} at the boundary.
 */
public interface Host {

  /** Runs a capability call and returns its result. */
  Value call(CapabilityCall call);

  /** A step began; returns the step's id, used as the parent of the calls and steps inside it. */
  default String stepStarted(StepStart step) {
    return null;
  }

  /** The step with this id finished with {@code result}. */
  default void stepCompleted(String stepId, Value result) {}

  /** The step with this id failed with {@code error} (which then propagates). */
  default void stepFailed(String stepId, RtfsError error) {}

  /** {@code (step :info "message" data)} and {@code (log-step …)}: a log line from the plan. */
  default void log(String level, String message, Value data) {}

  /** A host with no capabilities: every call fails with {@link ErrorKind#NotFound}. */
  Host NONE =
      call -> {
        throw new RtfsError(
            ErrorKind.NotFound,
            "no capability '" + call.id() + "': this evaluation has no capability host",
            call.pos());
      };

  /**
   * {@code (call :id arg…)}: the capability id (a keyword's name without the colon, or the string),
   * the evaluated arguments, the innermost enclosing step (null outside steps) and the position.
   */
  record CapabilityCall(String id, List<Value> args, String parentStepId, SourcePos pos) {
    public CapabilityCall {
      args = List.copyOf(args);
    }

    /**
     * The capability's input, by the reference contract: {@code nil} for no argument, the argument
     * itself for one (usually a map), a vector of the arguments for several.
     */
    public Value input() {
      return switch (args.size()) {
        case 0 -> Value.NIL;
        case 1 -> args.get(0);
        default -> Vec.of(args);
      };
    }
  }

  /**
   * {@code (step "name" :params {…} …)}: the name, the evaluated {@code :params} map ({@code nil}
   * without one), the enclosing step, the position, and the other options as written ({@code
   * :expose-context}, {@code :context-keys}).
   */
  record StepStart(String name, Value params, String parentStepId, SourcePos pos, Dict options) {}
}
