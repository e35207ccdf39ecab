package dev.agora.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventType;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Reading the chain when the store holds odd or damaged data. */
class CausalChainTest {

  private final ChainKey key = ChainKey.generate("causal-chain-test");
  private final List<String> log = new ArrayList<>();

  private Ledger ledger(ChainStore store) {
    return new Ledger(
        store,
        key,
        new Ledger.Settings(Ledger.Durability.DURABLE, Recording.DEFAULT, 0, 64),
        log::add);
  }

  private static Entry entry(String id, String parent, long index) {
    Event e = Event.of(id, EventType.PlanStepStarted, Samples.T0, parent, "p", "test");
    byte[] body = Canonical.encode(e);
    return new Entry(index, body, Hashes.leaf(body), Hashes.GENESIS, Entry.Columns.of(e));
  }

  @Test
  void aForestKeepsTheFirstOfRepeatedIdsAndMakesSelfParentsRoots() {
    Entry a = entry("a", null, 0);
    Entry b = entry("b", "a", 1);
    Entry again = entry("a", null, 2);
    Entry self = entry("s", "s", 3);
    Entry orphan = entry("o", "missing", 4);
    List<CausalChain.Node> roots = CausalChain.forest(List.of(a, b, again, self, orphan));
    assertThat(roots).extracting(n -> n.entry().index()).containsExactly(0L, 3L, 4L);
    assertThat(roots.getFirst().children()).extracting(n -> n.action().id()).containsExactly("b");
  }

  @Test
  void unreadableCheckpointsMakeABadReport() {
    MemoryChainStore inner = new MemoryChainStore();
    Ledger ledger = ledger(inner);
    ledger.append(Samples.random(new SplittableRandom(1), 0));
    AtomicBoolean broken = new AtomicBoolean();
    ChainStore store =
        new ForwardingChainStore(inner) {
          @Override
          public List<Checkpoint> checkpoints() {
            if (broken.get()) {
              throw new ChainFormatException("line 3: not a signature");
            }
            return inner.checkpoints();
          }
        };
    CausalChain chain = new CausalChain(ledger(store), List.of());
    broken.set(true); // after the ledger has read the checkpoints it starts from
    Verifier.Report r = chain.verify();
    assertThat(r.ok()).isFalse();
    assertThat(r.reason())
        .isEqualTo("a stored checkpoint is not a valid signed note: line 3: not a signature");
  }

  @Test
  void aCorruptHeadIsBlamedOnlyWhenTheEntriesAreSound() {
    MemoryChainStore inner = new MemoryChainStore();
    Ledger writer = ledger(inner);
    SplittableRandom r = new SplittableRandom(2);
    for (int i = 0; i < 3; i++) {
      writer.append(Samples.random(r, i));
    }
    ChainStore badHead =
        new ForwardingChainStore(inner) {
          @Override
          public ChainHead head() {
            throw new ChainFormatException("head hash is 3 bytes");
          }
        };
    Verifier.Report report = new CausalChain(writer, List.of()).verify();
    assertThat(report.ok()).isTrue();
    Ledger reader = new Ledger(badHead, key, Ledger.Settings.DEFAULT, log::add);
    Verifier.Report blamed = new CausalChain(reader, List.of()).verify();
    assertThat(blamed.ok()).isFalse();
    assertThat(blamed.reason()).isEqualTo("the stored chain head is corrupt: head hash is 3 bytes");
    assertThat(blamed.size()).isEqualTo(3);

    ChainStore badHeadAndEntry =
        new ForwardingChainStore(badHead) {
          @Override
          public void scan(long from, long to, Consumer<Entry> each) {
            inner.scan(
                from,
                to,
                e ->
                    each.accept(
                        e.index() == 1
                            ? new Entry(
                                e.index(), e.body(), e.leafHash(), Hashes.GENESIS, e.columns())
                            : e));
          }
        };
    Verifier.Report entryBlamed =
        new CausalChain(
                new Ledger(badHeadAndEntry, key, Ledger.Settings.DEFAULT, log::add), List.of())
            .verify();
    assertThat(entryBlamed.ok()).isFalse();
    assertThat(entryBlamed.reason()).doesNotContain("head is corrupt");
  }

  @Test
  void proofsNameWhatIsMissing() {
    Ledger ledger = ledger(new MemoryChainStore());
    ledger.append(Samples.random(new SplittableRandom(3), 0));
    CausalChain chain = new CausalChain(ledger, List.of());
    assertThatThrownBy(() -> chain.prove("nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no action 'nope' in the chain");
    assertThatThrownBy(() -> chain.consistency(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("size -1 is not within the log of 1 entries");
    assertThatThrownBy(() -> chain.consistency(2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("size 2 is not within the log of 1 entries");
    assertThat(chain.consistency(1).verify()).isTrue();
  }
}
