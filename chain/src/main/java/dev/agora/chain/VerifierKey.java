package dev.agora.chain;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The public half of a {@link ChainKey} as a signed-note verifier key: {@code
 * <name>+<hash>+<base64(0x01 || 32-byte Ed25519 public key)>}, where hash is the first four bytes
 * of SHA-256(name || "\n" || 0x01 || key) in hex. This one line is all anyone needs to check an
 * Agora checkpoint, offline.
 */
public final class VerifierKey {

  static final byte ED25519 = 0x01;
  private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

  private final String name;
  private final byte[] key;
  private final byte[] hash;
  private final PublicKey publicKey;

  VerifierKey(String name, byte[] key) {
    this.name = checkName(name);
    this.key = key.clone();
    ByteArrayOutputStream in = new ByteArrayOutputStream();
    in.writeBytes(name.getBytes(StandardCharsets.UTF_8));
    in.write('\n');
    in.write(ED25519);
    in.writeBytes(key);
    this.hash = Arrays.copyOf(Hashes.sha256(in.toByteArray()), 4);
    try {
      byte[] x509 = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + 32);
      System.arraycopy(key, 0, x509, X509_PREFIX.length, 32);
      this.publicKey =
          KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(x509));
    } catch (GeneralSecurityException e) {
      throw new ChainFormatException("not a valid Ed25519 public key: " + e.getMessage());
    }
  }

  /**
   * Parses {@code name+hash+base64}; anything else is a {@link ChainFormatException} saying what is
   * wrong.
   */
  public static VerifierKey parse(String text) {
    String[] parts = text.strip().split("\\+", 3);
    if (parts.length != 3) {
      throw new ChainFormatException("not a verifier key: expected <name>+<hash>+<key>");
    }
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(parts[2]);
    } catch (IllegalArgumentException e) {
      throw new ChainFormatException("verifier key is not valid base64");
    }
    if (raw.length != 33 || raw[0] != ED25519) {
      throw new ChainFormatException(
          "verifier key is not an Ed25519 key (algorithm byte 0x01 and 32 bytes)");
    }
    VerifierKey k = new VerifierKey(parts[0], Arrays.copyOfRange(raw, 1, 33));
    if (!k.hashHex().equals(parts[1])) {
      throw new ChainFormatException(
          "verifier key hash "
              + parts[1]
              + " does not match the key (expected "
              + k.hashHex()
              + ")");
    }
    return k;
  }

  static String checkName(String name) {
    if (name == null
        || name.isEmpty()
        || name.chars()
            .anyMatch(c -> c == '+' || Character.isWhitespace(c) || Character.isISOControl(c))) {
      throw new ChainFormatException(
          "key name '" + name + "' must be non-empty, without spaces or '+'");
    }
    return name;
  }

  public String name() {
    return name;
  }

  /** The four-byte key id that prefixes this key's signatures. */
  public byte[] hash() {
    return hash.clone();
  }

  public String hashHex() {
    return HexFormat.of().formatHex(hash);
  }

  public String encoded() {
    byte[] raw = new byte[33];
    raw[0] = ED25519;
    System.arraycopy(key, 0, raw, 1, 32);
    return name + "+" + hashHex() + "+" + Base64.getEncoder().encodeToString(raw);
  }

  /** Whether {@code signature} is this key's Ed25519 signature of {@code message}. */
  public boolean verify(byte[] message, byte[] signature) {
    return Ed25519.verify(key, message, signature);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VerifierKey v && v.name.equals(name) && Arrays.equals(v.key, key);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(key);
  }

  @Override
  public String toString() {
    return encoded();
  }
}
