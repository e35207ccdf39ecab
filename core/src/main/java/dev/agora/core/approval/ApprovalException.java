package dev.agora.core.approval;

/**
 * An operator's approve or deny that cannot be done, and which of the reasons it is: no such
 * approval, it has expired, it was already decided, or already used.
 */
public final class ApprovalException extends RuntimeException {

  /** Why an approval cannot be decided. */
  public enum Reason {
    UNKNOWN,
    EXPIRED,
    DECIDED,
    USED
  }

  private final Reason reason;
  private final String approvalId;

  ApprovalException(Reason reason, String approvalId, String message) {
    super(message, null, false, false);
    this.reason = reason;
    this.approvalId = approvalId;
  }

  public Reason reason() {
    return reason;
  }

  public String approvalId() {
    return approvalId;
  }
}
