package dev.agora.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.ChainHead;
import dev.agora.chain.ChainKey;
import dev.agora.cli.CliTest.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: {@code agora chain verify} said ok when it must not — rows past the head went
 * unreported, a deleted or emptied store and missing or swapped keys made it create a fresh store
 * and key and print "ok: 0 entries", checkpoints signed only by untrusted keys exited 0. Each case
 * on a real SQLite store, through the command line; verify never changes the data directory.
 */
class ChainVerifyTest {

  @TempDir Path dir;

  private Path data() {
    return dir.resolve("data");
  }

  private Result agora(String... args) {
    return CliTest.withData(data(), "", args);
  }

  @BeforeEach
  void aRecordedRun() {
    assertThat(agora("run", "--config", ChainCommandsTest.CONFIG, ChainCommandsTest.ORDER).exit())
        .isZero();
  }

  /** The data directory's files and their sizes. */
  private Map<String, Long> files() throws IOException {
    Map<String, Long> out = new TreeMap<>();
    if (Files.isDirectory(data())) {
      try (Stream<Path> all = Files.list(data())) {
        for (Path p : all.toList()) {
          out.put(p.getFileName().toString(), Files.size(p));
        }
      }
    }
    return out;
  }

  /** {@code agora chain verify}, checking that it left the data directory as it was. */
  private Result verify(String... more) throws IOException {
    Map<String, Long> before = files();
    String[] args =
        Stream.concat(Stream.of("chain", "verify"), Stream.of(more)).toArray(String[]::new);
    Result r = agora(args);
    assertThat(files()).as("verify creates and changes nothing").isEqualTo(before);
    return r;
  }

  private void sql(String statement) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data().resolve("agora.db"));
        Statement s = c.createStatement()) {
      s.executeUpdate(statement);
    }
  }

  private long size() throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data().resolve("agora.db"));
        Statement s = c.createStatement();
        var r = s.executeQuery("SELECT size FROM chain_head")) {
      r.next();
      return r.getLong(1);
    }
  }

  @Test
  void anIntactStoreVerifiesReadOnly() throws IOException {
    Result r = verify();
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .matches("ok: \\d+ entries, 1 signed checkpoints verified; root [0-9a-f]{64}\n");
    Files.delete(data().resolve(ChainKey.PRIVATE_FILE));
    assertThat(verify().exit()).as("the public key alone is enough").isZero();
  }

  @Test
  void aRowInsertedPastTheHeadIsReportedAndNoCallCanBeRecordedMeanwhile()
      throws IOException, SQLException {
    long n = size();
    sql(
        "INSERT INTO chain_entries (idx, action_id, type, parent_id, plan_id, capability_id, caller,"
            + " time_nanos, body, leaf_hash, chain_hash) SELECT "
            + n
            + ", 'forged', type, parent_id, plan_id, capability_id, caller, time_nanos, body,"
            + " leaf_hash, chain_hash FROM chain_entries WHERE idx = 2");
    assertThat(agora("chain", "show", "--limit", "0").out().lines()).hasSize((int) n + 1);
    Result r = verify();
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out())
        .isEqualTo(
            "BAD: entry "
                + n
                + ": the head says the log has "
                + n
                + " entries but rows are stored past it (up to index "
                + n
                + "): entries inserted after the last one; no node can append to this log until"
                + " they are removed\n");
    Result call = agora("caps", "call", "ccos.math.add", "[1 2]");
    assertThat(call.exit()).as("the node refuses to run what it cannot record").isNotZero();
    assertThat(call.err()).contains("UNIQUE constraint failed: chain_entries.idx");
  }

  @Test
  void aDeletedStoreIsAnErrorAndIsNotCreated() throws IOException {
    Files.delete(data().resolve("agora.db"));
    Result r = verify();
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .isEqualTo(
            "error: no Causal Chain store at "
                + data().resolve("agora.db")
                + ": the file does not exist (was it deleted, or is --data-dir wrong?)\n");
    assertThat(data().resolve("agora.db")).doesNotExist();

    Result elsewhere = CliTest.withData(dir.resolve("nowhere"), "", "chain", "verify");
    assertThat(elsewhere.exit()).isEqualTo(1);
    assertThat(elsewhere.err()).startsWith("error: no Causal Chain store at ");
    assertThat(dir.resolve("nowhere")).doesNotExist();
  }

  @Test
  void anEmptiedStoreIsAnError() throws IOException, SQLException {
    sql("DELETE FROM chain_entries");
    sql("DELETE FROM chain_checkpoints");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data().resolve("agora.db"));
        PreparedStatement s =
            c.prepareStatement("UPDATE chain_head SET size = 0, chain_hash = ?, merkle = ?")) {
      s.setBytes(1, ChainHead.EMPTY.chainHash());
      s.setBytes(2, ChainHead.EMPTY.range().toBytes());
      s.executeUpdate();
    }
    Result rows = verify();
    assertThat(rows.exit()).isEqualTo(1);
    assertThat(rows.out())
        .isEqualTo(
            "BAD: entry 0: no checkpoint is signed by a trusted key: the log is empty and has no"
                + " signed checkpoint: nothing shows it is this node's log (a deleted or emptied"
                + " store looks like this)\n");

    sql("DELETE FROM chain_meta");
    Result meta = verify();
    assertThat(meta.exit()).isEqualTo(1);
    assertThat(meta.err()).contains("names no log (no origin in chain_meta)");

    sql("DROP TABLE chain_head");
    Result tables = verify();
    assertThat(tables.exit()).isEqualTo(1);
    assertThat(tables.err())
        .startsWith("error: sqlite " + data().resolve("agora.db"))
        .contains("is not an Agora store, or it was emptied: it has no Causal Chain");

    Files.write(data().resolve("agora.db"), new byte[0]); // truncated to nothing
    Result truncated = verify();
    assertThat(truncated.exit()).isEqualTo(1);
    assertThat(truncated.err()).contains("is not an Agora store, or it was emptied");
  }

  @Test
  void aMissingKeyIsAnErrorAndIsNotCreated() throws IOException {
    Files.delete(data().resolve(ChainKey.PUBLIC_FILE));
    Files.delete(data().resolve(ChainKey.PRIVATE_FILE));
    Result r = verify();
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err())
        .startsWith(
            "error: no node key: " + data().resolve(ChainKey.PUBLIC_FILE) + " does not exist");
  }

  @Test
  void swappedKeysLeaveNoTrustedCheckpointUnlessTheOldKeyIsTrusted() throws IOException {
    String old = Files.readString(data().resolve(ChainKey.PUBLIC_FILE)).strip();
    Path other = dir.resolve("other");
    ChainKey.loadOrCreate(other, "intruder");
    for (String f : new String[] {ChainKey.PRIVATE_FILE, ChainKey.PUBLIC_FILE}) {
      Files.copy(
          other.resolve(f), data().resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    Result r = verify();
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out())
        .isEqualTo(
            "BAD: entry 0: no checkpoint is signed by a trusted key: 1 checkpoints are signed only"
                + " by keys not trusted here (was the node's key replaced? another node's key"
                + " belongs in chain.trusted_keys)\n");

    Path cfg = dir.resolve("trusting.yaml");
    Files.writeString(cfg, "chain: {trusted_keys: [\"" + old + "\"]}\n");
    Result trusted = verify("--config", cfg.toString());
    assertThat(trusted.exit()).as(trusted.out()).isZero();
    assertThat(trusted.out()).contains("1 signed checkpoints verified");
  }

  @Test
  void entriesNoCheckpointCoversAreNotEnough() throws IOException, SQLException {
    sql("DELETE FROM chain_checkpoints");
    Result r = verify();
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out())
        .startsWith(
            "BAD: entry 0: no checkpoint is signed by a trusted key: no checkpoint covers the ")
        .endsWith(
            " entries (one is signed every chain.checkpoint_every entries, at shutdown and by"
                + " agora chain checkpoint)\n");
    assertThat(agora("chain", "checkpoint").exit()).isZero();
    assertThat(verify().exit()).isZero();
  }

  @Test
  void aMemoryStoreHasNothingToVerify() throws IOException {
    Path cfg = dir.resolve("memory.yaml");
    Files.writeString(cfg, "storage: {type: memory}\n");
    Result r = verify("--config", cfg.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo(
            "error: storage type 'memory' keeps nothing between runs: there is no stored Causal"
                + " Chain to read\n");
    Files.writeString(cfg, "chain: {durability: sometimes}\n");
    assertThat(verify("--config", cfg.toString()).exit())
        .as("a bad config is a usage error")
        .isEqualTo(2);
  }

  @Test
  void aMegabyteCallIsRecordedAsItsDigestAndVerifies() throws IOException {
    long before = Files.size(data().resolve("agora.db"));
    String blob = "x".repeat(1 << 20);
    Result call = agora("caps", "call", "ccos.echo", "{:blob \"" + blob + "\"}");
    assertThat(call.exit()).as(call.err()).isZero();
    assertThat(call.out()).contains(blob); // the caller gets its value back whole
    long grown = Files.size(data().resolve("agora.db")) - before;
    assertThat(grown).as("the store grew by %d bytes", grown).isLessThan(64 * 1024);
    String shown = agora("chain", "show", "--capability", "ccos.echo", "--json").out();
    assertThat(shown)
        .contains("\"arguments\":{\"bytes\":1048595,\"elided\":true,\"sha-256\":\"")
        .contains("\"result\":{\"bytes\":1048595,\"elided\":true,\"sha-256\":\"")
        .doesNotContain("xxxxxxxxxx");
    Result r = verify();
    assertThat(r.exit()).as(r.out()).isZero();
  }
}
