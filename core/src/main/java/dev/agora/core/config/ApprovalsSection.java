package dev.agora.core.config;

import dev.agora.core.approval.ApprovalSettings;
import dev.agora.core.doc.Fields;
import dev.agora.core.spi.ConfigSection;
import java.time.Duration;

/**
 * agora.yaml's {@code approvals:} section: how long an approval may be decided and used, and how
 * long a call that needs one waits for it.
 *
 * <pre>
 * approvals:
 *   ttl: 1h      # an approval expires this long after it was asked for (default 1h)
 *   wait: 0s     # a call waits this long for its approval before "approval required: ID" (default 0s)
 * </pre>
 */
public final class ApprovalsSection implements ConfigSection<ApprovalSettings> {

  /** The section, to ask a configuration for its value. */
  public static final ApprovalsSection SECTION = new ApprovalsSection();

  /**
   * The settings {@code config} gives approvals: its {@code approvals:} section or the defaults.
   */
  public static ApprovalSettings of(AgoraConfig config) {
    return config.section(SECTION);
  }

  @Override
  public String key() {
    return "approvals";
  }

  @Override
  public ApprovalSettings defaults() {
    return ApprovalSettings.DEFAULTS;
  }

  @Override
  public ApprovalSettings read(Fields s, Core core) {
    Duration ttl = s.duration("ttl", ApprovalSettings.DEFAULTS.ttl());
    Duration wait = waitTime(s);
    s.rejectUnknown();
    return new ApprovalSettings(ttl, wait);
  }

  /** {@code wait} may be zero ({@code 0s}), which {@link Fields#duration} does not allow. */
  private static Duration waitTime(Fields s) {
    String text = s.string("wait", null);
    if (text == null || text.strip().matches("0+\\s*(ms|s|m|h|d)?")) {
      return Duration.ZERO;
    }
    return s.duration("wait", Duration.ZERO);
  }
}
