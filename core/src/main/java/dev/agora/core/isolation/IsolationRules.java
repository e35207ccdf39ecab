package dev.agora.core.isolation;

import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.core.spi.IsolationDemands;
import dev.agora.core.spi.IsolationLevel;
import dev.agora.rtfs.Value;
import java.util.List;

/**
 * The isolation policy of a node: agora.yaml's {@code isolation:} rules, plus what each manifest
 * asks for itself ({@code provider: {…, isolation: process}}). The strictest requirement wins.
 */
public record IsolationRules(List<IsolationRule> rules) implements IsolationDemands {

  /** No rules: only what manifests ask for themselves. */
  public static final IsolationRules NONE = new IsolationRules(List.of());

  public IsolationRules {
    rules = List.copyOf(rules);
  }

  /** What {@code m} needs, and why. */
  public record Requirement(IsolationLevel level, String why) {
    static final Requirement NOTHING = new Requirement(IsolationLevel.IN_PROCESS, "nothing");
  }

  /** The strictest level any rule or the manifest itself requires of {@code m}. */
  public Requirement required(CapabilityManifest m) {
    Requirement best = Requirement.NOTHING;
    IsolationLevel own = declared(m);
    if (own != null && own.compareTo(best.level()) > 0) {
      best = new Requirement(own, "its manifest (provider isolation: " + own.label() + ")");
    }
    for (IsolationRule r : rules) {
      if (r.require().compareTo(best.level()) > 0 && r.matches(m)) {
        best = new Requirement(r.require(), r.describe());
      }
    }
    return best;
  }

  @Override
  public IsolationLevel requiredLevel(CapabilityManifest m) {
    return required(m).level();
  }

  @Override
  public String mayIsolate(String providerType) {
    for (IsolationRule r : rules) {
      if (r.require() != IsolationLevel.IN_PROCESS
          && (r.providers().isEmpty() || r.providers().contains(providerType))) {
        return r.describe();
      }
    }
    return null;
  }

  /**
   * The level a manifest's provider section asks for ({@code isolation: process}); {@code none}
   * asks for nothing. Null when it says nothing (or something {@link
   * dev.agora.core.manifest.Manifests} would have refused).
   */
  public static IsolationLevel declared(CapabilityManifest m) {
    Value v = m.provider().options().get("isolation");
    if (v == null && m.provider() instanceof ProviderSpec.Process) {
      return IsolationLevel.PROCESS; // a command is sandboxed unless it says isolation: none
    }
    String text =
        switch (v) {
          case Value.Str s -> s.value();
          case Value.Keyword k -> k.name();
          case null, default -> null;
        };
    if (text == null || text.equals("none")) {
      return null;
    }
    return IsolationLevel.parse(text);
  }

  /**
   * Why {@code m} may not be registered when its provider gives it {@code given}: null if {@code
   * given} meets what it requires.
   */
  public String refusal(CapabilityManifest m, IsolationLevel given) {
    Requirement need = required(m);
    if (given.meets(need.level())) {
      return null;
    }
    return "needs isolation '"
        + need.level().label()
        + "' by "
        + need.why()
        + ", but its provider '"
        + m.provider().type()
        + "' gives '"
        + given.label()
        + "' on this host";
  }
}
