package dev.agora.chain;

import java.util.ArrayList;
import java.util.List;

/**
 * The end of the log: how many entries it has, the last chain hash and the Merkle tree's right
 * edge. Everything needed to append without reading the entries, kept by a store in one row.
 */
public record ChainHead(long size, byte[] chainHash, CompactRange range) {

  public static final ChainHead EMPTY = new ChainHead(0, Hashes.GENESIS, CompactRange.EMPTY);

  public ChainHead {
    if (range.size() != size) {
      throw new ChainFormatException(
          "chain head of size " + size + " has a Merkle range of size " + range.size());
    }
  }

  /** The Merkle root of the log so far. */
  public byte[] root() {
    return range.root();
  }

  /** Entries ready to be stored: an action's bytes and leaf hash, hashed on the caller's thread. */
  public record Pending(byte[] body, byte[] leafHash, Entry.Columns columns) {}

  /** The entries a batch becomes after this head, and the head after them. */
  public record Extension(List<Entry> entries, ChainHead head) {}

  /**
   * Numbers and links {@code batch} after this head: the one step every store runs inside its write
   * lock.
   */
  public Extension extend(List<Pending> batch) {
    List<Entry> out = new ArrayList<>(batch.size());
    long index = size;
    byte[] link = chainHash;
    CompactRange r = range;
    for (Pending p : batch) {
      link = Hashes.link(link, p.leafHash());
      r = r.append(p.leafHash());
      out.add(new Entry(index++, p.body(), p.leafHash(), link, p.columns()));
    }
    return new Extension(out, new ChainHead(index, link, r));
  }
}
