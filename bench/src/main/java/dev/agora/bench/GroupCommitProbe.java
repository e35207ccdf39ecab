package dev.agora.bench;

import dev.agora.chain.ChainHead;
import dev.agora.chain.ChainKey;
import dev.agora.chain.ChainQuery;
import dev.agora.chain.ChainStore;
import dev.agora.chain.Checkpoint;
import dev.agora.chain.Entry;
import dev.agora.chain.Ledger;
import dev.agora.chain.Recording;
import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventType;
import dev.agora.rtfs.Value;
import dev.agora.store.SqliteStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/** Quick probe: durable SQLite appends/s for a thread count, with batch statistics. */
public final class GroupCommitProbe {
  public static void main(String[] args) throws Exception {
    int threads = Integer.parseInt(args[0]);
    boolean platform = args.length > 1 && args[1].equals("platform");
    Path dir = Files.createTempDirectory("probe");
    try (SqliteStore store = SqliteStore.open(dir.resolve("agora.db"))) {
      AtomicLong batches = new AtomicLong();
      AtomicLong rows = new AtomicLong();
      AtomicLong inStore = new AtomicLong();
      ChainStore counting =
          new ChainStore() {
            public ChainHead.Extension append(Function<ChainHead, ChainHead.Extension> extend) {
              long t0 = System.nanoTime();
              ChainHead.Extension x = store.append(extend);
              inStore.addAndGet(System.nanoTime() - t0);
              batches.incrementAndGet();
              rows.addAndGet(x.entries().size());
              return x;
            }

            public ChainHead head() {
              return store.head();
            }

            public void scan(long f, long t, Consumer<Entry> e) {
              store.scan(f, t, e);
            }

            public List<Entry> query(ChainQuery q) {
              return store.query(q);
            }

            public List<byte[]> leafHashes(long f, long t) {
              return store.leafHashes(f, t);
            }

            public void addCheckpoint(Checkpoint c) {
              store.addCheckpoint(c);
            }

            public List<Checkpoint> checkpoints() {
              return store.checkpoints();
            }

            public String origin(String p) {
              return store.origin(p);
            }

            public Optional<String> storedOrigin() {
              return store.storedOrigin();
            }

            public long storedEnd() {
              return store.storedEnd();
            }
          };
      Ledger ledger =
          new Ledger(
              counting,
              ChainKey.generate("probe"),
              new Ledger.Settings(Ledger.Durability.DURABLE, Recording.DEFAULT, 0, 4096),
              System.err::println);
      AtomicLong n = new AtomicLong();
      long end = System.nanoTime() + 5_000_000_000L;
      List<Thread> ts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        Runnable r =
            () -> {
              long i = 0;
              while (System.nanoTime() < end) {
                ledger.accept(
                    Event.of(
                            "t" + id + "-" + i++,
                            EventType.CapabilityCall,
                            Instant.now(),
                            null,
                            "p",
                            "c")
                        .withCapability("bench.add", "1.0.0")
                        .withArguments(Value.of("payload " + i)));
                n.incrementAndGet();
              }
            };
        ts.add(platform ? Thread.ofPlatform().start(r) : Thread.ofVirtual().start(r));
      }
      for (Thread t : ts) {
        t.join();
      }
      System.out.printf(
          "%d %s threads: %d appends/s; %d batches of %.1f on average; %.0f%% of the time in the store%n",
          threads,
          platform ? "platform" : "virtual",
          n.get() / 5,
          batches.get(),
          rows.get() / (double) batches.get(),
          inStore.get() / 5e7);
    }
  }
}
