package dev.agora.core.manifest;

import dev.agora.rtfs.Dict;
import java.time.Instant;

/**
 * A capability passport: an authority's signature over the manifest (see {@code
 * dev.agora.core.trust.Passports} for what is signed and how it is checked).
 *
 * @param authority the name of the authority that signed, as configured under {@code
 *     trust.authorities}
 * @param signature the Ed25519 signature, base64
 * @param createdAt when it was signed
 * @param expiresAt when it stops being valid, or null for never
 */
public record Attestation(
    String authority, String signature, Instant createdAt, Instant expiresAt, Dict metadata) {

  /** Why {@code m}'s passport is no longer valid at {@code now} (it expired), or null. */
  public static String expiry(CapabilityManifest m, Instant now) {
    Attestation a = m.attestation();
    if (a == null || a.expiresAt() == null || now.isBefore(a.expiresAt())) {
      return null;
    }
    return "the passport of '"
        + m.id()
        + "' by '"
        + a.authority()
        + "' expired at "
        + a.expiresAt();
  }
}
