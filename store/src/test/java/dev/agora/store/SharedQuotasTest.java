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
import dev.agora.core.spi.StoreException;
import dev.agora.rtfs.Value;
import java.nio.file.Path;
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
    q.update(
        List.of(A, B), before -> List.of(new Counter(0, 100, 1, 0), new Counter(0, 60_000, 2, 0)));
    q.forget(5_000);
    assertThat(q.read(List.of(A, B)))
        .as("A's window ended at 100, B's runs to 60 s")
        .containsExactly(Counter.NONE, new Counter(0, 60_000, 2, 0));
    q.forget(5_000 + JdbcQuotas.FORGET_EVERY - 1);
    assertThat(q.read(List.of(B))).as("not again within a minute").doesNotContain(Counter.NONE);
    q.forget(5_000 + JdbcQuotas.FORGET_EVERY);
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
  void aForgetThatFailsIsLeftForTheNextMinute() {
    SqliteStore s = SqliteStore.open(dir.resolve("closed.db"));
    QuotaStore q = new JdbcQuotas(s, "", "");
    s.close();
    q.forget(1_000); // the store is closed: nothing to do but try again later
    assertThatThrownBy(() -> q.read(List.of(A))).isInstanceOf(StoreException.class);
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
