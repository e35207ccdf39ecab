package dev.agora.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventSink;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Issue 13: a call's event is held and committed with its outcome, one commit per call. */
class OneCommitPerCallTest {

  private final ChainKey key = ChainKey.generate("one-commit-test");
  private final List<String> log = new ArrayList<>();
  private final SplittableRandom r = new SplittableRandom(13);

  /** Counts commits; fails them while {@link #failing} is set. */
  private static final class Counting extends ForwardingChainStore {
    final AtomicInteger commits = new AtomicInteger();
    final AtomicBoolean failing = new AtomicBoolean();

    Counting() {
      super(new MemoryChainStore());
    }

    @Override
    public ChainHead.Extension append(Function<ChainHead, ChainHead.Extension> extend) {
      if (failing.get()) {
        throw new IllegalStateException("the disk is full");
      }
      commits.incrementAndGet();
      return super.append(extend);
    }
  }

  private Ledger ledger(ChainStore store, Ledger.Durability d) {
    return new Ledger(store, key, new Ledger.Settings(d, Recording.DEFAULT, 0, 256), log::add);
  }

  private List<String> ids(ChainStore store) {
    List<String> ids = new ArrayList<>();
    store.scan(0, Long.MAX_VALUE, e -> ids.add(e.columns().actionId()));
    return ids;
  }

  @Test
  void aHeldEventIsWrittenFirstInTheCommitOfTheNextOne() {
    Counting store = new Counting();
    Ledger ledger = ledger(store, Ledger.Durability.DURABLE);
    Event call = Samples.random(r, 1);
    Event result = Samples.random(r, 2);
    ledger.acceptWithNext(call);
    assertThat(store.commits).hasValue(0);
    assertThat(store.head().size()).isZero();
    ledger.accept(result);
    assertThat(store.commits).hasValue(1);
    assertThat(ids(store)).containsExactly(call.id(), result.id());
    ledger.close(); // signs the checkpoint the audit checks
    assertThat(CausalChain.audit(store, ledger.origin(), List.of(key.verifier())).ok()).isTrue();
  }

  @Test
  void flushAndCloseWriteWhatIsHeld() {
    Counting store = new Counting();
    Ledger ledger = ledger(store, Ledger.Durability.DURABLE);
    ledger.flush(); // nothing held: no commit
    assertThat(store.commits).hasValue(0);
    Event a = Samples.random(r, 1);
    ledger.acceptWithNext(a);
    ledger.flush();
    assertThat(ids(store)).containsExactly(a.id());
    Event b = Samples.random(r, 2);
    ledger.acceptWithNext(b);
    ledger.close();
    assertThat(ids(store)).containsExactly(a.id(), b.id());
    assertThatThrownBy(() -> ledger.acceptWithNext(Samples.random(r, 3)))
        .isInstanceOf(Ledger.WriteFailed.class)
        .hasMessageContaining("the Causal Chain is closed");
  }

  @Test
  void heldEventsOfAFailedCommitAreHeldAgain() {
    Counting store = new Counting();
    Ledger ledger = ledger(store, Ledger.Durability.DURABLE);
    Event call = Samples.random(r, 1);
    ledger.acceptWithNext(call);
    store.failing.set(true);
    assertThatThrownBy(() -> ledger.accept(Samples.random(r, 2)))
        .isInstanceOf(Ledger.WriteFailed.class)
        .hasMessageContaining("could not store 2 entries: the disk is full");
    store.failing.set(false);
    Event next = Samples.random(r, 3);
    ledger.accept(next);
    assertThat(ids(store)).containsExactly(call.id(), next.id());
  }

  @Test
  void asyncModeQueuesAtOnce() {
    Counting store = new Counting();
    Ledger ledger = ledger(store, Ledger.Durability.ASYNC);
    Event call = Samples.random(r, 1);
    ledger.acceptWithNext(call);
    ledger.flush();
    assertThat(ids(store)).containsExactly(call.id());
    ledger.close();
  }

  @Test
  void bothSinksGetEveryEventTheWayItWasGiven() {
    List<String> first = new ArrayList<>();
    List<String> then = new ArrayList<>();
    EventSink held =
        new EventSink() {
          @Override
          public void accept(Event e) {
            first.add("accept " + e.id());
          }

          @Override
          public void acceptWithNext(Event e) {
            first.add("withNext " + e.id());
          }
        };
    EventSink both = EventSink.both(held, e -> then.add(e.id()));
    Event a = Samples.random(r, 1);
    Event b = Samples.random(r, 2);
    both.acceptWithNext(a);
    both.accept(b);
    assertThat(first).containsExactly("withNext " + a.id(), "accept " + b.id());
    assertThat(then).containsExactly(a.id(), b.id());
  }
}
