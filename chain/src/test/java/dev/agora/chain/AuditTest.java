package dev.agora.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: verify said ok for rows past the head and for logs no trusted key had signed. {@link
 * CausalChain#verify(ChainStore, String, List)} reports the first, {@link CausalChain#audit} also
 * the second.
 */
class AuditTest {

  private final ChainKey key = ChainKey.generate("audit-test");
  private final MemoryChainStore store = new MemoryChainStore();
  private final Ledger ledger =
      new Ledger(
          store,
          key,
          new Ledger.Settings(Ledger.Durability.DURABLE, Recording.DEFAULT, 0, 64),
          m -> {});

  private void record(int n) {
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < n; i++) {
      ledger.accept(Samples.random(r, i));
    }
  }

  private Verifier.Report audit(ChainStore s, VerifierKey... trusted) {
    return CausalChain.audit(s, ledger.origin(), List.of(trusted));
  }

  @Test
  void aSignedLogPassesAndCountsItsCheckpoints() {
    record(5);
    ledger.checkpoint();
    Verifier.Report r = audit(store, key.verifier());
    assertThat(r.ok()).isTrue();
    assertThat(r.checkpoints()).isEqualTo(1);
  }

  @Test
  void anEmptyLogIsNotEnough() {
    assertThat(audit(store, key.verifier()))
        .satisfies(
            r -> {
              assertThat(r.ok()).isFalse();
              assertThat(r.firstBad()).isZero();
              assertThat(r.reason())
                  .isEqualTo(
                      "no checkpoint is signed by a trusted key: the log is empty and has no signed"
                          + " checkpoint: nothing shows it is this node's log (a deleted or emptied"
                          + " store looks like this)");
            });
  }

  @Test
  void entriesWithoutACheckpointAreNotEnough() {
    record(3);
    assertThat(audit(store, key.verifier()).reason())
        .startsWith("no checkpoint is signed by a trusted key: no checkpoint covers the 3 entries");
    assertThat(new CausalChain(ledger, List.of()).verify().ok())
        .as("a live node's own verify does not require one")
        .isTrue();
  }

  @Test
  void checkpointsByUntrustedKeysAreNotEnough() {
    record(3);
    ledger.checkpoint();
    VerifierKey stranger = ChainKey.generate("stranger").verifier();
    assertThat(audit(store, stranger).reason())
        .isEqualTo(
            "no checkpoint is signed by a trusted key: 1 checkpoints are signed only by keys not"
                + " trusted here (was the node's key replaced? another node's key belongs in"
                + " chain.trusted_keys)");
    assertThat(audit(store, stranger, key.verifier()).ok()).isTrue();
  }

  @Test
  void rowsPastTheHeadAreReportedAndABrokenLogStaysItsFirstProblem() {
    record(4);
    ledger.checkpoint();
    ChainStore padded =
        new ForwardingChainStore(store) {
          @Override
          public long storedEnd() {
            return 9;
          }
        };
    assertThat(audit(padded, key.verifier()))
        .satisfies(
            r -> {
              assertThat(r.ok()).isFalse();
              assertThat(r.firstBad()).isEqualTo(4);
              assertThat(r.checkpoints()).isEqualTo(1);
              assertThat(r.reason())
                  .isEqualTo(
                      "the head says the log has 4 entries but rows are stored past it (up to index"
                          + " 8): entries inserted after the last one; no node can append to this"
                          + " log until they are removed");
            });
    assertThat(CausalChain.verify(store, "another/log", List.of(key.verifier())).reason())
        .as("the first problem is reported, not the missing signature")
        .contains("is for another log");
    assertThat(store.storedEnd()).isEqualTo(4);
    assertThat(store.storedOrigin()).contains(ledger.origin());
  }
}
