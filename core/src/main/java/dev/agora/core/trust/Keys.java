package dev.agora.core.trust;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * An authority's Ed25519 key pair on disk, in the PEM forms OpenSSL reads and writes ({@code
 * openssl pkey -in acme.key -pubout} gives {@code acme.pub}): the private key as PKCS #8 ({@code
 * BEGIN PRIVATE KEY}), readable by its owner only, the public key as X.509 SubjectPublicKeyInfo
 * ({@code BEGIN PUBLIC KEY}). The JDK does the cryptography.
 */
public final class Keys {

  public static final String ALGORITHM = "Ed25519";
  private static final String PRIVATE = "PRIVATE KEY";
  private static final String PUBLIC = "PUBLIC KEY";

  private Keys() {}

  /** The two files {@link #generate} wrote. */
  public record Written(Path privateKey, Path publicKey) {}

  /**
   * Writes a new key pair as {@code DIR/NAME.key} (mode 0600) and {@code DIR/NAME.pub}; never
   * replaces an existing file.
   */
  public static Written generate(Path dir, String name) throws IOException {
    KeyPair pair;
    try {
      pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new TrustException("this JDK cannot make " + ALGORITHM + " keys", e);
    }
    Files.createDirectories(dir);
    Path priv = dir.resolve(name + ".key");
    Path pub = dir.resolve(name + ".pub");
    for (Path p : new Path[] {priv, pub}) {
      if (Files.exists(p)) {
        throw new FileAlreadyExistsException(p + " (a key is never replaced; choose another name)");
      }
    }
    Path created;
    try {
      created =
          Files.createFile(
              priv,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) { // not a POSIX file system
      created = Files.createFile(priv);
    }
    Files.writeString(created, pem(PRIVATE, pair.getPrivate().getEncoded()));
    Files.writeString(pub, pem(PUBLIC, pair.getPublic().getEncoded()));
    return new Written(priv, pub);
  }

  /** Reads a PKCS #8 PEM Ed25519 private key. */
  public static PrivateKey readPrivate(Path file) {
    byte[] der = der(file, PRIVATE);
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new TrustException(file + ": not an " + ALGORITHM + " private key");
    }
  }

  /** Reads an X.509 PEM Ed25519 public key. */
  public static PublicKey readPublic(Path file) {
    byte[] der = der(file, PUBLIC);
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new TrustException(file + ": not an " + ALGORITHM + " public key");
    }
  }

  private static String pem(String label, byte[] der) {
    return "-----BEGIN "
        + label
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + label
        + "-----\n";
  }

  private static byte[] der(Path file, String label) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new TrustException(file + ": cannot read the key file (" + e.getMessage() + ")", e);
    }
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    if (from < 0 || to < from) {
      throw new TrustException(file + ": expected a PEM block '" + begin + "'");
    }
    try {
      return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
    } catch (IllegalArgumentException e) {
      throw new TrustException(file + ": the PEM block is not valid base64");
    }
  }
}
