package dev.agora.chain;

import java.util.Arrays;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Ed25519 (RFC 8032) signatures by Bouncy Castle's lightweight API: the same signatures as the
 * JDK's {@code Signature.getInstance("Ed25519")}, about ten times faster on this machine (sign ~40
 * µs, verify ~105 µs against ~700 µs each; docs/BENCHMARKS.md) — the JDK derives the public point
 * again on every signature. Keys are raw: the 32-byte seed, the 32-byte public key.
 */
public final class Ed25519 {

  /** A private key, its public point computed once. */
  public static final class SigningKey {
    private final Ed25519PrivateKeyParameters key;

    private SigningKey(byte[] seed) {
      if (seed.length != 32) {
        throw new IllegalArgumentException("an Ed25519 seed is 32 bytes, not " + seed.length);
      }
      this.key = new Ed25519PrivateKeyParameters(seed, 0);
    }

    /** The signature of {@code message}. */
    public byte[] sign(byte[] message) {
      Ed25519Signer s = new Ed25519Signer();
      s.init(true, key);
      s.update(message, 0, message.length);
      return s.generateSignature();
    }

    /** The 32-byte public key. */
    public byte[] publicKey() {
      return key.generatePublicKey().getEncoded();
    }
  }

  private Ed25519() {}

  /** The signing key of a 32-byte seed. */
  public static SigningKey signingKey(byte[] seed) {
    return new SigningKey(seed);
  }

  /** Whether {@code signature} is {@code publicKey}'s (32 bytes) signature of {@code message}. */
  public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
    if (publicKey.length != 32 || signature.length != 64) {
      return false;
    }
    Ed25519Signer v = new Ed25519Signer();
    try {
      v.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
    } catch (IllegalArgumentException e) { // not a point on the curve
      return false;
    }
    v.update(message, 0, message.length);
    return v.verifySignature(signature);
  }

  /** The last 32 bytes of a DER encoding: the raw key of a PKCS #8 or X.509 Ed25519 key. */
  public static byte[] raw(byte[] der) {
    return Arrays.copyOfRange(der, der.length - 32, der.length);
  }
}
