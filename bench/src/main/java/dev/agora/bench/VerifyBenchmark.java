package dev.agora.bench;

import dev.agora.chain.CausalChain;
import dev.agora.chain.ChainHead;
import dev.agora.chain.ChainKey;
import dev.agora.chain.Checkpoint;
import dev.agora.chain.Entry;
import dev.agora.chain.Ledger;
import dev.agora.chain.MemoryChainStore;
import dev.agora.chain.Recording;
import dev.agora.chain.Verifier;
import dev.agora.chain.event.Event;
import dev.agora.store.SqliteStore;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Verifying a log of {@value #N} entries (checkpoints every 10,000): everything {@code agora chain
 * verify} checks — index sequence, header decode and column cross-check, leaf and chain hashes,
 * Merkle root and signature of each checkpoint — from a list in memory and from a SQLite file;
 * beside the floor, one SHA-256 per entry over the same bytes, in the same run.
 *
 * <p>Run: {@code ./build bench VerifyBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgs = {"-Xmx2g", "--enable-native-access=ALL-UNNAMED"})
public class VerifyBenchmark {

  static final int N = 100_000;

  List<Entry> entries;
  ChainHead head;
  List<Checkpoint> checkpoints;
  Verifier verifier;
  SqliteStore sqlite;
  CausalChain onDisk;
  MessageDigest sha;

  @Setup
  public void setup() throws Exception {
    ChainKey key = ChainKey.generate("bench");
    Ledger.Settings settings =
        new Ledger.Settings(Ledger.Durability.DURABLE, Recording.DEFAULT, 10_000, 4096);
    MemoryChainStore memory = new MemoryChainStore();
    Ledger ledger = new Ledger(memory, key, settings, m -> {});
    Event sample = ChainAppendBenchmark.sample();
    for (int i = 0; i < N; i++) {
      ledger.accept(
          new Event(
              "e-" + i,
              sample.parentId(),
              sample.planId(),
              sample.type(),
              sample.at(),
              sample.capabilityId(),
              sample.capabilityVersion(),
              sample.caller(),
              sample.arguments(),
              sample.result(),
              sample.success(),
              null,
              null,
              sample.cost(),
              sample.duration(),
              sample.metadata()));
    }
    entries = new ArrayList<>();
    memory.scan(0, N, entries::add);
    head = memory.head();
    checkpoints = memory.checkpoints();
    verifier = new Verifier(List.of(key.verifier()), ledger.origin());

    sqlite = SqliteStore.open(Files.createTempDirectory("agora-bench").resolve("agora.db"));
    sqlite.append(
        h ->
            h.extend(
                entries.stream()
                    .map(e -> new ChainHead.Pending(e.body(), e.leafHash(), e.columns()))
                    .toList()));
    sqlite.origin(ledger.origin()); // the same log, copied
    Ledger diskLedger = new Ledger(sqlite, key, settings, m -> {});
    checkpoints.forEach(sqlite::addCheckpoint);
    onDisk = new CausalChain(diskLedger, List.of());
    sha = MessageDigest.getInstance("SHA-256");
    if (!onDisk.verify().ok() || !verifyInMemory().ok()) {
      throw new IllegalStateException("the benchmark log does not verify");
    }
  }

  @TearDown
  public void close() {
    sqlite.close();
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public Verifier.Report verifyInMemory() {
    return verifier.verify(entries::forEach, head, checkpoints);
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public Verifier.Report verifySqlite() {
    return onDisk.verify();
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public int baselineSha256PerEntry() {
    int x = 0;
    for (Entry e : entries) {
      x += sha.digest(e.body())[0];
    }
    return x;
  }
}
