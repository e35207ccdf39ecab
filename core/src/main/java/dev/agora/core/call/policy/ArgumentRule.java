package dev.agora.core.call.policy;

import dev.agora.core.manifest.Glob;
import java.util.Locale;

/**
 * An argument-aware rule ({@code policy.rules[i]}): for the capabilities matching {@code
 * capabilities}, when {@code when} holds for a call's arguments, caller and time, the call is
 * denied or needs a human's approval.
 *
 * @param capabilities the capabilities it applies to
 * @param when the condition, compiled at load
 * @param action what happens to a call the condition holds for
 * @param reason what a denial says, or null (then the condition is quoted)
 * @param name where it was written ({@code policy.rules[0]})
 */
public record ArgumentRule(
    Glob capabilities, Condition when, Action action, String reason, String name) {

  /** What a rule does to a call its condition holds for. */
  public enum Action {
    DENY,
    REQUIRE_APPROVAL;

    /** As written in agora.yaml: {@code deny}, {@code require_approval}. */
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The action written {@code key}, or null. */
    public static Action of(String key) {
      for (Action a : values()) {
        if (a.key().equals(key)) {
          return a;
        }
      }
      return null;
    }
  }

  /**
   * A rule from its parts as written; a bad pattern or condition is an IllegalArgumentException.
   */
  public static ArgumentRule of(
      String capabilities, String when, Action action, String reason, String name) {
    return new ArgumentRule(Glob.of(capabilities), Condition.compile(when), action, reason, name);
  }

  public boolean appliesTo(String id) {
    return capabilities.matches(id);
  }

  /** {@code policy.rules[0] 'outside /srv'}: how decisions name it. */
  @Override
  public String toString() {
    return name + " '" + (reason != null ? reason : when.source()) + "'";
  }
}
