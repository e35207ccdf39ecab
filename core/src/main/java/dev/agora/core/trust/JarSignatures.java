package dev.agora.core.trust;

import dev.agora.chain.Ed25519;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;

/**
 * A plugin JAR signed by an authority: a file {@code <name>.jar.sig} beside it, two lines —
 *
 * <pre>
 * authority: acme
 * signature: &lt;base64 Ed25519 over "sha256:&lt;the JAR's SHA-256, hex&gt;"&gt;
 * </pre>
 *
 * The digest signed is the one the plugin's provenance records, so a signature vouches for exactly
 * those bytes. Written by {@code agora caps sign plugin.jar --key … --authority …}; checked, when
 * {@code plugins.require_signature} is on, against {@code trust.authorities} before any of the
 * JAR's code is loaded (docs/PLUGINS.md).
 */
public final class JarSignatures {

  private JarSignatures() {}

  /** What is signed for a JAR whose SHA-256 is {@code sha256} (hex). */
  static byte[] signed(String sha256) {
    return ("sha256:" + sha256).getBytes(StandardCharsets.US_ASCII);
  }

  /** The {@code .sig} file's text for a JAR with digest {@code sha256}. */
  public static String sign(String sha256, PrivateKey key, String authority) {
    byte[] signature = Ed25519.signingKey(Ed25519.raw(key.getEncoded())).sign(signed(sha256));
    return "authority: "
        + authority
        + "\nsignature: "
        + Base64.getEncoder().encodeToString(signature)
        + "\n";
  }

  /**
   * The authority whose trusted key signed the JAR with digest {@code sha256}, as {@code sig} (the
   * {@code .sig} file's text) says.
   *
   * @throws TrustException saying why it does not: a malformed file, an authority this node does
   *     not trust, or a signature that does not verify
   */
  public static Authority verify(String sig, String sha256, TrustPolicy trust) {
    String name = null;
    String signature = null;
    for (String line : sig.split("\n")) {
      String l = line.strip();
      if (l.startsWith("authority:")) {
        name = l.substring("authority:".length()).strip();
      } else if (l.startsWith("signature:")) {
        signature = l.substring("signature:".length()).strip();
      }
    }
    if (name == null || signature == null) {
      throw new TrustException("the signature file needs the lines 'authority:' and 'signature:'");
    }
    Authority a = trust.authorities().get(name);
    if (a == null) {
      throw new TrustException(
          "it is signed by '" + name + "', which is not among trust.authorities");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(signature);
    } catch (IllegalArgumentException e) {
      throw new TrustException("its signature is not base64: " + e.getMessage());
    }
    for (PublicKey k : a.keys()) {
      if (Ed25519.verify(Ed25519.raw(k.getEncoded()), signed(sha256), bytes)) {
        return a;
      }
    }
    throw new TrustException(
        "its signature by '" + name + "' does not verify for these bytes (sha256 " + sha256 + ")");
  }
}
