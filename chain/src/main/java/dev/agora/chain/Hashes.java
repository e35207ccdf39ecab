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
      ThreadLocal.withInitial(() -> newDigest(() -> MessageDigest.getInstance("SHA-256")));

  private Hashes() {}

  /** Makes a MessageDigest; the checked exception of {@code MessageDigest.getInstance}. */
  interface DigestFactory {
    MessageDigest create() throws NoSuchAlgorithmException;
  }

  /**
   * A new digest from {@code factory}. Every JDK has SHA-256, so a NoSuchAlgorithmException means
   * its implementation failed to construct: an Error doing so (an OutOfMemoryError, which the JDK
   * wraps) is thrown as itself, not reported as a missing algorithm (issue 12).
   */
  static MessageDigest newDigest(DigestFactory factory) {
    try {
      return factory.create();
    } catch (NoSuchAlgorithmException e) {
      Failures.rethrowError(e);
      throw new IllegalStateException("SHA-256 is not available: " + Failures.describe(e), e);
    }
  }

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
