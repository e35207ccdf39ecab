package dev.agora.core.call.policy;

import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Glob;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who is calling and what they may do. The level sets the outline — {@link Level#PURE} only pure
 * capabilities, {@link Level#CONTROLLED} only those matching {@code allowed}, {@link Level#FULL}
 * any — and effects and permissions narrow it further for every level.
 *
 * @param identity the caller's name, recorded with every call
 * @param allowed for CONTROLLED: the capabilities it may call (anchored patterns)
 * @param allowedEffects the effects its calls may have; null for any
 * @param permissions the permissions it holds; {@code "*"} holds all
 * @param tenant the tenant the caller belongs to, whose capabilities bound what it may call at
 *     every level; null for a caller of no tenant
 */
public record SecurityContext(
    String identity,
    Level level,
    List<Glob> allowed,
    Set<String> allowedEffects,
    Set<String> permissions,
    Tenant tenant) {

  /**
   * A tenant (issue 17): its name and the capabilities its callers may call at most, whatever their
   * contexts allow — those matching {@code capabilities} and those its own {@code sources}
   * discovered, never those of a source that is another tenant's. A caller in a tenant sees and
   * reaches nothing outside them.
   *
   * @param sources the names of the sources that are this tenant's
   * @param others the names of the sources that are other tenants'
   */
  public record Tenant(
      String name, List<Glob> capabilities, Set<String> sources, Set<String> others) {
    public Tenant {
      capabilities = List.copyOf(capabilities);
      sources = Set.copyOf(sources);
      others = Set.copyOf(others);
    }

    /** A tenant of capability patterns only, no sources of its own. */
    public Tenant(String name, List<Glob> capabilities) {
      this(name, capabilities, Set.of(), Set.of());
    }

    /** Null if the tenant's callers may call {@code m}, else why not. */
    public String refusal(CapabilityManifest m) {
      String source = m.provenance() == null ? null : m.provenance().source();
      if (source != null && others.contains(source)) {
        return "from source '" + source + "', which is another tenant's";
      }
      if (source != null && sources.contains(source)) {
        return null;
      }
      return capabilities.stream().anyMatch(g -> g.matches(m.id()))
          ? null
          : "not among the capabilities of tenant '"
              + name
              + "' "
              + capabilities
              + (sources.isEmpty() ? "" : " nor from its sources " + new TreeSet<>(sources));
    }
  }

  /** A caller of no tenant. */
  public SecurityContext(
      String identity,
      Level level,
      List<Glob> allowed,
      Set<String> allowedEffects,
      Set<String> permissions) {
    this(identity, level, allowed, allowedEffects, permissions, null);
  }

  /** How much a context may do. */
  public enum Level {
    PURE,
    CONTROLLED,
    FULL
  }

  public SecurityContext {
    allowed = List.copyOf(allowed);
    allowedEffects = allowedEffects == null ? null : Set.copyOf(allowedEffects);
    permissions = Set.copyOf(permissions);
  }

  /** The same rights under another name (a gateway names the API key acting in this context). */
  public SecurityContext named(String name) {
    return new SecurityContext(name, level, allowed, allowedEffects, permissions, tenant);
  }

  /**
   * The same rights confined to {@code t}'s capabilities, named {@code <tenant>:<identity>} in the
   * Causal Chain (so that a tenant's records are told apart from every other's).
   */
  public SecurityContext in(Tenant t) {
    return new SecurityContext(
        t.name() + ":" + identity, level, allowed, allowedEffects, permissions, t);
  }

  /**
   * Everything allowed: the local operator at the command line when no configuration says
   * otherwise.
   */
  public static SecurityContext full(String identity) {
    return new SecurityContext(identity, Level.FULL, List.of(), null, Set.of("*"));
  }

  /** Only pure capabilities. */
  public static SecurityContext pure(String identity) {
    return new SecurityContext(identity, Level.PURE, List.of(), Set.of(), Set.of());
  }

  /** Only capabilities matching {@code patterns}. */
  public static SecurityContext controlled(String identity, String... patterns) {
    return new SecurityContext(
        identity,
        Level.CONTROLLED,
        List.of(patterns).stream().map(Glob::of).toList(),
        null,
        Set.of("*"));
  }

  /**
   * The context a capability's own nested calls run under (context inheritance): this caller's
   * rights narrowed to what {@code m} declares — its effects (a pure capability: calls of pure ones
   * only) and its permissions — and named {@code <identity> via <id>} in the Causal Chain. A
   * capability cannot reach through a nested call what its caller could not, nor what it did not
   * declare.
   */
  public SecurityContext within(CapabilityManifest m) {
    Set<String> effects = new TreeSet<>(m.effects());
    if (allowedEffects != null) {
      effects.retainAll(allowedEffects);
    }
    Set<String> held = new TreeSet<>(m.permissions());
    if (!permissions.contains("*")) {
      held.retainAll(permissions);
    }
    return new SecurityContext(identity + " via " + m.id(), level, allowed, effects, held, tenant);
  }

  /** Null if this context may call {@code m}, else why not. */
  public String refusal(CapabilityManifest m) {
    String outside = tenant == null ? null : tenant.refusal(m);
    if (outside != null) {
      return outside;
    }
    if (level == Level.PURE && !m.isPure()) {
      return "a pure context calls only pure capabilities, and '"
          + m.id()
          + "' has effects "
          + m.effects();
    }
    if (level == Level.CONTROLLED && allowed.stream().noneMatch(g -> g.matches(m.id()))) {
      return "not among the capabilities this context may call " + allowed;
    }
    if (allowedEffects != null) {
      for (String e : m.effects()) {
        if (!allowedEffects.contains(e)) {
          return "effect '"
              + e
              + "' is not allowed (allowed: "
              + new TreeSet<>(allowedEffects)
              + ")";
        }
      }
    }
    if (!permissions.contains("*")) {
      for (String p : m.permissions()) {
        if (!permissions.contains(p)) {
          return "it needs permission '" + p + "', which this context does not hold";
        }
      }
    }
    return null;
  }
}
