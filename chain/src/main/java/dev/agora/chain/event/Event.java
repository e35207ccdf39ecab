package dev.agora.chain.event;

import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.time.Duration;
import java.time.Instant;

/**
 * Something the marketplace did: a plan or step starting or ending, a capability call and its
 * result, a policy denial, a registry change. One flat record for every type, so the Causal Chain
 * stores them all the same way; fields that do not apply are null (or 0).
 *
 * @param id unique, see {@link EventIds}
 * @param parentId the enclosing event: a call's step, a result's call, a step's plan
 * @param caller the identity of the security context that caused it
 * @param arguments a call's input, a step's params
 * @param result a call's, step's or plan's value
 * @param success for results and endings: whether it succeeded
 * @param errorKind the error kind name ({@code NotFound}, {@code Timeout} …) when it failed
 * @param cost the capability's cost per call (its SLA), for results
 * @param duration how long it took, for results and endings
 */
public record Event(
    String id,
    String parentId,
    String planId,
    EventType type,
    Instant at,
    String capabilityId,
    String capabilityVersion,
    String caller,
    Value arguments,
    Value result,
    Boolean success,
    String errorKind,
    String error,
    double cost,
    Duration duration,
    Dict metadata) {

  public Event {
    metadata = metadata == null ? Dict.EMPTY : metadata;
  }

  /**
   * Starts an event of {@code type} with the common fields; the rest are set with the {@code with…}
   * methods.
   */
  public static Event of(
      String id, EventType type, Instant at, String parentId, String planId, String caller) {
    return new Event(
        id,
        parentId,
        planId,
        type,
        at,
        null,
        null,
        caller,
        null,
        null,
        null,
        null,
        null,
        0,
        null,
        Dict.EMPTY);
  }

  public Event withCapability(String capabilityId, String version) {
    return new Event(
        id,
        parentId,
        planId,
        type,
        at,
        capabilityId,
        version,
        caller,
        arguments,
        result,
        success,
        errorKind,
        error,
        cost,
        duration,
        metadata);
  }

  public Event withArguments(Value args) {
    return new Event(
        id,
        parentId,
        planId,
        type,
        at,
        capabilityId,
        capabilityVersion,
        caller,
        args,
        result,
        success,
        errorKind,
        error,
        cost,
        duration,
        metadata);
  }

  /** Marks success with a result. */
  public Event withResult(Value value, Duration took, double callCost) {
    return new Event(
        id,
        parentId,
        planId,
        type,
        at,
        capabilityId,
        capabilityVersion,
        caller,
        arguments,
        value,
        true,
        null,
        null,
        callCost,
        took,
        metadata);
  }

  /** Marks failure with an error kind and message. */
  public Event withError(String kind, String message, Duration took) {
    return new Event(
        id,
        parentId,
        planId,
        type,
        at,
        capabilityId,
        capabilityVersion,
        caller,
        arguments,
        result,
        false,
        kind,
        message,
        cost,
        took,
        metadata);
  }

  public Event withMetadata(Dict m) {
    return new Event(
        id,
        parentId,
        planId,
        type,
        at,
        capabilityId,
        capabilityVersion,
        caller,
        arguments,
        result,
        success,
        errorKind,
        error,
        cost,
        duration,
        m);
  }
}
