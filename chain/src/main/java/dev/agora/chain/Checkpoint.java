package dev.agora.chain;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * A signed statement "the log {@code origin} has {@code size} entries and Merkle root {@code
 * root}", as a C2SP tlog-checkpoint signed note:
 *
 * <pre>
 *   agora.local/3f9a1c0e5b7d2e41          origin: the log's identity
 *   1042                                  tree size, decimal
 *   Wb5uJ3m…=                             root hash, base64
 *                                         blank line
 *   — agora-node-1c2d 7xK…=               "— " signer name, base64(4-byte key id || Ed25519 signature of the body)
 * </pre>
 *
 * Any C2SP/sumdb note verifier with the node's {@link VerifierKey} can check it.
 */
public record Checkpoint(String origin, long size, byte[] root, List<Sig> signatures) {

  /** One signature line. */
  public record Sig(String name, byte[] keyHash, byte[] signature) {

    /** {@code <name> <base64(4-byte key id || signature)>}: a signature line without its dash. */
    public String text() {
      byte[] blob = Arrays.copyOf(keyHash, 4 + signature.length);
      System.arraycopy(signature, 0, blob, 4, signature.length);
      return name + " " + Base64.getEncoder().encodeToString(blob);
    }

    /** Reads {@link #text}; null when {@code text} is not of that form. */
    public static Sig parse(String text) {
      String[] parts = text.split(" ");
      byte[] blob;
      try {
        blob = parts.length == 2 ? Base64.getDecoder().decode(parts[1]) : null;
      } catch (IllegalArgumentException e) {
        blob = null;
      }
      return blob == null || blob.length < 5
          ? null
          : new Sig(parts[0], Arrays.copyOf(blob, 4), Arrays.copyOfRange(blob, 4, blob.length));
    }
  }

  private static final String DASH = "\u2014 ";

  public Checkpoint {
    if (origin.isEmpty() || origin.contains("\n")) {
      throw new ChainFormatException("checkpoint origin must be one non-empty line");
    }
    if (size < 0 || root.length != 32) {
      throw new ChainFormatException("checkpoint needs a size ≥ 0 and a 32-byte root");
    }
    signatures = List.copyOf(signatures);
  }

  /** A checkpoint signed by {@code key}. */
  public static Checkpoint sign(String origin, long size, byte[] root, ChainKey key) {
    return new Checkpoint(origin, size, root, List.of()).cosign(key);
  }

  /** This checkpoint with one more signature. */
  public Checkpoint cosign(ChainKey key) {
    List<Sig> sigs = new ArrayList<>(signatures);
    sigs.add(
        new Sig(
            key.name(), key.verifier().hash(), key.sign(body().getBytes(StandardCharsets.UTF_8))));
    return new Checkpoint(origin, size, root, sigs);
  }

  /** The signed text: origin, size and root, one per line. */
  public String body() {
    return origin + "\n" + size + "\n" + Base64.getEncoder().encodeToString(root) + "\n";
  }

  /** The whole note: body, blank line, signature lines. */
  public String note() {
    StringBuilder sb = new StringBuilder(body()).append('\n');
    for (Sig s : signatures) {
      sb.append(DASH).append(s.text()).append('\n');
    }
    return sb.toString();
  }

  /**
   * Whether {@code key} signed this checkpoint (a signature with its name and key id that
   * verifies).
   */
  public boolean signedBy(VerifierKey key) {
    byte[] message = body().getBytes(StandardCharsets.UTF_8);
    for (Sig s : signatures) {
      if (s.name.equals(key.name())
          && Arrays.equals(s.keyHash, key.hash())
          && key.verify(message, s.signature)) {
        return true;
      }
    }
    return false;
  }

  /** Reads a note; a malformed one is a {@link ChainFormatException} naming the line. */
  public static Checkpoint parse(String note) {
    int split = note.indexOf("\n\n");
    if (split < 0 || !note.endsWith("\n")) {
      throw new ChainFormatException(
          "a checkpoint note is a body, a blank line and signature lines, each ending in a newline");
    }
    String[] body = note.substring(0, split + 1).split("\n");
    if (body.length < 3) {
      throw new ChainFormatException(
          "checkpoint body needs origin, size and root lines, found " + body.length + " lines");
    }
    long size;
    if (!body[1].matches("0|[1-9][0-9]{0,18}")) {
      throw new ChainFormatException("line 2: tree size '" + body[1] + "' is not a decimal number");
    }
    try {
      size = Long.parseLong(body[1]);
    } catch (NumberFormatException e) { // 19 digits can exceed a long
      throw new ChainFormatException("line 2: tree size '" + body[1] + "' is too large");
    }
    byte[] root;
    try {
      root = Base64.getDecoder().decode(body[2]);
    } catch (IllegalArgumentException e) {
      throw new ChainFormatException("line 3: root hash is not valid base64");
    }
    if (root.length != 32) {
      throw new ChainFormatException("line 3: root hash must be 32 bytes, got " + root.length);
    }
    List<Sig> sigs = new ArrayList<>();
    String[] lines = note.substring(split + 2).split("\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int where = body.length + 2 + i;
      if (!line.startsWith(DASH)) {
        throw new ChainFormatException("line " + where + ": a signature line starts with '— '");
      }
      Sig sig = Sig.parse(line.substring(DASH.length()));
      if (sig == null) {
        throw new ChainFormatException(
            "line " + where + ": expected '— <name> <base64 key id and signature>'");
      }
      sigs.add(sig);
    }
    if (sigs.isEmpty()) {
      throw new ChainFormatException("checkpoint has no signature");
    }
    return new Checkpoint(body[0], size, root, sigs);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Checkpoint c && c.note().equals(note());
  }

  @Override
  public int hashCode() {
    return note().hashCode();
  }

  @Override
  public String toString() {
    return note();
  }
}
