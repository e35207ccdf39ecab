package dev.agora.core.call.policy;

import dev.agora.core.manifest.Glob;

/**
 * One allow or deny pattern, with the name a denial reports: where it was written ({@code
 * policy.deny[1]}) and what it says ({@code 'ccos.system.*'}).
 */
public record Rule(Glob pattern, String name) {

  public static Rule of(String pattern, String name) {
    return new Rule(Glob.of(pattern), name);
  }

  public boolean matches(String id) {
    return pattern.matches(id);
  }

  @Override
  public String toString() {
    return name + " '" + pattern + "'";
  }
}
