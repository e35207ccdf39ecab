package dev.agora.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.chain.CausalChain;
import dev.agora.chain.ChainFixtures;
import dev.agora.chain.ChainKey;
import dev.agora.chain.ChainQuery;
import dev.agora.chain.Checkpoint;
import dev.agora.chain.Ledger;
import dev.agora.chain.Recording;
import dev.agora.chain.Samples;
import dev.agora.chain.Verifier;
import dev.agora.chain.VerifierKey;
import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventType;
import dev.agora.core.approval.Approval;
import dev.agora.core.approval.ApprovalStore;
import dev.agora.core.approval.Binding;
import dev.agora.core.spi.RegistryStore;
import dev.agora.core.spi.Store;
import dev.agora.core.spi.StoreException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * What every store must do alike — the in-memory one, SQLite and PostgreSQL (a real server) — run
 * against each. Reopening tests what survives a restart; tampering through SQL tests that
 * verification trusts nothing a database administrator could change.
 */
abstract class StoreContract {

  /** A new empty store. */
  abstract Store fresh();

  /**
   * The same store opened again (as after a restart); null where the store does not outlive its
   * object.
   */
  abstract Store reopen();

  /** Runs SQL against the store's database, as an attacker with write access could. */
  abstract void sql(String statement) throws SQLException;

  /** The same store opened read-only ({@code agora chain verify}); null where there is none. */
  abstract Store readOnly();

  final ChainKey key = ChainKey.generate("contract");

  Ledger ledger(Store s, long every) {
    return new Ledger(
        s.chain(),
        key,
        new Ledger.Settings(Ledger.Durability.DURABLE, Recording.DEFAULT, every, 512),
        m -> {});
  }

  @Test
  void everyQueryAnswersAlike() {
    try (Store s = fresh()) {
      Ledger ledger = ledger(s, 0);
      ChainFixtures.recordPlan(ledger);
      ChainFixtures.assertQueries(new CausalChain(ledger, List.of()));
    }
  }

  @Test
  void concurrentAppendsFormOneValidChainThatSurvivesAReopen() throws Exception {
    int threads = 6;
    int each = 500;
    String origin;
    try (Store s = fresh()) {
      Ledger ledger = ledger(s, 1_000);
      origin = ledger.origin();
      CountDownLatch go = new CountDownLatch(1);
      List<Thread> ts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        ts.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      SplittableRandom r = new SplittableRandom(id);
                      await(go);
                      for (int i = 0; i < each; i++) {
                        Event e = Samples.random(r, i);
                        ledger.accept(
                            new Event(
                                "t" + id + "-" + i,
                                e.parentId(),
                                e.planId(),
                                e.type(),
                                e.at(),
                                e.capabilityId(),
                                e.capabilityVersion(),
                                e.caller(),
                                e.arguments(),
                                e.result(),
                                e.success(),
                                e.errorKind(),
                                e.error(),
                                e.cost(),
                                e.duration(),
                                e.metadata()));
                      }
                    }));
      }
      go.countDown();
      for (Thread t : ts) {
        t.join();
      }
      ledger.close();
      Verifier.Report r = new CausalChain(ledger, List.of()).verify();
      assertThat(r.ok()).as(r.toString()).isTrue();
      assertThat(r.size()).isEqualTo(threads * each);
      List<Checkpoint> cps = s.chain().checkpoints();
      assertThat(r.checkpoints())
          .as("every checkpoint verified")
          .isEqualTo(cps.size())
          .isGreaterThanOrEqualTo(3);
      assertThat(cps.getLast().size()).isEqualTo(threads * each);
    }
    try (Store again = reopen()) {
      if (again == null) {
        return;
      }
      Ledger ledger = ledger(again, 0);
      assertThat(ledger.origin()).as("the log keeps its name").isEqualTo(origin);
      CausalChain chain = new CausalChain(ledger, List.of());
      assertThat(chain.verify().ok()).isTrue();
      Set<String> ids = new HashSet<>();
      again.chain().scan(0, Long.MAX_VALUE, e -> ids.add(e.columns().actionId()));
      assertThat(ids).hasSize(threads * each).contains("t0-0", "t5-499");
      ledger.accept(Event.of("after-restart", EventType.PlanStarted, Samples.T0, null, "p", "x"));
      assertThat(chain.verify().size()).isEqualTo(threads * each + 1);
    }
  }

  private static Approval pending(String id, Binding call, long requestedAfterSeconds) {
    return new Approval(
        id,
        call,
        "approval: required",
        "{\"total\":5}",
        Samples.T0.plusSeconds(requestedAfterSeconds),
        Samples.T0.plusSeconds(requestedAfterSeconds + 3600),
        Approval.Status.PENDING,
        null,
        null);
  }

  @Test
  void approvalsAreSharedAcrossAReopenAndChangeStatusOnce() {
    Binding call = new Binding("bank.transfer", "def", "args", "bob");
    Approval first = pending("a1", call, 0);
    Approval second = pending("a2", call, 60);
    try (Store s = fresh()) {
      ApprovalStore approvals = s.approvals();
      assertThat(approvals.latest(call.digest())).isEmpty();
      approvals.add(first);
      approvals.add(second);
      approvals.add(pending("other", new Binding("bank.transfer", "def", "args", "alice"), 120));
      assertThat(approvals.get("a1")).contains(first);
      assertThat(approvals.get("nope")).isEmpty();
      assertThat(approvals.latest(call.digest())).contains(second);
      assertThat(approvals.all()).extracting(Approval::id).containsExactly("other", "a2", "a1");
      Approval approved = second.with(Approval.Status.APPROVED, "ops", null);
      assertThat(approvals.transition(Approval.Status.PENDING, approved)).isTrue();
      assertThat(approvals.transition(Approval.Status.PENDING, approved)).isFalse();
      assertThat(
              approvals.transition(
                  Approval.Status.PENDING, approved.with(Approval.Status.USED, "ops", null)))
          .isFalse();
      assertThat(
              approvals.transition(
                  Approval.Status.PENDING,
                  pending("ghost", call, 0).with(Approval.Status.DENIED, "ops", "no")))
          .isFalse();
    }
    try (Store again = reopen()) {
      if (again != null) {
        assertThat(again.approvals().get("a2"))
            .contains(second.with(Approval.Status.APPROVED, "ops", null));
        assertThat(
                again
                    .approvals()
                    .transition(
                        Approval.Status.APPROVED, second.with(Approval.Status.USED, "ops", null)))
            .isTrue();
        assertThat(again.approvals().latest(call.digest()).orElseThrow().status())
            .isEqualTo(Approval.Status.USED);
      }
    }
  }

  @Test
  void theRegistryKeepsManifestsAcrossAReopen() {
    try (Store s = fresh()) {
      RegistryStore reg = s.registry();
      reg.put(
          new RegistryStore.Stored(
              "a.b", "1.0.0", "cli", "{\"id\":\"a.b\",\"version\":\"1.0.0\"}", Samples.T0));
      reg.put(
          new RegistryStore.Stored(
              "a.b", "1.1.0", "cli", "{\"id\":\"a.b\",\"version\":\"1.1.0\"}", Samples.T0));
      reg.put(
          new RegistryStore.Stored(
              "a.b",
              "1.0.0",
              "api",
              "{\"id\":\"a.b\",\"version\":\"1.0.0\",\"name\":\"new\"}",
              Samples.T0));
      reg.put(new RegistryStore.Stored("c.d", "2.0.0", "cli", "{}", Samples.T0));
      assertThat(reg.remove("c.d", "2.0.0")).isTrue();
      assertThat(reg.remove("c.d", "2.0.0")).isFalse();
      assertThat(reg.all())
          .extracting(RegistryStore.Stored::version)
          .containsExactlyInAnyOrder("1.0.0", "1.1.0");
      assertThat(reg.all())
          .filteredOn(m -> m.version().equals("1.0.0"))
          .singleElement()
          .satisfies(m -> assertThat(m.manifest()).contains("new").isNotNull());
    }
    try (Store again = reopen()) {
      if (again != null) {
        assertThat(again.registry().all())
            .extracting(RegistryStore.Stored::id)
            .containsExactly("a.b", "a.b");
      }
    }
  }

  @Test
  void runtimeManifestsBelongToTheConfigurationThatAddedThem() {
    // issue 11: a capability added with one agora.yaml showed up for every configuration sharing
    // .agora
    try (Store s = fresh()) {
      RegistryStore a = s.registry("/etc/agora/a.yaml");
      RegistryStore b = s.registry("/etc/agora/b.yaml");
      a.put(new RegistryStore.Stored("x.y", "1.0.0", "runtime:cli", "{:id \"x.y\"}", Samples.T0));
      b.put(
          new RegistryStore.Stored(
              "x.y", "1.0.0", "runtime:cli", "{:id \"x.y\" :name \"b\"}", Samples.T0));
      assertThat(a.all())
          .singleElement()
          .satisfies(m -> assertThat(m.manifest()).doesNotContain("\"b\""));
      assertThat(b.all())
          .singleElement()
          .satisfies(m -> assertThat(m.manifest()).contains("\"b\""));
      assertThat(s.registry().all()).isEmpty();
      assertThat(a.remove("x.y", "1.0.0")).isTrue();
      assertThat(a.all()).isEmpty();
      assertThat(b.all()).hasSize(1);
    }
  }

  @Test
  void tamperingThroughSqlIsDetectedAtTheRightIndex() throws SQLException {
    if (this instanceof MemoryStoreTest) {
      return; // no SQL to tamper with; the verifier's own tests cover lists
    }
    try (Store s = fresh()) {
      Ledger ledger = ledger(s, 10);
      SplittableRandom r = new SplittableRandom(9);
      for (int i = 0; i < 40; i++) {
        ledger.accept(Samples.random(r, i));
      }
      ledger.close();
      CausalChain chain = new CausalChain(ledger, List.of());
      assertThat(chain.verify().ok()).isTrue();

      String original =
          chain.query(ChainQuery.ALL.after(6).withLimit(1)).getFirst().columns().planId();
      sql("UPDATE chain_entries SET plan_id = 'forged' WHERE idx = 7");
      assertThat(chain.verify())
          .satisfies(
              v -> {
                assertThat(v.firstBad()).isEqualTo(7);
                assertThat(v.reason())
                    .isEqualTo(
                        "the stored plan_id column says 'forged' but the entry says '"
                            + original
                            + "'");
              });
      sql("UPDATE chain_entries SET plan_id = " + quote(original) + " WHERE idx = 7");
      assertThat(chain.verify().ok()).isTrue();

      sql(
          "UPDATE chain_entries SET body = (SELECT body FROM chain_entries WHERE idx = 3), "
              + "leaf_hash = (SELECT leaf_hash FROM chain_entries WHERE idx = 3) WHERE idx = 12");
      assertThat(chain.verify().firstBad()).isEqualTo(12);
      sql("DELETE FROM chain_entries WHERE idx >= 12");
      sql("UPDATE chain_head SET size = 12");
      assertThat(chain.verify())
          .satisfies(
              v -> {
                assertThat(v.firstBad()).isEqualTo(12);
                assertThat(v.reason())
                    .contains("only 12 are stored: entries from 12 on were deleted");
              });

      sql("DELETE FROM chain_entries WHERE idx = 5");
      assertThat(chain.verify().reason())
          .isEqualTo("entry 5 is missing (the next stored entry is 6)");
    }
  }

  @Test
  void readOnlyViewsCreateNothingAndRowsPastTheHeadAreReported() throws SQLException {
    try (Store s = fresh()) {
      assertThat(s.chain().storedEnd()).isZero();
      assertThat(s.chain().storedOrigin()).isEmpty();
      Ledger ledger = ledger(s, 5);
      SplittableRandom r = new SplittableRandom(12);
      for (int i = 0; i < 12; i++) {
        ledger.accept(Samples.random(r, i));
      }
      ledger.close();
      assertThat(s.chain().storedEnd()).isEqualTo(12);
      assertThat(s.chain().storedOrigin()).contains(ledger.origin());
      List<VerifierKey> trusted = List.of(key.verifier());
      if (this instanceof MemoryStoreTest) {
        assertThat(CausalChain.audit(s.chain(), ledger.origin(), trusted).ok()).isTrue();
        return;
      }
      try (Store ro = readOnly()) { // the writer is still open: a live store
        assertThat(ro.chain().head().size()).isEqualTo(12);
        Verifier.Report report = CausalChain.audit(ro.chain(), ledger.origin(), trusted);
        assertThat(report.ok()).as(report.toString()).isTrue();
        assertThat(report.checkpoints()).isEqualTo(3);
        assertThatThrownBy(() -> ro.chain().append(h -> h.extend(List.of())))
            .isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> ro.chain().addCheckpoint(ledger.latestCheckpoint()))
            .isInstanceOf(StoreException.class);
      }
      sql(
          "INSERT INTO chain_entries (idx, action_id, type, parent_id, plan_id, capability_id,"
              + " caller, time_nanos, body, leaf_hash, chain_hash) SELECT 20, 'forged', type,"
              + " parent_id, plan_id, capability_id, caller, time_nanos, body, leaf_hash,"
              + " chain_hash FROM chain_entries WHERE idx = 3");
      assertThat(s.chain().storedEnd()).isEqualTo(21);
      assertThat(CausalChain.verify(s.chain(), ledger.origin(), trusted))
          .satisfies(
              v -> {
                assertThat(v.firstBad()).isEqualTo(12);
                assertThat(v.reason())
                    .startsWith(
                        "the head says the log has 12 entries but rows are stored past it (up to"
                            + " index 20)");
              });
    }
  }

  private static String quote(String s) {
    return s == null ? "NULL" : "'" + s.replace("'", "''") + "'";
  }

  @Test
  void checkpointsPersistAndBadStoreSettingsAreTypedErrors() {
    try (Store s = fresh()) {
      Ledger ledger = ledger(s, 0);
      ledger.accept(Event.of("x", EventType.PlanStarted, Samples.T0, null, "p", "x"));
      Checkpoint c = ledger.checkpoint();
      ledger.checkpoint(); // the same checkpoint twice is stored once
      assertThat(s.chain().checkpoints()).containsExactly(c);
    }
    assertThatThrownBy(() -> PostgresStore.open("jdbc:mysql://x", "u", null, 1))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("must be a jdbc:postgresql: URL");
  }

  static void await(CountDownLatch l) {
    try {
      l.await();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
