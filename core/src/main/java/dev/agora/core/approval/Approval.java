package dev.agora.core.approval;

import java.time.Instant;
import java.util.Objects;

/**
 * A human's approval of one call: asked for when a capability ({@code approval: required}) or a
 * policy rule ({@code action: require_approval}) needs one, bound to exactly that call — the
 * capability, the digest of its definition, the digest of its arguments and the caller ({@link
 * #binding}) — good for one use, until it expires.
 *
 * @param id what operators and callers name it by ({@code agora approvals approve ID})
 * @param binding the call it is for
 * @param why what asked for it ({@code policy.rules[1] 'args.total > 1000'}, {@code approval:
 *     required})
 * @param arguments the call's arguments as canonical JSON, for the operator to read
 * @param requestedAt when it was asked for
 * @param expiresAt after this it can no longer be approved nor used
 * @param status where it stands
 * @param decidedBy who approved or denied it, or null
 * @param note why it was denied, or null
 */
public record Approval(
    String id,
    Binding binding,
    String why,
    String arguments,
    Instant requestedAt,
    Instant expiresAt,
    Status status,
    String decidedBy,
    String note) {

  /** Where an approval stands. A decision is final; an approved one is used at most once. */
  public enum Status {
    PENDING,
    APPROVED,
    DENIED,
    USED
  }

  public Approval {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(binding, "binding");
    Objects.requireNonNull(status, "status");
  }

  /** Whether it can no longer be approved nor used at {@code now}. */
  public boolean expired(Instant now) {
    return !now.isBefore(expiresAt);
  }

  /** This approval in another status, decided by {@code by} (with {@code note}, for a denial). */
  public Approval with(Status next, String by, String note) {
    return new Approval(id, binding, why, arguments, requestedAt, expiresAt, next, by, note);
  }
}
