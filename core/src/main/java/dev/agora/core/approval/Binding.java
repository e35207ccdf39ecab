package dev.agora.core.approval;

import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Manifests;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Exactly which call an approval is for: the capability, the digest of its definition (its
 * manifest's content hash, so a changed definition needs a new approval), the SHA-256 of the
 * canonical JSON of its arguments, and the caller's identity.
 */
public record Binding(
    String capabilityId, String definitionDigest, String argumentsDigest, String caller) {

  /**
   * The binding of a call of {@code m} by {@code caller} with the arguments whose canonical JSON
   * ({@link dev.agora.core.json.Json#canonical}) is {@code canonicalArgs}.
   */
  public static Binding of(CapabilityManifest m, String canonicalArgs, String caller) {
    String definition =
        m.provenance() != null ? m.provenance().contentHash() : Manifests.contentHash(m);
    return new Binding(m.id(), definition, sha256(canonicalArgs), caller);
  }

  /** One hex digest of all four, by which a store finds the approvals of a call. */
  public String digest() {
    return sha256(capabilityId + "\n" + definitionDigest + "\n" + argumentsDigest + "\n" + caller);
  }

  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
