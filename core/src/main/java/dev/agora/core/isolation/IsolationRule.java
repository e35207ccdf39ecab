package dev.agora.core.isolation;

import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Glob;
import dev.agora.core.spi.IsolationLevel;
import java.util.List;

/**
 * One entry of agora.yaml's {@code isolation:} list: which capabilities need which level. A rule
 * matches a capability when every selector it gives matches (an absent selector matches all):
 *
 * <ul>
 *   <li>{@code effects} — any of them is among the capability's effects; a name covers its dotted
 *       children ({@code filesystem} covers {@code filesystem.write});
 *   <li>{@code permissions} — likewise, among the permissions it requires;
 *   <li>{@code capabilities} — an id glob ({@code "untrusted.*"});
 *   <li>{@code providers} — its provider type ({@code mcp}, {@code process} …);
 *   <li>{@code risk} — its {@link Classification} is at least this ({@code medium}, {@code high}).
 * </ul>
 *
 * @param index the rule's place in the list, from 1, for the reason a refusal gives
 */
public record IsolationRule(
    int index,
    List<String> effects,
    List<String> permissions,
    Glob capabilities,
    List<String> providers,
    Classification.Risk risk,
    IsolationLevel require) {

  public IsolationRule {
    effects = List.copyOf(effects);
    permissions = List.copyOf(permissions);
    providers = List.copyOf(providers);
  }

  /** True if the rule applies to {@code m}. */
  public boolean matches(CapabilityManifest m) {
    return (effects.isEmpty() || covers(effects, m.effects()))
        && (permissions.isEmpty() || covers(permissions, m.permissions()))
        && (capabilities == null || capabilities.matches(m.id()))
        && (providers.isEmpty() || providers.contains(m.provider().type()))
        && (risk == null || Classification.of(m).risk().compareTo(risk) >= 0);
  }

  /** True if some name in {@code rule} is, or is a dotted parent of, some name in {@code has}. */
  static boolean covers(List<String> rule, List<String> has) {
    for (String r : rule) {
      for (String h : has) {
        if (h.equals(r) || h.startsWith(r + ".")) {
          return true;
        }
      }
    }
    return false;
  }

  /** The rule as a reader of agora.yaml would recognise it: {@code rule 2 (effects [process])}. */
  public String describe() {
    StringBuilder b = new StringBuilder("isolation rule ").append(index).append(" (");
    String sep = "";
    if (!effects.isEmpty()) {
      b.append("effects ").append(effects);
      sep = ", ";
    }
    if (!permissions.isEmpty()) {
      b.append(sep).append("permissions ").append(permissions);
      sep = ", ";
    }
    if (capabilities != null) {
      b.append(sep).append("capabilities \"").append(capabilities.pattern()).append('"');
      sep = ", ";
    }
    if (!providers.isEmpty()) {
      b.append(sep).append("providers ").append(providers);
      sep = ", ";
    }
    if (risk != null) {
      b.append(sep).append("risk ").append(risk.label());
      sep = ", ";
    }
    if (sep.isEmpty()) {
      b.append("every capability");
    }
    return b.append(')').toString();
  }
}
