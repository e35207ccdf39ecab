package dev.agora.chain;

import java.util.Arrays;

/**
 * The right edge of an RFC 6962 Merkle tree: the roots of the perfect subtrees that make up a tree
 * of {@code size} leaves (one per set bit of the size, largest first). Enough to append a leaf and
 * to compute the root in O(log n) without keeping the leaves. Immutable.
 */
public final class CompactRange {

  public static final CompactRange EMPTY = new CompactRange(0, new byte[0][]);

  private final long size;
  private final byte[][] peaks;

  private CompactRange(long size, byte[][] peaks) {
    this.size = size;
    this.peaks = peaks;
  }

  public long size() {
    return size;
  }

  /** The range after appending a leaf hash. */
  public CompactRange append(byte[] leaf) {
    // The trailing one-bits of size are the perfect subtrees the new leaf completes.
    int merges = Long.numberOfTrailingZeros(~size);
    int keep = peaks.length - merges;
    byte[] h = leaf;
    for (int i = peaks.length - 1; i >= keep; i--) {
      h = Hashes.node(peaks[i], h);
    }
    byte[][] next = Arrays.copyOf(peaks, keep + 1);
    next[keep] = h;
    return new CompactRange(size + 1, next);
  }

  /** The Merkle tree hash of the leaves so far (SHA-256 of nothing for an empty tree). */
  public byte[] root() {
    if (peaks.length == 0) {
      return Hashes.sha256(new byte[0]);
    }
    byte[] r = peaks[peaks.length - 1];
    for (int i = peaks.length - 2; i >= 0; i--) {
      r = Hashes.node(peaks[i], r);
    }
    return r;
  }

  /** Size (8 bytes, big-endian) then the peaks: how a store keeps the range in its head row. */
  public byte[] toBytes() {
    byte[] out = new byte[8 + 32 * peaks.length];
    for (int i = 0; i < 8; i++) {
      out[i] = (byte) (size >>> (56 - 8 * i));
    }
    for (int i = 0; i < peaks.length; i++) {
      System.arraycopy(peaks[i], 0, out, 8 + 32 * i, 32);
    }
    return out;
  }

  public static CompactRange fromBytes(byte[] b) {
    if (b.length < 8) {
      throw new ChainFormatException("compact range shorter than its size field", b.length);
    }
    long size = 0;
    for (int i = 0; i < 8; i++) {
      size = (size << 8) | (b[i] & 0xff);
    }
    int n = Long.bitCount(size);
    if (size < 0 || b.length != 8 + 32 * n) {
      throw new ChainFormatException(
          "compact range of size "
              + size
              + " must hold "
              + n
              + " hashes, found "
              + (b.length - 8)
              + " bytes",
          8);
    }
    byte[][] peaks = new byte[n][];
    for (int i = 0; i < n; i++) {
      peaks[i] = Arrays.copyOfRange(b, 8 + 32 * i, 8 + 32 * (i + 1));
    }
    return new CompactRange(size, peaks);
  }
}
