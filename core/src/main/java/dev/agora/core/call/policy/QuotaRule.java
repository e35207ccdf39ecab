package dev.agora.core.call.policy;

import dev.agora.core.manifest.Glob;
import java.time.Duration;

/**
 * One of {@code policy.quotas}: within each {@code window}, at most {@code calls} calls and at most
 * {@code cost} cost units (the sum of the called manifests' {@code sla.cost_per_call}) to the
 * capabilities matching {@code pattern}, counted for each caller, each tenant, or all callers
 * together ({@link Per}). Windows are fixed and follow each other from the epoch: a {@code 1h}
 * window renews on the hour (UTC), a {@code 1d} one at midnight UTC.
 *
 * @param calls the most calls per window, or null for no such limit
 * @param cost the most cost units per window, or null for no such limit
 * @param name what refusals and usage name it by: its {@code name}, or where it is written
 */
public record QuotaRule(
    String name, Glob pattern, Per per, Long calls, Double cost, Duration window) {

  /** Whose calls one counter counts. */
  public enum Per {
    /** Each caller's own: its identity ({@code <context>/<name>}, after its tenant's name). */
    CALLER,
    /** Each tenant's callers together; callers in no tenant are not counted by the rule. */
    TENANT,
    /** Every caller together. */
    ALL
  }

  /** Whether calls to {@code id} count. */
  public boolean appliesTo(String id) {
    return pattern.matches(id);
  }

  /**
   * The counter {@code caller}'s calls go to, or null when the rule does not count them (per
   * tenant, for a caller in none).
   */
  public String scope(SecurityContext caller) {
    return switch (per) {
      case CALLER -> caller.identity();
      case TENANT -> caller.tenant() == null ? null : caller.tenant().name();
      case ALL -> "*";
    };
  }

  /** "1000 calls and 5.0 cost units per 1h for each caller" — for refusals and usage. */
  public String describe() {
    String what =
        (calls == null ? "" : calls + " calls")
            + (calls != null && cost != null ? " and " : "")
            + (cost == null ? "" : cost + " cost units");
    String whose =
        switch (per) {
          case CALLER -> "each caller";
          case TENANT -> "each tenant";
          case ALL -> "all callers together";
        };
    return what + " per " + window.toString().substring(2).toLowerCase() + " for " + whose;
  }
}
