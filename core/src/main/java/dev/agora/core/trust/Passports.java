package dev.agora.core.trust;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.agora.chain.Ed25519;
import dev.agora.chain.Hashes;
import dev.agora.core.json.Json;
import dev.agora.core.manifest.Attestation;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.erdtman.jcs.JsonCanonicalizer;

/**
 * Capability passports: a manifest's {@code attestation} block, signed by an authority's Ed25519
 * key.
 *
 * <p>What is signed: the RFC 8785 canonical JSON of the manifest's data form ({@link
 * CapabilityManifest#toValue}, so the same manifest written as JSON, YAML or RTFS signs the same)
 * with the attestation block in it <em>but without its {@code signature}</em>. The block's
 * authority, signing time and expiry are therefore signed too: moving an expiry is tampering like
 * any other change. Provenance is not part of the data form and is not signed.
 */
public final class Passports {

  private Passports() {}

  /** The bytes a passport of {@code m} signs (see the class comment). */
  public static byte[] signedBytes(CapabilityManifest m) {
    Dict v = m.toValue();
    Value a = v.get("attestation");
    if (a instanceof Dict block) {
      v = v.assoc(Value.keyword("attestation"), block.dissoc(Value.keyword("signature")));
    }
    try {
      return new JsonCanonicalizer(Json.write(v)).getEncodedUTF8();
    } catch (IOException e) { // our own JSON, so only a bug gets here
      throw new TrustException("'" + m.id() + "' cannot be canonicalised: " + e.getMessage(), e);
    }
  }

  /**
   * {@code m} with a passport by {@code authority}: signed at {@code signedAt}, valid until {@code
   * expiresAt} (or for ever when null). A passport it had is replaced.
   */
  public static CapabilityManifest sign(
      CapabilityManifest m, PrivateKey key, String authority, Instant signedAt, Instant expiresAt) {
    CapabilityManifest unsigned =
        m.withAttestation(new Attestation(authority, "", signedAt, expiresAt, Dict.EMPTY));
    byte[] signature =
        Ed25519.signingKey(Ed25519.raw(key.getEncoded())).sign(signedBytes(unsigned));
    return m.withAttestation(
        new Attestation(
            authority,
            Base64.getEncoder().encodeToString(signature),
            signedAt,
            expiresAt,
            Dict.EMPTY));
  }

  /**
   * Signatures that verified: a verification takes ~0.1 ms (Bouncy Castle's Ed25519; the JDK's ~0.7
   * ms, docs/BENCHMARKS.md, "Trust"), and discovery registers the same manifests again on every
   * poll, restart and reload. Keyed by the SHA-256 of everything that was checked (the signed
   * bytes, the signature, the key), so a hit is the same verification's answer; only successes are
   * kept.
   */
  private static final Cache<String, Boolean> VERIFIED =
      Caffeine.newBuilder().maximumSize(100_000).build();

  /** Whether {@code m}'s passport signature verifies with one of {@code keys}. */
  public static boolean verifies(CapabilityManifest m, List<PublicKey> keys) {
    byte[] signature = signature(m.attestation());
    if (signature == null) {
      return false;
    }
    byte[] signed = signedBytes(m);
    for (PublicKey k : keys) {
      String checked = checked(signed, signature, k);
      if (VERIFIED.getIfPresent(checked) != null) {
        return true;
      }
      if (Ed25519.verify(Ed25519.raw(k.getEncoded()), signed, signature)) {
        VERIFIED.put(checked, Boolean.TRUE);
        return true;
      }
    }
    return false;
  }

  private static String checked(byte[] signed, byte[] signature, PublicKey key) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      for (byte[] part : List.of(signed, signature, key.getEncoded())) {
        d.update(ByteBuffer.allocate(4).putInt(part.length).array()); // unambiguous concatenation
        d.update(part);
      }
      return Hashes.hex(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /**
   * A passport's id: the SHA-256 (hex) of its signature bytes — what a recorded call names to say
   * which passport vouched for the definition that ran. Null without a passport.
   */
  public static String id(Attestation a) {
    byte[] s = signature(a);
    return s == null ? null : Hashes.hex(Hashes.sha256(s));
  }

  private static byte[] signature(Attestation a) {
    if (a == null) {
      return null;
    }
    try {
      return Base64.getDecoder().decode(a.signature());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
