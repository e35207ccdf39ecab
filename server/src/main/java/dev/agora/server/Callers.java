package dev.agora.server;

import dev.agora.core.chain.Hashes;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.security.SecurityContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * Who a request is: the security context of its API key ({@code Authorization: Bearer <key>} or
 * {@code X-API-Key: <key>}), the configured anonymous context when it has none, or nobody. A keyed
 * caller is recorded in the Causal Chain as {@code <context>/<key name>} (e.g. {@code agent/ci}), so
 * two keys with the same rights stay apart in the audit; anonymous callers as the context's name.
 * Keys are compared as SHA-256 digests in constant time; the key itself is never kept, logged or
 * recorded.
 */
final class Callers {

  /** Who: the context to act as, and the key's name (null for anonymous). */
  record Who(SecurityContext context, String keyName) {}

  private final AgoraConfig config;

  Callers(AgoraConfig config) {
    this.config = config;
  }

  /** The caller for the given header values, or null when refused. */
  Who identify(String authorization, String apiKey) {
    String key = apiKey != null && !apiKey.isBlank() ? apiKey.strip()
        : authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7).strip()
        : null;
    if (key == null || key.isEmpty()) {
      String anon = config.server().anonymous();
      return anon == null ? null : new Who(config.context(anon), null);
    }
    byte[] digest = HexFormat.of().parseHex(Hashes.hex(Hashes.sha256(key.getBytes(StandardCharsets.UTF_8))));
    List<AgoraConfig.ApiKey> keys = config.server().apiKeys();
    Who found = null;
    for (AgoraConfig.ApiKey k : keys) { // every key compared, in constant time, whichever matches
      if (MessageDigest.isEqual(digest, HexFormat.of().parseHex(k.sha256())) && found == null) {
        found = new Who(config.context(k.context()).named(k.context() + "/" + k.name()), k.name());
      }
    }
    return found;
  }

  /** Whether any request could be accepted without a key. */
  boolean anonymousAllowed() {
    return config.server().anonymous() != null;
  }
}
