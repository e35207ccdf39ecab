package dev.agora.chain;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * "This action is entry {@code index} of the log of size N with root R", checkable offline with the
 * node's verifier key. Written in the C2SP tlog-proof text form, carrying the entry's own bytes as
 * its extra data so the proof stands alone:
 *
 * <pre>
 *   c2sp.org/tlog-proof@v1
 *   extra &lt;base64 of the entry's canonical bytes&gt;
 *   index 41
 *   &lt;base64 proof hash&gt;            one per line, leaf side first
 *   …
 *                                   blank line
 *   &lt;the checkpoint note&gt;
 * </pre>
 */
public record InclusionProof(byte[] body, long index, List<byte[]> path, Checkpoint checkpoint) {

  private static final String HEADER = "c2sp.org/tlog-proof@v1";

  public InclusionProof {
    path = List.copyOf(path);
  }

  /** Whether the proof holds and {@code key} signed its checkpoint. */
  public boolean verify(VerifierKey key) {
    return checkpoint.signedBy(key)
        && Merkle.verifyInclusion(
            Hashes.leaf(body), index, checkpoint.size(), path, checkpoint.root());
  }

  public String text() {
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    sb.append("extra ").append(Base64.getEncoder().encodeToString(body)).append('\n');
    sb.append("index ").append(index).append('\n');
    for (byte[] h : path) {
      sb.append(Base64.getEncoder().encodeToString(h)).append('\n');
    }
    return sb.append('\n').append(checkpoint.note()).toString();
  }

  /** Reads the text form; malformed input is a {@link ChainFormatException} naming the line. */
  public static InclusionProof parse(String text) {
    int split = text.indexOf("\n\n");
    if (!text.startsWith(HEADER + "\n") || split < 0) {
      throw new ChainFormatException(
          "not a tlog proof: it starts with '" + HEADER + "' and a blank line ends the proof");
    }
    String[] lines = text.substring(0, split).split("\n");
    byte[] body = null;
    long index = -1;
    List<byte[]> path = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      try {
        if (line.startsWith("extra ") && body == null && index < 0) {
          body = Base64.getDecoder().decode(line.substring(6));
        } else if (line.startsWith("index ") && index < 0) {
          index = Long.parseLong(line.substring(6));
        } else if (index >= 0) {
          byte[] h = Base64.getDecoder().decode(line);
          if (h.length != 32) {
            throw new ChainFormatException(
                "line " + (i + 1) + ": a proof hash is 32 bytes, got " + h.length);
          }
          path.add(h);
        } else {
          throw new ChainFormatException("line " + (i + 1) + ": expected 'extra' or 'index'");
        }
      } catch (IllegalArgumentException e) {
        throw new ChainFormatException("line " + (i + 1) + ": " + e.getMessage());
      }
    }
    if (body == null || index < 0) {
      throw new ChainFormatException(
          "the proof needs an 'extra' line (the entry) and an 'index' line");
    }
    return new InclusionProof(body, index, path, Checkpoint.parse(text.substring(split + 2)));
  }
}
