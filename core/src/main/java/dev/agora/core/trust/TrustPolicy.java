package dev.agora.core.trust;

import dev.agora.core.manifest.Attestation;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Glob;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What this node trusts ({@code trust:} in agora.yaml): the authorities whose passports count, the
 * capabilities that must carry one, and how discovered definitions are pinned. Decides whether a
 * manifest may be registered ({@link #refusal}); a refused manifest is never callable.
 *
 * <p>Without a {@code trust:} section ({@link #OFF}) passports are carried but not checked.
 *
 * @param configured whether agora.yaml has a {@code trust:} section
 */
public record TrustPolicy(
    boolean configured,
    Map<String, Authority> authorities,
    List<Glob> requireSignature,
    Pinning pinning) {

  /** Nothing configured: no passport checked, nothing pinned. */
  public static final TrustPolicy OFF =
      new TrustPolicy(
          false, Map.of(), List.of(), new Pinning(Pinning.Mode.OFF, Path.of("agora.lock")));

  public TrustPolicy {
    authorities = Collections.unmodifiableMap(new LinkedHashMap<>(authorities));
    requireSignature = List.copyOf(requireSignature);
  }

  /**
   * Why {@code m} may not be registered now, in one line, or null when it may. {@code exempt}:
   * whether its source needs no passport even where one is required (the node's own built-ins).
   * Checks, in order: a passport where one is required, a known and unexpired authority for the
   * capability's namespace, an unexpired passport, and the signature.
   */
  public String refusal(CapabilityManifest m, boolean exempt, Instant now) {
    if (!configured) {
      return null;
    }
    Attestation a = m.attestation();
    if (a == null) {
      Glob rule = exempt ? null : requiredBy(m.id());
      return rule == null
          ? null
          : "unsigned: '"
              + m.id()
              + "' must carry a passport (trust.require_signature '"
              + rule.pattern()
              + "')";
    }
    Authority authority = authorities.get(a.authority());
    if (authority == null) {
      return "passport of '"
          + m.id()
          + "' is by unknown authority '"
          + a.authority()
          + "' (trusted: "
          + String.join(", ", authorities.keySet())
          + ")";
    }
    if (authority.expires() != null && !now.isBefore(authority.expires())) {
      return "authority '" + a.authority() + "' is no longer trusted since " + authority.expires();
    }
    if (!authority.covers(m.id())) {
      return "authority '"
          + a.authority()
          + "' may not vouch for '"
          + m.id()
          + "' (its namespaces: "
          + authority.namespaceList()
          + ")";
    }
    String expiry = Attestation.expiry(m, now);
    if (expiry != null) {
      return expiry;
    }
    if (!Passports.verifies(m, authority.keys())) {
      return "passport of '"
          + m.id()
          + "' does not verify with the keys of '"
          + a.authority()
          + "': the manifest was changed after signing, or signed with another key";
    }
    return null;
  }

  private Glob requiredBy(String id) {
    for (Glob g : requireSignature) {
      if (g.matches(id)) {
        return g;
      }
    }
    return null;
  }
}
