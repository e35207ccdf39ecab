package dev.agora.core.approval;

import java.time.Duration;

/**
 * How approvals behave (agora.yaml {@code approvals:}).
 *
 * @param ttl how long an approval may be approved and then used after it was asked for
 * @param maxWait how long a call that needs approval waits for it before it fails with "approval
 *     required: ID" (zero: it fails at once; the caller retries once approved)
 */
public record ApprovalSettings(Duration ttl, Duration maxWait) {

  /** An hour to decide and use; no waiting. */
  public static final ApprovalSettings DEFAULTS =
      new ApprovalSettings(Duration.ofHours(1), Duration.ZERO);
}
