package dev.agora.bench;

import dev.agora.chain.Canonical;
import dev.agora.chain.Hashes;
import dev.agora.chain.event.Event;
import dev.agora.core.spi.Store;
import dev.agora.store.JdbcStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.concurrent.TimeUnit;
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
 * The baseline of {@link DurableAppendBenchmark}: the same rows, into the same table of the same
 * store, through a plain JDBC batch-insert loop — 500 rows per transaction, one thread, none of the
 * chain's work (no encoding, hashing, numbering, head row) and no callers to wait for. The table
 * grows through the run as the chain's does in its own.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgs = {"-Xmx2g", "--enable-native-access=ALL-UNNAMED"})
public class RawJdbcInsertBenchmark {

  static final int ROWS = DurableAppendBenchmark.APPENDS;
  static final int BATCH = 500;

  @Param({"sqlite", "postgres"})
  String store;

  EmbeddedPostgres pg;
  Store s;
  Event event;
  byte[] body;
  long next;

  @Setup(Level.Trial)
  public void start() throws Exception {
    EmbeddedPostgres[] server = new EmbeddedPostgres[1];
    s = DurableAppendBenchmark.open(store, Files.createTempDirectory("agora-bench"), server);
    pg = server[0];
    event = ChainAppendBenchmark.sample();
    body = Canonical.encode(event);
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    s.close();
    if (pg != null) {
      pg.close();
    }
  }

  /**
   * The same number of rows through plain JDBC batches, no chain logic: the store's own ceiling.
   */
  @Benchmark
  @OperationsPerInvocation(ROWS)
  public void baselineRawJdbcBatchInsert() throws Exception {
    byte[] hash = Hashes.leaf(body);
    try (Connection c = ((JdbcStore) s).connection()) {
      c.setAutoCommit(false);
      for (int done = 0; done < ROWS; done += BATCH) {
        try (PreparedStatement p =
            c.prepareStatement(
                "INSERT INTO chain_entries (idx, action_id, type, parent_id, "
                    + "plan_id, intent_id, capability_id, caller, time_nanos, body, leaf_hash, chain_hash) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
          for (int i = 0; i < BATCH; i++) {
            long idx = next++;
            p.setLong(1, idx);
            p.setString(2, event.id() + "-" + idx);
            p.setString(3, event.type().name());
            p.setString(4, event.parentId());
            p.setString(5, event.planId());
            p.setString(6, null);
            p.setString(7, event.capabilityId());
            p.setString(8, event.caller());
            p.setLong(9, idx);
            p.setBytes(10, body);
            p.setBytes(11, hash);
            p.setBytes(12, hash);
            p.addBatch();
          }
          p.executeBatch();
        }
        c.commit();
      }
      c.setAutoCommit(true);
    }
  }
}
