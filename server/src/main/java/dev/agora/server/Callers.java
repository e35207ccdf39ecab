package dev.agora.server;

import dev.agora.chain.Hashes;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.manifest.Glob;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who a request is: the security context of its API key ({@code Authorization: Bearer <key>} or
 * {@code X-API-Key: <key>}), the configured anonymous context when it has none, or nobody. A keyed
 * caller is recorded in the Causal Chain as {@code <context>/<key name>} (e.g. {@code agent/ci}),
 * so two keys with the same rights stay apart in the audit; anonymous callers as the context's
 * name. A key of a tenant acts in its context confined to the tenant's capabilities, recorded as
 * {@code <tenant>:<context>/<key name>}. Keys are compared as SHA-256 digests in constant time; the
 * key itself is never kept, logged or recorded.
 */
final class Callers {

  /**
   * A configured key: its digest and the context (named {@code <context>/<key name>}) it acts as.
   */
  private record Key(byte[] sha256, SecurityContext caller) {}

  private final List<Key> keys;
  private final SecurityContext anonymous;

  Callers(AgoraConfig config) {
    ServerSettings settings = ServerSection.of(config);
    Set<String> known = new TreeSet<>();
    config.sources().forEach(src -> known.add(src.name()));
    settings
        .tenants()
        .forEach(
            (name, t) ->
                t.sources().stream()
                    .filter(src -> !known.contains(src))
                    .findFirst()
                    .ifPresent(
                        src -> {
                          throw new IllegalArgumentException(
                              "server.tenants."
                                  + name
                                  + ".sources: no source named '"
                                  + src
                                  + "'"
                                  + (config.file() == null ? "" : " in " + config.file())
                                  + "; known sources: "
                                  + (known.isEmpty() ? "none" : String.join(", ", known)));
                        }));
    this.keys =
        settings.apiKeys().stream()
            .map(
                k -> {
                  SecurityContext c =
                      config.context(k.context()).named(k.context() + "/" + k.name());
                  return new Key(
                      HexFormat.of().parseHex(k.sha256()),
                      k.tenant() == null ? c : c.in(tenant(settings, k.tenant())));
                })
            .toList();
    String anon = settings.anonymous();
    this.anonymous = anon == null ? null : config.context(anon);
  }

  /**
   * The caller for the given header values, or null when refused. No credential at all is the
   * anonymous context (when configured); a credential that is present but not a key — another
   * scheme such as {@code Basic}, or an empty bearer token — is refused, never taken for anonymous
   * (issue 12).
   */
  SecurityContext identify(String authorization, String apiKey) {
    String key;
    if (apiKey != null && !apiKey.isBlank()) {
      key = apiKey.strip();
    } else if (authorization == null || authorization.isBlank()) {
      return anonymous;
    } else if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      key = authorization.substring(7).strip();
    } else {
      return null; // another scheme: not a key this server knows
    }
    if (key.isEmpty()) {
      return null;
    }
    byte[] digest = Hashes.sha256(key.getBytes(StandardCharsets.UTF_8));
    SecurityContext found = null;
    for (Key k : keys) { // every key compared, in constant time, whichever matches
      if (MessageDigest.isEqual(digest, k.sha256()) && found == null) {
        found = k.caller();
      }
    }
    return found;
  }

  /** The tenant named {@code name} in {@code settings}, as core's call path knows it. */
  static SecurityContext.Tenant tenant(ServerSettings settings, String name) {
    ServerSettings.Tenant t = settings.tenants().get(name);
    Set<String> others = new HashSet<>();
    settings
        .tenants()
        .forEach((other, o) -> others.addAll(other.equals(name) ? List.of() : o.sources()));
    return new SecurityContext.Tenant(
        name, t.capabilities().stream().map(Glob::of).toList(), Set.copyOf(t.sources()), others);
  }

  /** Whether any request could be accepted without a key. */
  boolean anonymousAllowed() {
    return anonymous != null;
  }
}
