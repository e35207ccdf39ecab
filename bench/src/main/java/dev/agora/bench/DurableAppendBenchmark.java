package dev.agora.bench;

import dev.agora.chain.ChainKey;
import dev.agora.chain.Ledger;
import dev.agora.chain.Recording;
import dev.agora.chain.event.Event;
import dev.agora.core.spi.Store;
import dev.agora.store.PostgresStore;
import dev.agora.store.SqliteStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Durable appends with group commit: {@code callers} virtual threads each append and wait for their
 * acknowledgement (fsync'd: SQLite {@code synchronous=FULL}, PostgreSQL's default commit), until
 * {@value #APPENDS} entries are in. Its baseline, {@link RawJdbcInsertBenchmark}, runs in the same
 * JMH run on the same schema: a raw JDBC loop inserting the same rows in batches of 500 per
 * transaction.
 *
 * <p>Run: {@code ./build bench 'DurableAppendBenchmark|RawJdbcInsertBenchmark'} (starts an embedded
 * PostgreSQL 18)
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgs = {"-Xmx2g", "--enable-native-access=ALL-UNNAMED"})
public class DurableAppendBenchmark {

  static final int APPENDS = 20_000;

  @Param({"sqlite", "postgres"})
  String store;

  @Param({"1", "64", "1024"})
  int callers;

  EmbeddedPostgres pg;
  Store s;
  Ledger ledger;
  Event event;

  @Setup(Level.Trial)
  public void start() throws Exception {
    EmbeddedPostgres[] server = new EmbeddedPostgres[1];
    s = open(store, Files.createTempDirectory("agora-bench"), server);
    pg = server[0];
    ledger =
        new Ledger(
            s.chain(),
            ChainKey.generate("bench"),
            new Ledger.Settings(Ledger.Durability.DURABLE, Recording.DEFAULT, 0, 4096),
            m -> {});
    event = ChainAppendBenchmark.sample();
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    s.close();
    if (pg != null) {
      pg.close();
    }
  }

  /** The store named {@code store}: a SQLite file in {@code dir} or a fresh embedded PostgreSQL. */
  static Store open(String store, Path dir, EmbeddedPostgres[] pg) throws IOException {
    if (store.equals("sqlite")) {
      return SqliteStore.open(dir.resolve("agora.db"));
    }
    pg[0] = EmbeddedPostgres.builder().start();
    return PostgresStore.open(pg[0].getJdbcUrl("postgres", "postgres"), "postgres", null, 8);
  }

  /** {@value #APPENDS} durable appends from {@code callers} concurrent callers. */
  @Benchmark
  @OperationsPerInvocation(APPENDS)
  public void groupCommit() throws InterruptedException {
    AtomicLong left = new AtomicLong(APPENDS);
    List<Thread> threads = new ArrayList<>(callers);
    for (int t = 0; t < callers; t++) {
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    while (left.getAndDecrement() > 0) {
                      ledger.accept(event);
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
  }
}
