package dev.agora.rtfs;

/**
 * The kinds of RTFS error. {@code (catch Kind e …)} catches an error of that kind or of one of its
 * sub-kinds: {@code (catch CapabilityError e …)} catches every failed {@code call}, whatever the
 * reason.
 *
 * <p>The capability kinds are raised by the host (the marketplace) when a {@code call} fails; they
 * map one-to-one onto the marketplace's own error family. A call that runs past its deadline raises
 * {@link #Timeout}, and one refused by a concurrency or rate limit {@link #LimitExceeded}: the same
 * kinds the evaluator uses for its own budgets, so one {@code catch} handles both.
 */
public enum ErrorKind {
  /** The source text is not valid RTFS. */
  ParseError(null),
  /** A value of the wrong type was given to an operation. */
  TypeError(null),
  /** A function was called with the wrong number of arguments. */
  ArityError(null),
  /** A symbol has no binding. */
  UndefinedSymbol(null),
  /** No {@code match} clause matched. */
  MatchError(null),
  /** Integer or float division by zero. */
  DivisionByZero(null),
  /** A 64-bit integer operation overflowed. */
  IntegerOverflow(null),
  /** An index was outside a collection or string. */
  IndexOutOfBounds(null),
  /** An argument had the right type but a bad value. */
  InvalidArgument(null),
  /** A value did not satisfy a TypeExpr annotation. */
  ValidationError(TypeError),
  /** Raised by {@code throw}. */
  Thrown(null),
  /** The security context forbids the operation. */
  SecurityViolation(null),
  /**
   * A budget was exhausted: steps, recursion depth, collection or string size, memory, or a call
   * limit.
   */
  LimitExceeded(null),
  /** A deadline passed: the evaluation's, or a capability call's. */
  Timeout(null),
  /** The evaluation was cancelled (its thread was interrupted). */
  Cancelled(null),
  /** A capability call failed; the parent of every capability kind below. */
  CapabilityError(null),
  /** No capability has the requested id. */
  NotFound(CapabilityError),
  /** The isolation policy refused the call. */
  AccessDenied(CapabilityError),
  /** The call's arguments do not satisfy the capability's input schema. */
  InvalidInput(CapabilityError),
  /** The capability's result does not satisfy its output schema. */
  InvalidOutput(CapabilityError),
  /** The provider failed while executing the call. */
  ProviderError(CapabilityError),
  /**
   * The call could not be recorded in the Causal Chain, so it was refused (or its result withheld).
   */
  NotRecorded(CapabilityError);

  private final ErrorKind parent;

  ErrorKind(ErrorKind parent) {
    this.parent = parent;
  }

  /** The broader kind this one belongs to, or null. */
  public ErrorKind parent() {
    return parent;
  }

  /** True if this kind is {@code other} or one of its sub-kinds. */
  public boolean isA(ErrorKind other) {
    for (ErrorKind k = this; k != null; k = k.parent) {
      if (k == other) {
        return true;
      }
    }
    return false;
  }

  /** The kind with this name, or null; accepts {@code TypeError} and {@code :TypeError}. */
  public static ErrorKind byName(String name) {
    String n = name.startsWith(":") ? name.substring(1) : name;
    for (ErrorKind k : values()) {
      if (k.name().equals(n)) {
        return k;
      }
    }
    return null;
  }
}
