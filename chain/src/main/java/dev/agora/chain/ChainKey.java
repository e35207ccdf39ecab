package dev.agora.chain;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * A node's Ed25519 signing key for checkpoints, in the signed-note key format of C2SP / Go's {@code
 * golang.org/x/mod/sumdb/note}: the private key file holds {@code
 * PRIVATE+KEY+<name>+<hash>+<base64(0x01 || seed)>}, the public one the verifier key {@code
 * <name>+<hash>+<base64(0x01 || public key)>} ({@link VerifierKey}).
 *
 * <p>Created on first start in the data directory ({@code chain-key}, readable by its owner only,
 * and {@code chain-key.pub}); the private half never leaves that file — not in logs, errors or the
 * chain.
 */
public final class ChainKey {

  public static final String PRIVATE_FILE = "chain-key";
  public static final String PUBLIC_FILE = "chain-key.pub";

  private final String name;
  private final KeyPair pair;
  private final Ed25519.SigningKey signing;
  private final VerifierKey verifier;

  private ChainKey(String name, byte[] seed) {
    this.name = VerifierKey.checkName(name);
    this.signing = Ed25519.signingKey(seed);
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
      g.initialize(
          NamedParameterSpec.ED25519,
          new FixedSeed(seed)); // Ed25519 derives the pair from its 32-byte seed
      this.pair = g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot make Ed25519 keys", e);
    }
    byte[] x509 = pair.getPublic().getEncoded();
    this.verifier = new VerifierKey(name, Arrays.copyOfRange(x509, x509.length - 32, x509.length));
  }

  /** A new random key called {@code name}. */
  public static ChainKey generate(String name) {
    byte[] seed = new byte[32];
    new SecureRandom().nextBytes(seed);
    return new ChainKey(name, seed);
  }

  /** Reads a {@code PRIVATE+KEY+…} line. */
  public static ChainKey parse(String text) {
    String[] parts = text.strip().split("\\+", 5);
    if (parts.length != 5 || !parts[0].equals("PRIVATE") || !parts[1].equals("KEY")) {
      throw new ChainFormatException("not a signing key: expected PRIVATE+KEY+<name>+<hash>+<key>");
    }
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(parts[4]);
    } catch (IllegalArgumentException e) {
      throw new ChainFormatException("signing key is not valid base64");
    }
    if (raw.length != 33 || raw[0] != VerifierKey.ED25519) {
      throw new ChainFormatException(
          "signing key is not an Ed25519 key (algorithm byte 0x01 and 32 bytes)");
    }
    ChainKey key = new ChainKey(parts[2], Arrays.copyOfRange(raw, 1, 33));
    if (!key.verifier.hashHex().equals(parts[3])) {
      throw new ChainFormatException("signing key hash " + parts[3] + " does not match the key");
    }
    return key;
  }

  /**
   * The key in {@code dir}, created (with a name from {@code defaultName}) if there is none yet.
   * Creation is atomic and never replaces a key: processes starting together on a new data
   * directory all end up with the one key whoever wrote first (each writes a complete file under a
   * private name and hard-links it into place, which fails if the name is taken). A public file
   * that does not match the private one is an error, not silently replaced; a public file without
   * its private key is refused rather than replaced by a new key.
   */
  public static ChainKey loadOrCreate(Path dir, String defaultName) throws IOException {
    Path priv = dir.resolve(PRIVATE_FILE);
    Path pub = dir.resolve(PUBLIC_FILE);
    if (!Files.exists(priv)) {
      // pub is always placed after priv, so a pub seen before priv's absence means priv is gone
      if (Files.exists(pub) && !Files.exists(priv)) {
        throw new ChainFormatException(
            pub
                + " exists but "
                + priv
                + " does not: the node's signing key is missing; restore it (or move "
                + PUBLIC_FILE
                + " away to start the log's signatures with a new key)");
      }
      Files.createDirectories(dir);
      placeOnce(priv, generate(defaultName).encoded(), true); // lost the race: read the winner
    }
    ChainKey key;
    try {
      key = parse(Files.readString(priv, StandardCharsets.UTF_8));
    } catch (ChainFormatException e) {
      throw new ChainFormatException(priv + ": " + e.getMessage());
    }
    if (!Files.exists(pub)) {
      placeOnce(pub, key.verifier.encoded(), false);
    }
    if (!Files.readString(pub, StandardCharsets.UTF_8).strip().equals(key.verifier.encoded())) {
      throw new ChainFormatException(pub + " does not belong to " + priv);
    }
    return key;
  }

  /**
   * The node's verifier key from {@code dir}, for checking a stored log: read, never created. A
   * missing public file, or one that does not belong to the private key beside it, is a {@link
   * ChainFormatException} saying so — verifying with a key made up on the spot would prove nothing.
   * The private file is only compared when present and readable (an auditor may have only the
   * public half).
   */
  public static VerifierKey readVerifier(Path dir) throws IOException {
    Path pub = dir.resolve(PUBLIC_FILE);
    Path priv = dir.resolve(PRIVATE_FILE);
    if (!Files.isRegularFile(pub)) {
      throw new ChainFormatException(
          "no node key: "
              + pub
              + " does not exist; verification needs the public key of the node that signed the"
              + " log (copy its "
              + PUBLIC_FILE
              + " into the data directory)");
    }
    VerifierKey key;
    try {
      key = VerifierKey.parse(Files.readString(pub, StandardCharsets.UTF_8));
    } catch (ChainFormatException e) {
      throw new ChainFormatException(pub + ": " + e.getMessage());
    }
    if (Files.isReadable(priv)) {
      ChainKey signing;
      try {
        signing = parse(Files.readString(priv, StandardCharsets.UTF_8));
      } catch (ChainFormatException e) {
        throw new ChainFormatException(priv + ": " + e.getMessage());
      }
      if (!signing.verifier.encoded().equals(key.encoded())) {
        throw new ChainFormatException(pub + " does not belong to " + priv);
      }
    }
    return key;
  }

  /**
   * Writes {@code line} to {@code target} unless it exists, atomically: readers see no file or the
   * whole file, and of racing writers exactly one succeeds (a hard link, unlike a rename, never
   * replaces). Without hard links, the file is created exclusively and then written.
   */
  private static void placeOnce(Path target, String line, boolean ownerOnly) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp =
        ownerOnly
            ? createOwnerOnly(dir, target.getFileName() + ".")
            : Files.createTempFile(dir, target.getFileName() + ".", ".tmp");
    try {
      Files.writeString(tmp, line + "\n", StandardCharsets.UTF_8);
      try {
        Files.createLink(target, tmp);
      } catch (FileAlreadyExistsException lost) {
        // another process placed it first: theirs is the one
      } catch (UnsupportedOperationException | FileSystemException noLinks) {
        try { // a file system without hard links
          Files.writeString(
              target,
              line + "\n",
              StandardCharsets.UTF_8,
              StandardOpenOption.CREATE_NEW,
              StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException lost) {
          // another process placed it first
        }
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static Path createOwnerOnly(Path dir, String prefix) throws IOException {
    try {
      return Files.createTempFile(
          dir,
          prefix,
          ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      return Files.createTempFile(dir, prefix, ".tmp"); // not a POSIX file system
    }
  }

  public String name() {
    return name;
  }

  public VerifierKey verifier() {
    return verifier;
  }

  /** An Ed25519 signature of {@code message}. */
  public byte[] sign(byte[] message) {
    return signing.sign(message);
  }

  private String encoded() {
    byte[] x = pair.getPrivate().getEncoded(); // PKCS#8: the seed is the last 32 bytes
    byte[] raw = new byte[33];
    raw[0] = VerifierKey.ED25519;
    System.arraycopy(x, x.length - 32, raw, 1, 32);
    return "PRIVATE+KEY+"
        + name
        + "+"
        + verifier.hashHex()
        + "+"
        + Base64.getEncoder().encodeToString(raw);
  }

  @Override
  public String toString() {
    return "ChainKey[" + verifier.encoded() + "]"; // never the private half
  }

  /**
   * A SecureRandom that hands out one given seed: how the JDK's generator derives a pair from a
   * stored seed.
   */
  private static final class FixedSeed extends SecureRandom {
    private final byte[] seed;

    FixedSeed(byte[] seed) {
      this.seed = seed.clone();
    }

    @Override
    public void nextBytes(byte[] bytes) {
      System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
    }
  }
}
