package dev.agora.chain;

import dev.agora.chain.event.Event;
import java.time.Instant;
import java.util.Objects;

/**
 * One stored entry of the Causal Chain: its position, its canonical bytes, the two hashes that tie
 * it into the log, and the index columns a store keeps beside it for queries. The bytes are the
 * truth; verification checks the hashes and the columns against them.
 *
 * @param index 0-based position in the log
 * @param body the action's canonical bytes ({@link Canonical})
 * @param leafHash {@link Hashes#leaf} of the body: the Merkle tree's leaf
 * @param chainHash {@link Hashes#link} of the previous entry's chain hash and this leaf
 */
public record Entry(long index, byte[] body, byte[] leafHash, byte[] chainHash, Columns columns) {

  /** What a store indexes: enough to answer every query without decoding bodies. */
  public record Columns(
      String actionId,
      String type,
      String parentId,
      String planId,
      String capabilityId,
      String caller,
      long timeNanos) {

    public static Columns of(Canonical.Header h) {
      return new Columns(
          h.id(),
          h.type().name(),
          h.parentId(),
          h.planId(),
          h.capabilityId(),
          h.caller(),
          nanos(h.at()));
    }

    public static Columns of(Event e) {
      return new Columns(
          e.id(),
          e.type().name(),
          e.parentId(),
          e.planId(),
          e.capabilityId(),
          e.caller(),
          nanos(e.at()));
    }

    /** Epoch nanoseconds: a single sortable number (good until the year 2262). */
    public static long nanos(Instant t) {
      return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }

    /**
     * {@link #nanos}, clamped to the representable range: for query bounds such as "until 2999".
     */
    public static long clampedNanos(Instant t) {
      try {
        return nanos(t);
      } catch (ArithmeticException e) {
        return t.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
      }
    }

    /** The first column that differs from {@code other}, described; null when all agree. */
    public String difference(Columns other) {
      if (!Objects.equals(actionId, other.actionId)) {
        return diff("action_id", actionId, other.actionId);
      }
      if (!Objects.equals(type, other.type)) {
        return diff("type", type, other.type);
      }
      if (!Objects.equals(parentId, other.parentId)) {
        return diff("parent_id", parentId, other.parentId);
      }
      if (!Objects.equals(planId, other.planId)) {
        return diff("plan_id", planId, other.planId);
      }
      if (!Objects.equals(capabilityId, other.capabilityId)) {
        return diff("capability_id", capabilityId, other.capabilityId);
      }
      if (!Objects.equals(caller, other.caller)) {
        return diff("caller", caller, other.caller);
      }
      return timeNanos == other.timeNanos ? null : diff("time", timeNanos, other.timeNanos);
    }

    private static String diff(String column, Object stored, Object actual) {
      return "the stored "
          + column
          + " column says "
          + show(stored)
          + " but the entry says "
          + show(actual);
    }

    private static String show(Object o) {
      return o == null ? "nothing" : "'" + o + "'";
    }
  }

  /** The action, decoded from the body. */
  public Event action() {
    return Canonical.decode(body);
  }
}
