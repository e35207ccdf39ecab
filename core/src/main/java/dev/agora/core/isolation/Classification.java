package dev.agora.core.isolation;

import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Manifests;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * A capability's risk, read off its effects and permissions: what it may do to the world beyond
 * computing. {@code agora caps show} prints it; an {@code isolation:} rule may select by it ({@code
 * {risk: high, require: process}}).
 *
 * @param risk the highest risk among its classes
 * @param classes the risk classes it falls in ({@code network}, {@code filesystem.write}, {@code
 *     process} …), sorted; empty for a pure capability
 */
public record Classification(Risk risk, List<String> classes) {

  /** How much harm a capability could do, lowest first. */
  public enum Risk {
    /** Pure: computes and answers. */
    LOW,
    /** Reads or reaches out: network, reading files, other declared effects. */
    MEDIUM,
    /**
     * Changes the world or runs code: process, writing or deleting files, shell — or does not say
     * what it does (the {@code unknown} effect a manifest without {@code effects} gets).
     */
    HIGH;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The risk named {@code label}, or null. */
    public static Risk parse(String label) {
      for (Risk r : values()) {
        if (r.label().equals(label.trim().toLowerCase(Locale.ROOT))) {
          return r;
        }
      }
      return null;
    }
  }

  /** Words that make an effect or permission high-risk wherever they stand in its dotted name. */
  private static final Set<String> HIGH =
      Set.of(
          "process",
          "exec",
          "shell",
          "spawn",
          "write",
          "delete",
          "admin",
          "system",
          Manifests.UNKNOWN_EFFECT);

  /** Classifies {@code m} by its effects and permissions. */
  public static Classification of(CapabilityManifest m) {
    Set<String> classes = new TreeSet<>();
    Risk risk = Risk.LOW;
    for (List<String> names : List.of(m.effects(), m.permissions())) {
      for (String name : names) {
        String n = name.toLowerCase(Locale.ROOT);
        classes.add(n);
        Risk r = high(n) ? Risk.HIGH : Risk.MEDIUM;
        risk = r.compareTo(risk) > 0 ? r : risk;
      }
    }
    return new Classification(risk, List.copyOf(classes));
  }

  private static boolean high(String name) {
    for (String part : name.split("[.:/_-]")) {
      if (HIGH.contains(part)) {
        return true;
      }
    }
    return false;
  }

  /** {@code high (filesystem.write, network)} or {@code low (pure)}. */
  public String describe() {
    return risk.label() + " (" + (classes.isEmpty() ? "pure" : String.join(", ", classes)) + ")";
  }
}
