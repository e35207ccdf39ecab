package dev.agora.chain;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The chain's three hashes, all SHA-256:
 *
 * <pre>
 *   leaf(body)          = SHA-256(0x00 || body)           RFC 6962 leaf hash
 *   node(left, right)   = SHA-256(0x01 || left || right)  RFC 6962 interior node
 *   link(prev, leaf)    = SHA-256(prev || leaf)           the hash chain; prev of entry 0 is 32 zero bytes
 * </pre>
 */
public final class Hashes {

  /** The chain hash before the first entry. */
  public static final byte[] GENESIS = new byte[32];

  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("this JDK has no SHA-256", e);
            }
          });

  private Hashes() {}

  public static byte[] sha256(byte[] data) {
    return SHA256.get().digest(data);
  }

  public static byte[] leaf(byte[] body) {
    MessageDigest md = SHA256.get();
    md.update((byte) 0);
    return md.digest(body);
  }

  public static byte[] node(byte[] left, byte[] right) {
    MessageDigest md = SHA256.get();
    md.update((byte) 1);
    md.update(left);
    return md.digest(right);
  }

  public static byte[] link(byte[] previous, byte[] leaf) {
    MessageDigest md = SHA256.get();
    md.update(previous);
    return md.digest(leaf);
  }

  public static String hex(byte[] hash) {
    return HexFormat.of().formatHex(hash);
  }
}
