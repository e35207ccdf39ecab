package dev.agora.chain;

import java.time.Instant;

/**
 * A filter over the chain: every non-null field must match; results come in log order. {@code
 * limit} 0 means no limit; {@code afterIndex} pages (entries with a larger index); {@code
 * callerPrefix} matches the callers whose identity starts with it (a tenant's, {@code "acme:"}).
 */
public record ChainQuery(
    String actionId,
    String planId,
    String capabilityId,
    String caller,
    String callerPrefix,
    String parentId,
    String type,
    Instant from,
    Instant to,
    long afterIndex,
    int limit) {

  public static final ChainQuery ALL =
      new ChainQuery(null, null, null, null, null, null, null, null, null, -1, 0);

  public ChainQuery withActionId(String v) {
    return new ChainQuery(
        v, planId, capabilityId, caller, callerPrefix, parentId, type, from, to, afterIndex, limit);
  }

  public ChainQuery withPlan(String v) {
    return new ChainQuery(
        actionId,
        v,
        capabilityId,
        caller,
        callerPrefix,
        parentId,
        type,
        from,
        to,
        afterIndex,
        limit);
  }

  public ChainQuery withCapability(String v) {
    return new ChainQuery(
        actionId, planId, v, caller, callerPrefix, parentId, type, from, to, afterIndex, limit);
  }

  public ChainQuery withCaller(String v) {
    return new ChainQuery(
        actionId,
        planId,
        capabilityId,
        v,
        callerPrefix,
        parentId,
        type,
        from,
        to,
        afterIndex,
        limit);
  }

  /** The actions of callers whose identity starts with {@code prefix}. */
  public ChainQuery withCallerPrefix(String prefix) {
    return new ChainQuery(
        actionId,
        planId,
        capabilityId,
        caller,
        prefix,
        parentId,
        type,
        from,
        to,
        afterIndex,
        limit);
  }

  public ChainQuery withParent(String v) {
    return new ChainQuery(
        actionId, planId, capabilityId, caller, callerPrefix, v, type, from, to, afterIndex, limit);
  }

  public ChainQuery withType(String v) {
    return new ChainQuery(
        actionId,
        planId,
        capabilityId,
        caller,
        callerPrefix,
        parentId,
        v,
        from,
        to,
        afterIndex,
        limit);
  }

  /** Actions at or after {@code start} and before {@code end} (either may be null). */
  public ChainQuery withTime(Instant start, Instant end) {
    return new ChainQuery(
        actionId,
        planId,
        capabilityId,
        caller,
        callerPrefix,
        parentId,
        type,
        start,
        end,
        afterIndex,
        limit);
  }

  public ChainQuery after(long index) {
    return new ChainQuery(
        actionId,
        planId,
        capabilityId,
        caller,
        callerPrefix,
        parentId,
        type,
        from,
        to,
        index,
        limit);
  }

  public ChainQuery withLimit(int n) {
    return new ChainQuery(
        actionId,
        planId,
        capabilityId,
        caller,
        callerPrefix,
        parentId,
        type,
        from,
        to,
        afterIndex,
        n);
  }

  /**
   * Whether an entry's columns match (how the in-memory store answers; SQL stores translate the
   * same rules).
   */
  public boolean matches(Entry e) {
    Entry.Columns c = e.columns();
    return e.index() > afterIndex
        && (actionId == null || actionId.equals(c.actionId()))
        && (planId == null || planId.equals(c.planId()))
        && (capabilityId == null || capabilityId.equals(c.capabilityId()))
        && (caller == null || caller.equals(c.caller()))
        && (callerPrefix == null || (c.caller() != null && c.caller().startsWith(callerPrefix)))
        && (parentId == null || parentId.equals(c.parentId()))
        && (type == null || type.equals(c.type()))
        && (from == null || c.timeNanos() >= Entry.Columns.clampedNanos(from))
        && (to == null || c.timeNanos() < Entry.Columns.clampedNanos(to));
  }
}
