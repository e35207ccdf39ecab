package dev.agora.chain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * Checks a log from its stored entries, head and checkpoints alone — no trust in the store. Reads
 * the entries once, in order, keeping only the running chain hash and Merkle range, and stops at
 * the first problem:
 *
 * <ul>
 *   <li>an index missing or stored twice (deletion, insertion);
 *   <li>bytes that are not a well-formed entry (a torn or corrupted write);
 *   <li>an index column that disagrees with the entry's bytes (a query would lie);
 *   <li>a leaf or chain hash that disagrees with the bytes (a change, insertion or reordering);
 *   <li>a checkpoint whose root is not the Merkle root of that prefix, or whose signature fails;
 *   <li>a head that claims more or fewer entries, or another last hash, than are stored
 *       (truncation).
 * </ul>
 *
 * A log rewritten consistently — every hash recomputed — passes the entry checks; a checkpoint
 * signed before the rewrite still catches it, and the report names the range between the last good
 * checkpoint and the bad one.
 */
public final class Verifier {

  /**
   * The outcome.
   *
   * @param size entries checked and found good (the bad index when not ok)
   * @param firstBad the first index found bad, or -1
   * @param checkpoints checkpoints whose root and signature were verified
   * @param unsigned checkpoints whose roots match but that no trusted key signed
   */
  public record Report(
      boolean ok,
      long size,
      long firstBad,
      String reason,
      int checkpoints,
      int unsigned,
      byte[] root) {

    public static Report bad(long index, String reason, int checkpoints) {
      return new Report(false, index, index, reason, checkpoints, 0, null);
    }

    @Override
    public String toString() {
      return ok
          ? "ok: "
              + size
              + " entries, "
              + checkpoints
              + " checkpoints verified"
              + (unsigned > 0 ? " (" + unsigned + " signed by unknown keys)" : "")
          : "BAD at entry " + firstBad + ": " + reason;
    }
  }

  /** A stop signal carrying the first problem out of the scan callback. */
  private static final class Bad extends RuntimeException {
    final long index;

    Bad(long index, String reason) {
      super(reason, null, false, false);
      this.index = index;
    }
  }

  /** The source of stored entries: a store's scan, an export file, a list in a test. */
  @FunctionalInterface
  public interface Entries {
    void forEach(Consumer<Entry> each);
  }

  private final List<VerifierKey> trusted;
  private final String origin;

  /**
   * {@code trusted}: whose checkpoint signatures count; {@code origin}: the log's name (null: any).
   */
  public Verifier(List<VerifierKey> trusted, String origin) {
    this.trusted = List.copyOf(trusted);
    this.origin = origin;
  }

  public Report verify(Entries entries, ChainHead head, List<Checkpoint> checkpoints) {
    List<Checkpoint> cps = new ArrayList<>(checkpoints);
    cps.sort(Comparator.comparingLong(Checkpoint::size));
    State s = new State(cps);
    try {
      s.checkpointsAt(0);
      entries.forEach(s::accept);
      s.flush();
      if (head != null) {
        if (head.size() > s.expected) {
          throw new Bad(
              s.expected,
              "the head says the log has "
                  + head.size()
                  + " entries but only "
                  + s.expected
                  + " are stored: entries from "
                  + s.expected
                  + " on were deleted");
        }
        if (head.size() < s.expected) {
          throw new Bad(
              head.size(),
              "the head says the log has "
                  + head.size()
                  + " entries but "
                  + s.expected
                  + " are stored");
        }
        if (!Arrays.equals(head.chainHash(), s.link)) {
          throw new Bad(
              Math.max(0, s.expected - 1), "the head's chain hash is not the last entry's");
        }
      }
      if (s.next < cps.size()) {
        Checkpoint c = cps.get(s.next);
        throw new Bad(
            s.expected,
            "a checkpoint covers "
                + c.size()
                + " entries but only "
                + s.expected
                + " are stored: entries from "
                + s.expected
                + " on were deleted");
      }
    } catch (Bad b) {
      return Report.bad(b.index, b.getMessage(), s.verified);
    }
    return new Report(true, s.expected, -1, null, s.verified, s.unsigned, s.range.root());
  }

  private final class State {
    final List<Checkpoint> cps;
    long expected;
    byte[] link = Hashes.GENESIS;
    CompactRange range = CompactRange.EMPTY;
    int next;
    int verified;
    int unsigned;
    long lastGood;

    State(List<Checkpoint> cps) {
      this.cps = cps;
    }

    /**
     * Entries wait in chunks: their independent checks run on all cores, then the chain is walked
     * in order.
     */
    private static final int CHUNK = 4096;

    private final List<Entry> chunk = new ArrayList<>(CHUNK);

    void accept(Entry e) {
      chunk.add(e);
      if (chunk.size() == CHUNK) {
        flush();
      }
    }

    /**
     * What can be checked of one entry alone: its bytes decode, its columns agree, its leaf hash.
     */
    private record Alone(String problem, byte[] leaf) {}

    private static Alone alone(Entry e) {
      if (e.columns() != null && Canonical.headerMatches(e.body(), e.columns())) {
        return new Alone(null, Hashes.leaf(e.body()));
      }
      Canonical.Header h;
      try {
        h = Canonical.header(e.body());
      } catch (ChainFormatException x) {
        return new Alone("the entry's bytes are not a valid action: " + x.getMessage(), null);
      }
      String column = e.columns() == null ? null : e.columns().difference(Entry.Columns.of(h));
      return new Alone(column, Hashes.leaf(e.body()));
    }

    void flush() {
      int n = chunk.size();
      Alone[] alone = new Alone[n];
      IntStream range = IntStream.range(0, n);
      (n >= 256 ? range.parallel() : range).forEach(k -> alone[k] = alone(chunk.get(k)));
      for (int k = 0; k < n; k++) {
        inOrder(chunk.get(k), alone[k]);
      }
      chunk.clear();
    }

    private void inOrder(Entry e, Alone a) {
      long i = expected;
      if (e.index() != i) {
        throw e.index() > i
            ? new Bad(i, "entry " + i + " is missing (the next stored entry is " + e.index() + ")")
            : new Bad(e.index(), "entry " + e.index() + " is stored more than once");
      }
      if (a.problem() != null) {
        throw new Bad(i, a.problem());
      }
      byte[] leaf = a.leaf();
      if (!Arrays.equals(leaf, e.leafHash())) {
        throw new Bad(
            i, "the stored leaf hash does not match the entry's bytes: the entry was changed");
      }
      byte[] l = Hashes.link(link, leaf);
      if (!Arrays.equals(l, e.chainHash())) {
        throw new Bad(
            i,
            "the chain hash does not match: the entry or its place in the log was changed "
                + "(changed, inserted, deleted or reordered entries)");
      }
      link = l;
      range = range.append(leaf);
      expected = i + 1;
      checkpointsAt(expected);
    }

    void checkpointsAt(long size) {
      while (next < cps.size() && cps.get(next).size() == size) {
        Checkpoint c = cps.get(next++);
        if (origin != null && !origin.equals(c.origin())) {
          throw new Bad(
              lastGood,
              "the checkpoint for " + size + " entries is for another log ('" + c.origin() + "')");
        }
        if (!Arrays.equals(c.root(), range.root())) {
          throw new Bad(
              lastGood,
              "the checkpoint for "
                  + size
                  + " entries does not match the stored log: an entry "
                  + "between "
                  + lastGood
                  + " and "
                  + (size - 1)
                  + " was rewritten (hashes recomputed)");
        }
        if (trusted.stream().anyMatch(c::signedBy)) {
          verified++;
        } else if (c.signatures().stream()
            .anyMatch(sig -> trusted.stream().anyMatch(k -> k.name().equals(sig.name())))) {
          throw new Bad(lastGood, "the checkpoint for " + size + " entries has a bad signature");
        } else {
          unsigned++;
        }
        lastGood = size;
      }
    }
  }
}
