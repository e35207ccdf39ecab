package dev.agora.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.chain.event.MemorySink;
import dev.agora.core.Marketplace;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.IsolationPolicy;
import dev.agora.core.call.policy.QuotaRule;
import dev.agora.core.call.policy.QuotaStore;
import dev.agora.core.call.policy.QuotaStore.Counter;
import dev.agora.core.call.policy.QuotaStore.Key;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.Glob;
import dev.agora.rtfs.Value;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quota counters in the database (issue 18): a call's counters change together or not at all, on
 * SQLite and PostgreSQL, and two nodes on one PostgreSQL database share a quota — of N calls across
 * both, exactly N are admitted however the calls race.
 */
@Timeout(120)
class SharedQuotasTest {

  @TempDir Path dir;

  static final Key A = new Key("hourly", "agent/ci");
  static final Key B = new Key("budget", "acme");

  private static void countersChangeTogetherOrNotAtAll(QuotaStore q) {
    assertThat(q.read(List.of(A, B))).containsExactly(Counter.NONE, Counter.NONE);
    List<Counter> first =
        q.update(
            List.of(A, B),
            before -> {
              assertThat(before).containsExactly(Counter.NONE, Counter.NONE);
              return List.of(new Counter(0, 100, 1, 0.5), new Counter(0, 200, 1, 2.5));
            });
    assertThat(q.read(List.of(B, A)))
        .containsExactly(new Counter(0, 200, 1, 2.5), new Counter(0, 100, 1, 0.5))
        .isEqualTo(first.reversed());
    assertThatThrownBy(
            () ->
                q.update(
                    List.of(A, B),
                    before -> {
                      throw new AgoraError.LimitExceeded("x", "over");
                    }))
        .isInstanceOf(AgoraError.LimitExceeded.class);
    assertThat(q.read(List.of(A, B))).as("nothing stored").isEqualTo(first);
    q.update(List.of(B), before -> List.of(new Counter(200, 300, 7, 0)));
    assertThat(q.read(List.of(A, B))).containsExactly(first.get(0), new Counter(200, 300, 7, 0));
  }

  @Test
  void onPostgresqlACallsCountersChangeTogetherOrNotAtAll() {
    try (PostgresStore s = Pg.open(Pg.freshDatabase())) {
      countersChangeTogetherOrNotAtAll(s.quotas());
    }
  }

  @Test
  void onSqliteTooThoughASqliteNodeCountsInItsMemory() {
    try (SqliteStore s = SqliteStore.open(dir.resolve("agora.db"))) {
      assertThat(s.quotas()).as("a SQLite file serves one node").isNull();
      countersChangeTogetherOrNotAtAll(new JdbcQuotas(s, "", ""));
    }
  }

  private static void endedWindowsAreForgottenAtMostOnceAMinute(QuotaStore q) {
    long m = JdbcQuotas.FORGET_EVERY;
    q.update(
        List.of(A, B),
        before -> List.of(new Counter(0, 100, 1, 0), new Counter(0, 100 + 2 * m, 2, 0)));
    q.forget(100 + m - 1);
    assertThat(q.read(List.of(A)))
        .as("ended less than a minute ago: kept, for a node whose clock is behind")
        .doesNotContain(Counter.NONE);
    q.forget(100 + 2 * m);
    assertThat(q.read(List.of(A, B)))
        .as("A's window ended a minute before, B's just now")
        .containsExactly(Counter.NONE, new Counter(0, 100 + 2 * m, 2, 0));
    q.forget(100 + 3 * m - 1);
    assertThat(q.read(List.of(B))).as("not again within a minute").doesNotContain(Counter.NONE);
    q.forget(100 + 3 * m);
    assertThat(q.read(List.of(A, B))).containsExactly(Counter.NONE, Counter.NONE);
    q.update(List.of(A), before -> List.of(new Counter(0, 100, 1, 0)));
    assertThat(q.read(List.of(A)))
        .as("a forgotten counter is charged afresh")
        .doesNotContain(Counter.NONE);
  }

  @Test
  void countersWhoseWindowEndedAreForgottenOnBothDatabases() {
    try (PostgresStore s = Pg.open(Pg.freshDatabase())) {
      endedWindowsAreForgottenAtMostOnceAMinute(s.quotas());
    }
    try (SqliteStore s = SqliteStore.open(dir.resolve("agora.db"))) {
      endedWindowsAreForgottenAtMostOnceAMinute(new JdbcQuotas(s, "", ""));
    }
  }

  @Test
  void aForgetThatFailsIsTriedAgainAMinuteLater() throws Exception {
    long m = JdbcQuotas.FORGET_EVERY;
    try (PostgresStore s = Pg.open(Pg.freshDatabase());
        Connection c = s.connection();
        Statement st = c.createStatement()) {
      QuotaStore q = s.quotas();
      q.update(List.of(A), before -> List.of(new Counter(0, 100, 1, 0)));
      st.execute("ALTER TABLE quota_counters RENAME TO away");
      q.forget(100 + m); // fails, and says nothing: the call that forgets goes on
      st.execute("ALTER TABLE away RENAME TO quota_counters");
      q.forget(100 + 2 * m - 1);
      assertThat(q.read(List.of(A)))
          .as("not tried again within the minute")
          .doesNotContain(Counter.NONE);
      q.forget(100 + 2 * m);
      assertThat(q.read(List.of(A))).containsExactly(Counter.NONE);
    }
  }

  @Test
  void onPostgresqlAForgetPassesOverTheCountersAChargeHolds() throws Exception {
    long m = JdbcQuotas.FORGET_EVERY;
    try (PostgresStore s = Pg.open(Pg.freshDatabase());
        Connection charge = s.connection()) {
      QuotaStore q = s.quotas();
      q.update(
          List.of(A, B), before -> List.of(new Counter(0, 100, 1, 0), new Counter(0, 100, 2, 0)));
      charge.setAutoCommit(false); // a charge holding A, as a charge does while it decides
      try (Statement st = charge.createStatement()) {
        st.executeQuery("SELECT calls FROM quota_counters WHERE scope = 'agent/ci' FOR UPDATE")
            .close();
        q.forget(100 + m); // does not wait for the charge: @Timeout would tell
        charge.commit();
      }
      assertThat(q.read(List.of(A, B)))
          .as("A held, so passed over; B deleted")
          .containsExactly(new Counter(0, 100, 1, 0), Counter.NONE);
    }
  }

  @Test
  void aQuotaOfNCallsAcrossTwoNodesAdmitsExactlyN() throws Exception {
    String url = Pg.freshDatabase();
    int quota = 40;
    int calls = 160;
    try (PostgresStore s1 = Pg.open(url);
        PostgresStore s2 = Pg.open(url);
        Marketplace n1 = node(s1, quota);
        Marketplace n2 = node(s2, quota)) {
      SecurityContext me = SecurityContext.full("agent/ci");
      AtomicInteger admitted = new AtomicInteger();
      AtomicInteger refused = new AtomicInteger();
      CountDownLatch go = new CountDownLatch(1);
      List<CompletableFuture<Void>> all = new ArrayList<>();
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int i = 0; i < calls; i++) {
          Marketplace on = i % 2 == 0 ? n1 : n2;
          int n = i;
          all.add(
              CompletableFuture.runAsync(
                  () -> {
                    try {
                      go.await(); // every call at once, half on each node
                      assertThat(on.call(CallRequest.of("ccos.echo", Value.of(n), me)))
                          .isEqualTo(Value.of(n));
                      admitted.incrementAndGet();
                    } catch (AgoraError.LimitExceeded e) {
                      assertThat(e.getMessage()).contains("quota shared used up");
                      refused.incrementAndGet();
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  },
                  pool));
        }
        go.countDown();
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
      }
      assertThat(admitted).hasValue(quota);
      assertThat(refused).hasValue(calls - quota);
      assertThat(n2.quotaUsage(me))
          .singleElement()
          .satisfies(u -> assertThat(u.calls()).isEqualTo(quota));
      assertThat(n1.quotaUsage(SecurityContext.full("someone else")))
          .as("a quota for all callers together")
          .singleElement()
          .satisfies(u -> assertThat(u.calls()).isEqualTo(quota));
    }
  }

  private static Marketplace node(PostgresStore store, int quota) {
    Marketplace m =
        Marketplace.builder()
            .sink(new MemorySink(10_000))
            .quotaStore(store.quotas())
            .log(l -> {})
            .build();
    m.bootstrap();
    m.setPolicy(
        IsolationPolicy.allowAll()
            .withQuotas(
                new QuotaRule(
                    "shared",
                    Glob.of("ccos.echo"),
                    QuotaRule.Per.ALL,
                    (long) quota,
                    null,
                    Duration.ofDays(1))));
    return m;
  }
}
