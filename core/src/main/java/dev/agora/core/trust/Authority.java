package dev.agora.core.trust;

import dev.agora.core.manifest.Glob;
import java.security.PublicKey;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An authority whose passports this node trusts, for the capability namespaces it names.
 *
 * @param name the name passports give ({@code attestation.authority})
 * @param keys its public keys (several entries of one name are one authority with several keys: a
 *     key rotation)
 * @param namespaces the capability ids it may vouch for ({@code shop.*})
 * @param expires when trust in it ends (the start of the day after the configured date), or null
 */
public record Authority(String name, List<PublicKey> keys, List<Glob> namespaces, Instant expires) {

  public Authority {
    keys = List.copyOf(keys);
    namespaces = List.copyOf(namespaces);
  }

  /** Whether it may vouch for {@code id}. */
  public boolean covers(String id) {
    return namespaces.stream().anyMatch(g -> g.matches(id));
  }

  /** Its namespaces, for messages ({@code shop.*, billing.*}). */
  public String namespaceList() {
    return namespaces.stream().map(Glob::pattern).collect(Collectors.joining(", "));
  }
}
