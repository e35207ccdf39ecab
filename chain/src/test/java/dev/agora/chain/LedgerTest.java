package dev.agora.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventType;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerTest {

  private final ChainKey key = ChainKey.generate("ledger-test");
  private final List<String> log = new CopyOnWriteArrayList<>();

  private Ledger ledger(ChainStore store, Ledger.Durability d, long every) {
    return new Ledger(store, key, new Ledger.Settings(d, Recording.DEFAULT, every, 256), log::add);
  }

  @Test
  void appendsNumberLinkAndAddUpToTheMerkleRoot() {
    MemoryChainStore store = new MemoryChainStore();
    Ledger ledger = ledger(store, Ledger.Durability.DURABLE, 0);
    SplittableRandom r = new SplittableRandom(1);
    List<byte[]> leaves = new ArrayList<>();
    byte[] link = Hashes.GENESIS;
    for (int i = 0; i < 37; i++) {
      Entry e = ledger.append(Samples.random(r, i));
      assertThat(e.index()).isEqualTo(i);
      link = Hashes.link(link, Hashes.leaf(e.body()));
      assertThat(e.chainHash()).isEqualTo(link);
      leaves.add(e.leafHash());
    }
    assertThat(store.head().root()).isEqualTo(Merkle.root(Merkle.Leaves.of(leaves), 0, 37));
    CausalChain chain = new CausalChain(ledger, List.of());
    assertThat(chain.verify().ok()).isTrue();
    assertThat(ledger.origin()).startsWith("agora.local/");
  }

  @Test
  void manyThreadsAppendingMakeOneChainWithNoGapsOrForks() throws Exception {
    MemoryChainStore store = new MemoryChainStore();
    Ledger ledger = ledger(store, Ledger.Durability.DURABLE, 1000);
    int threads = 8;
    int each = 2_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      ts.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      start.await();
                    } catch (InterruptedException e) {
                      throw new IllegalStateException(e);
                    }
                    for (int i = 0; i < each; i++) {
                      ledger.accept(
                          Event.of(
                              "t" + id + "-" + i,
                              EventType.CapabilityCall,
                              Samples.T0,
                              null,
                              "plan-" + id,
                              "t" + id));
                    }
                  }));
    }
    start.countDown();
    for (Thread t : ts) {
      t.join();
    }
    ledger.close();
    CausalChain chain = new CausalChain(ledger, List.of());
    Verifier.Report report = chain.verify();
    assertThat(report.ok()).as(report.toString()).isTrue();
    assertThat(report.size()).isEqualTo(threads * each);
    Set<String> ids = new HashSet<>();
    store.scan(0, Long.MAX_VALUE, e -> ids.add(e.columns().actionId()));
    assertThat(ids).hasSize(threads * each);
    // each thread's own actions are in the order it appended them
    List<Entry> mine = chain.query(ChainQuery.ALL.withPlan("plan-3"));
    assertThat(mine)
        .extracting(e -> e.columns().actionId())
        .containsExactlyElementsOf(IntStream.range(0, each).mapToObj(i -> "t3-" + i).toList());
    assertThat(report.checkpoints()).isGreaterThanOrEqualTo(threads * each / 1000);
  }

  @Test
  void checkpointsAreSignedEveryNEntriesAndOnClose() {
    MemoryChainStore store = new MemoryChainStore();
    Ledger ledger = ledger(store, Ledger.Durability.DURABLE, 100);
    SplittableRandom r = new SplittableRandom(2);
    for (int i = 0; i < 350; i++) {
      ledger.accept(Samples.random(r, i));
    }
    assertThat(store.checkpoints()).extracting(Checkpoint::size).containsExactly(100L, 200L, 300L);
    ledger.close();
    assertThat(store.checkpoints())
        .extracting(Checkpoint::size)
        .containsExactly(100L, 200L, 300L, 350L);
    assertThat(store.checkpoints())
        .allMatch(c -> c.signedBy(key.verifier()) && c.origin().equals(ledger.origin()));
    assertThat(store.checkpoints().getLast().root()).isEqualTo(store.head().root());
    assertThatThrownBy(() -> ledger.accept(Samples.random(r, 351)))
        .isInstanceOf(Ledger.WriteFailed.class)
        .hasMessageContaining("closed");
  }

  @Test
  void asyncAcceptsAtOnceAndFlushWritesEverything() {
    MemoryChainStore store = new MemoryChainStore();
    Ledger ledger = ledger(store, Ledger.Durability.ASYNC, 0);
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < 5_000; i++) {
      ledger.accept(Samples.random(r, i));
    }
    ledger.flush();
    assertThat(store.head().size()).isEqualTo(5_000);
    ledger.accept(Samples.random(r, 5_000));
    ledger.close();
    assertThat(store.head().size()).isEqualTo(5_001);
    assertThat(new CausalChain(ledger, List.of()).verify().ok()).isTrue();
  }

  /** A store whose appends fail while {@code failing} is set. */
  private static ChainStore flaky(MemoryChainStore inner, AtomicBoolean failing) {
    return new ForwardingChainStore(inner) {
      @Override
      public ChainHead.Extension append(Function<ChainHead, ChainHead.Extension> extend) {
        if (failing.get()) {
          throw new IllegalStateException("disk full");
        }
        return inner.append(extend);
      }
    };
  }

  /** A store whose next append throws {@code error}, once. */
  private static ChainStore failingOnce(MemoryChainStore inner, AtomicReference<Throwable> error) {
    return new ForwardingChainStore(inner) {
      @Override
      public ChainHead.Extension append(Function<ChainHead, ChainHead.Extension> extend) {
        Throwable t = error.getAndSet(null);
        if (t instanceof Error e) {
          throw e;
        }
        if (t instanceof RuntimeException e) {
          throw e;
        }
        return inner.append(extend);
      }
    };
  }

  @Test
  void aWriteOutOfMemoryFailsThatWriteSayingSoAndLaterWritesGoOn() {
    MemoryChainStore inner = new MemoryChainStore();
    AtomicReference<Throwable> next = new AtomicReference<>();
    Ledger ledger = ledger(failingOnce(inner, next), Ledger.Durability.DURABLE, 0);
    SplittableRandom r = new SplittableRandom(12);
    next.set(new OutOfMemoryError("Java heap space"));
    assertThatThrownBy(() -> ledger.accept(Samples.random(r, 0)))
        .isInstanceOf(Ledger.WriteFailed.class)
        .hasMessage("the Causal Chain could not store 1 entries: out of memory (Java heap space)")
        .hasCauseInstanceOf(OutOfMemoryError.class);
    // Before issue 12 the failed batch stayed at the head of the queue: this write waited forever.
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> ledger.accept(Samples.random(r, 1)));
    next.set(
        new IllegalArgumentException(
            "Self-suppression not permitted", new OutOfMemoryError("Java heap space")));
    assertThatThrownBy(() -> ledger.accept(Samples.random(r, 2)))
        .isInstanceOf(Ledger.WriteFailed.class)
        .hasMessage("the Causal Chain could not store 1 entries: out of memory (Java heap space)");
    ledger.accept(Samples.random(r, 3));
    assertThat(inner.head().size()).isEqualTo(2);
    assertThat(new CausalChain(ledger, List.of()).verify().ok()).isTrue();
  }

  @Test
  void aFailedWriteIsATypedErrorAndLeavesTheChainIntact() {
    MemoryChainStore inner = new MemoryChainStore();
    AtomicBoolean failing = new AtomicBoolean();
    Ledger ledger = ledger(flaky(inner, failing), Ledger.Durability.DURABLE, 0);
    SplittableRandom r = new SplittableRandom(4);
    ledger.accept(Samples.random(r, 0));
    failing.set(true);
    Event lost = Samples.random(r, 1);
    assertThatThrownBy(() -> ledger.accept(lost))
        .isInstanceOf(Ledger.WriteFailed.class)
        .hasMessageContaining("could not store 1 entries: disk full");
    failing.set(false);
    ledger.accept(Samples.random(r, 2));
    assertThat(inner.head().size()).isEqualTo(2);
    assertThat(new CausalChain(ledger, List.of()).verify().ok()).isTrue();
  }

  @Test
  void secretsAreRedactedAndDigestModeKeepsOnlyHashes() {
    Event e =
        Event.of("c-1", EventType.CapabilityCall, Samples.T0, null, "p", "agent")
            .withArguments(
                Reader.readValue(
                    "{:city \"Oslo\" :api-key \"sk-123\" :nested {\"Authorization\" \"Bearer x\"} :list [{:password \"p\"}]}"));
    Event redacted = Recording.DEFAULT.apply(e);
    String printed = redacted.arguments().toString();
    assertThat(printed)
        .contains("Oslo")
        .doesNotContain("sk-123")
        .doesNotContain("Bearer x")
        .doesNotContain("\"p\"");
    assertThat(((Dict) redacted.arguments()).get("api-key")).isEqualTo(Recording.REDACTED);

    Recording custom = new Recording(Recording.Privacy.FULL, "(?i)city");
    assertThat(((Dict) custom.apply(e).arguments()).get("city")).isEqualTo(Recording.REDACTED);

    Event digested =
        new Recording(Recording.Privacy.DIGEST, null)
            .apply(e.withResult(Value.of(42), Duration.ZERO, 0));
    assertThat(digested.arguments()).isEqualTo(Recording.digest(redacted.arguments()));
    assertThat(digested.result().toString()).startsWith("{:sha-256 \"");
    assertThat(new String(Canonical.encode(digested), StandardCharsets.ISO_8859_1))
        .doesNotContain("Oslo");

    MemoryChainStore store = new MemoryChainStore();
    Ledger ledger = ledger(store, Ledger.Durability.DURABLE, 0);
    ledger.accept(e);
    assertThat(new String(store.query(ChainQuery.ALL).getFirst().body())).doesNotContain("sk-123");
  }

  @Test
  void queriesFindByEveryKeyAndTheTreeOfAPlanNests() {
    MemoryChainStore store = new MemoryChainStore();
    Ledger ledger = ledger(store, Ledger.Durability.DURABLE, 0);
    CausalChain chain = new CausalChain(ledger, List.of());
    ChainFixtures.recordPlan(ledger);
    ChainFixtures.assertQueries(chain);
  }

  @Test
  void proofsProveAndExportsVerifyOffline(@TempDir Path dir) throws Exception {
    MemoryChainStore store = new MemoryChainStore();
    Ledger ledger = ledger(store, Ledger.Durability.DURABLE, 10);
    CausalChain chain = new CausalChain(ledger, List.of());
    SplittableRandom r = new SplittableRandom(5);
    for (int i = 0; i < 25; i++) {
      ledger.accept(Samples.random(r, i));
    }
    InclusionProof p = chain.prove("a-7");
    assertThat(p.checkpoint().size()).isEqualTo(25);
    assertThat(p.index()).isEqualTo(7);
    InclusionProof back = InclusionProof.parse(p.text());
    assertThat(back.verify(key.verifier())).isTrue();
    assertThat(back.verify(ChainKey.generate("ledger-test").verifier())).isFalse();
    InclusionProof lying = InclusionProof.parse(p.text().replace("index 7\n", "index 8\n"));
    assertThat(lying.verify(key.verifier())).isFalse();
    assertThat(Canonical.decode(back.body()).id()).isEqualTo("a-7");
    assertThatThrownBy(() -> chain.prove("nope")).hasMessageContaining("no action 'nope'");
    assertThatThrownBy(() -> InclusionProof.parse("hello\n\n"))
        .isInstanceOf(ChainFormatException.class);

    CausalChain.ConsistencyProof cp = chain.consistency(10);
    assertThat(cp.verify()).isTrue();
    assertThat(cp.oldRoot()).isEqualTo(store.checkpoints().getFirst().root());

    Path export = dir.resolve("chain.jsonl");
    ChainExport.write(chain, export);
    ChainExport.Result ok = ChainExport.verify(export, key.verifier());
    assertThat(ok.report().ok()).as(ok.report().toString()).isTrue();
    assertThat(ok.report().size()).isEqualTo(25);
    assertThat(ChainExport.verify(export, ChainKey.generate("x").verifier()).report().reason())
        .contains("not signed by x");
    List<String> lines = new ArrayList<>(Files.readAllLines(export));
    lines.remove(13); // entry 12
    Files.write(export, lines);
    ChainExport.Result bad = ChainExport.verify(export, key.verifier());
    assertThat(bad.report().ok()).isFalse();
    assertThat(bad.report().firstBad()).isEqualTo(12);
    Files.writeString(export, "not json\n");
    assertThatThrownBy(() -> ChainExport.verify(export, key.verifier()))
        .isInstanceOf(ChainFormatException.class)
        .hasMessageContaining("line 1: not JSON");
  }
}
