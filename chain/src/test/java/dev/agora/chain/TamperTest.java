package dev.agora.chain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.rtfs.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * 1,000 seeded random tamperings of a stored log, each of the kinds an attacker with write access
 * to the store could make; every one must be detected, at the right first index.
 */
class TamperTest {

  private static final int SIZE = 200;
  private static final int EVERY = 50;

  /** A log of SIZE entries with checkpoints every EVERY entries and at the end. */
  private record Log(
      List<Entry> entries, ChainHead head, List<Checkpoint> checkpoints, VerifierKey key) {}

  private static Log build(long seed) {
    MemoryChainStore store = new MemoryChainStore();
    ChainKey key = ChainKey.generate("tamper-test");
    Ledger ledger =
        new Ledger(
            store,
            key,
            new Ledger.Settings(Ledger.Durability.DURABLE, Recording.DEFAULT, EVERY, 64),
            m -> {});
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < SIZE; i++) {
      ledger.accept(Samples.random(r, i));
    }
    ledger.close();
    List<Entry> entries = new ArrayList<>();
    store.scan(0, Long.MAX_VALUE, entries::add);
    return new Log(entries, store.head(), store.checkpoints(), key.verifier());
  }

  private static Verifier.Report verify(
      List<Entry> entries, ChainHead head, List<Checkpoint> cps, VerifierKey key) {
    return new Verifier(List.of(key), null).verify(entries::forEach, head, cps);
  }

  @Test
  void anUntouchedLogVerifies() {
    Log log = build(1);
    Verifier.Report r = verify(log.entries, log.head, log.checkpoints, log.key);
    assertThat(r.ok()).as(r.toString()).isTrue();
    assertThat(r.size()).isEqualTo(SIZE);
    assertThat(r.checkpoints()).isEqualTo(SIZE / EVERY);
    assertThat(r.root()).isEqualTo(log.head.root());
  }

  @Test
  void everyRandomTamperingIsDetectedAtTheRightFirstIndex() {
    long seed = System.nanoTime();
    System.out.println("TamperTest seed " + seed);
    SplittableRandom r = new SplittableRandom(seed);
    Log log = build(seed);
    int[] kinds = new int[11];
    for (int round = 0; round < 1_000; round++) {
      List<Entry> e = new ArrayList<>(log.entries);
      ChainHead head = log.head;
      List<Checkpoint> cps = new ArrayList<>(log.checkpoints);
      int i = r.nextInt(SIZE);
      int kind = r.nextInt(kinds.length);
      kinds[kind]++;
      long expected = i;
      String what;
      switch (kind) {
        case 0 -> { // flip one byte of a body
          Entry x = e.get(i);
          byte[] body = x.body().clone();
          body[r.nextInt(body.length)] ^= (byte) (1 + r.nextInt(255));
          e.set(i, new Entry(i, body, x.leafHash(), x.chainHash(), x.columns()));
          what = "byte flipped";
        }
        case 1 -> { // change a body and its stored leaf hash
          Entry x = e.get(i);
          byte[] body = Canonical.encode(x.action().withArguments(Value.of("forged " + round)));
          e.set(
              i,
              new Entry(
                  i,
                  body,
                  Hashes.leaf(body),
                  x.chainHash(),
                  Entry.Columns.of(Canonical.header(body))));
          what = "body and leaf replaced";
        }
        case 2 -> { // change an index column only
          Entry x = e.get(i);
          Entry.Columns c = x.columns();
          e.set(
              i,
              new Entry(
                  i,
                  x.body(),
                  x.leafHash(),
                  x.chainHash(),
                  new Entry.Columns(
                      c.actionId(),
                      c.type(),
                      c.parentId(),
                      "other-plan",
                      c.capabilityId(),
                      c.caller(),
                      c.timeNanos())));
          what = "column changed";
        }
        case 3 -> { // delete a row
          e.remove(i);
          what = "row deleted";
        }
        case 4 -> { // delete a row and renumber the rest
          e.remove(i);
          renumber(e, i);
          what = "row deleted and renumbered";
        }
        case 5 -> { // insert a copy of another entry, renumbering
          int j = (i + 1 + r.nextInt(SIZE - 1)) % SIZE;
          e.add(i, e.get(j));
          renumber(e, i);
          head = null; // the head would then claim one entry less; check the entries alone
          what = "copy of " + j + " inserted";
        }
        case 6 -> { // a second row with the same index
          e.add(i + 1, e.get(i));
          what = "row duplicated";
        }
        case 7 -> { // swap two entries' contents
          int j = (i + 1 + r.nextInt(SIZE - 1)) % SIZE;
          int lo = Math.min(i, j);
          int hi = Math.max(i, j);
          Entry a = e.get(lo);
          Entry b = e.get(hi);
          e.set(lo, new Entry(lo, b.body(), b.leafHash(), b.chainHash(), b.columns()));
          e.set(hi, new Entry(hi, a.body(), a.leafHash(), a.chainHash(), a.columns()));
          expected = lo;
          what = "swapped with " + j;
        }
        case 8 -> { // truncate and rewrite the head to match: only the checkpoints know
          List<Entry> kept = new ArrayList<>(e.subList(0, i));
          e = kept;
          head = headOf(kept);
          what = "truncated with a consistent head";
        }
        case 9 -> { // rewrite one entry and recompute every hash after it, and the head
          Entry x = e.get(i);
          byte[] body = Canonical.encode(x.action().withArguments(Value.of("rewritten")));
          e.set(
              i,
              new Entry(
                  i,
                  body,
                  Hashes.leaf(body),
                  x.chainHash(),
                  Entry.Columns.of(Canonical.header(body))));
          e = rehash(e);
          head = headOf(e);
          expected =
              (i / EVERY)
                  * EVERY; // the last checkpoint before the change is the earliest bad one can be
          // told
          what = "consistently rewritten";
        }
        default -> { // forge a checkpoint's size
          int k = r.nextInt(cps.size());
          Checkpoint c = cps.get(k);
          cps.set(k, new Checkpoint(c.origin(), c.size() - 1, c.root(), c.signatures()));
          expected = k == 0 ? 0 : cps.get(k - 1).size();
          what = "checkpoint " + k + " forged";
        }
      }
      Verifier.Report rep = verify(e, head, cps, log.key);
      assertThat(rep.ok()).as("round %d: %s at %d went unnoticed", round, what, i).isFalse();
      assertThat(rep.firstBad())
          .as("round %d: %s at %d: %s", round, what, i, rep.reason())
          .isEqualTo(expected);
    }
    for (int count : kinds) {
      assertThat(count).as("every kind was tried").isPositive();
    }
  }

  private static void renumber(List<Entry> e, int from) {
    for (int k = from; k < e.size(); k++) {
      Entry x = e.get(k);
      e.set(k, new Entry(k, x.body(), x.leafHash(), x.chainHash(), x.columns()));
    }
  }

  private static List<Entry> rehash(List<Entry> e) {
    List<ChainHead.Pending> pending = new ArrayList<>();
    for (Entry x : e) {
      pending.add(new ChainHead.Pending(x.body(), Hashes.leaf(x.body()), x.columns()));
    }
    return new ArrayList<>(ChainHead.EMPTY.extend(pending).entries());
  }

  private static ChainHead headOf(List<Entry> e) {
    List<ChainHead.Pending> pending = new ArrayList<>();
    for (Entry x : e) {
      pending.add(new ChainHead.Pending(x.body(), x.leafHash(), x.columns()));
    }
    return ChainHead.EMPTY.extend(pending).head();
  }

  @Test
  void theReportSaysWhatIsWrong() {
    Log log = build(3);
    List<Entry> e = new ArrayList<>(log.entries);
    e.remove(17);
    assertThat(verify(e, log.head, log.checkpoints, log.key).reason())
        .isEqualTo("entry 17 is missing (the next stored entry is 18)");
  }
}
