package dev.agora.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.CausalChain;
import dev.agora.chain.ChainKey;
import dev.agora.chain.Ledger;
import dev.agora.chain.Recording;
import dev.agora.chain.Verifier;
import dev.agora.chain.VerifierKey;
import dev.agora.core.spi.Store;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety: an Agora node in a child process appends from 8 threads; the test kills it with
 * SIGKILL after a given number of acknowledgements, restarts it on the same store, and checks that
 * every acknowledged action is there and the chain verifies — over several kill points, each round
 * continuing the chain the previous one left. Then several nodes append to one PostgreSQL chain at
 * once.
 */
class CrashTest {

  private static final int[] KILL_AFTER_ACKS = {1, 150, 1_000, 4_000};

  @Test
  void sqliteKeepsEveryAcknowledgedActionThroughSigkill(@TempDir Path dir) throws Exception {
    killAndRestart("sqlite:" + dir.resolve("agora.db"), dir);
  }

  @Test
  void postgresKeepsEveryAcknowledgedActionThroughSigkill(@TempDir Path dir) throws Exception {
    killAndRestart("postgres:" + Pg.freshDatabase(), dir);
  }

  private void killAndRestart(String where, Path dir) throws Exception {
    Set<String> acked = new HashSet<>();
    for (int round = 0; round < KILL_AFTER_ACKS.length; round++) {
      Path log = dir.resolve("worker-" + round + ".log");
      Process p =
          ChainWorker.start(log, where, dir.resolve("key").toString(), "r" + round, "8", "0");
      int roundAcks = 0;
      try (BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          if (line.startsWith("ack ")) {
            acked.add(line.substring(4));
            if (++roundAcks == KILL_AFTER_ACKS[round]) {
              p.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no flushing, no
              // closing checkpoint
              break; // (destroying closes our end of its output; acks still in the pipe are not
              // counted)
            }
          }
        }
      }
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue())
          .as("killed, not finished; log: %s", Files.readString(log))
          .isEqualTo(137);
      assertThat(roundAcks).isGreaterThanOrEqualTo(KILL_AFTER_ACKS[round]);

      try (Store s = ChainWorker.open(where)) { // the restart
        Ledger ledger =
            new Ledger(
                s.chain(),
                ChainKey.loadOrCreate(dir.resolve("key"), "x"),
                new Ledger.Settings(Ledger.Durability.DURABLE, Recording.DEFAULT, 0, 64),
                m -> {});
        Verifier.Report report = new CausalChain(ledger, List.of()).verify();
        assertThat(report.ok()).as("round %d: %s", round, report).isTrue();
        Set<String> stored = new HashSet<>();
        s.chain().scan(0, Long.MAX_VALUE, e -> stored.add(e.columns().actionId()));
        Set<String> missing = new HashSet<>(acked);
        missing.removeAll(stored);
        assertThat(missing).as("round %d: acknowledged but lost", round).isEmpty();
        System.out.printf(
            "CrashTest %s round %d: killed after %d acks, %d acked in all, %d stored, chain valid%n",
            where.substring(0, where.indexOf(':')), round, roundAcks, acked.size(), stored.size());
      }
    }
  }

  @Test
  void severalProcessesAppendToOnePostgresChainWithoutGapsOrForks(@TempDir Path dir)
      throws Exception {
    String url = Pg.freshDatabase();
    int nodes = 3;
    int threads = 4;
    int each = 250;
    List<Process> ps = new ArrayList<>();
    for (int n = 0; n < nodes; n++) {
      ps.add(
          ChainWorker.start(
              dir.resolve("node-" + n + ".log"),
              "postgres:" + url,
              dir.resolve("key-" + n).toString(),
              "node" + n,
              String.valueOf(threads),
              String.valueOf(each)));
    }
    for (int n = 0; n < nodes; n++) {
      Process p = ps.get(n);
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue())
          .as("node %d: %s", n, Files.readString(dir.resolve("node-" + n + ".log")))
          .isZero();
      assertThat(output).endsWith("done\n");
    }
    List<VerifierKey> keys = new ArrayList<>();
    for (int n = 1; n < nodes; n++) {
      keys.add(ChainKey.loadOrCreate(dir.resolve("key-" + n), "unused").verifier());
    }
    try (Store s = Pg.open(url)) {
      Ledger ledger =
          new Ledger(
              s.chain(),
              ChainKey.loadOrCreate(dir.resolve("key-0"), "unused"),
              new Ledger.Settings(Ledger.Durability.DURABLE, Recording.DEFAULT, 0, 64),
              m -> {});
      Verifier.Report report = new CausalChain(ledger, keys).verify();
      assertThat(report.ok()).as(report.toString()).isTrue();
      assertThat(report.size()).isEqualTo((long) nodes * threads * each);
      assertThat(report.unsigned()).as("every node's checkpoints verified with its key").isZero();
      assertThat(report.checkpoints()).isGreaterThanOrEqualTo(nodes);
      Set<String> ids = new HashSet<>();
      s.chain().scan(0, Long.MAX_VALUE, e -> ids.add(e.columns().actionId()));
      assertThat(ids).hasSize(nodes * threads * each);
    }
  }
}
