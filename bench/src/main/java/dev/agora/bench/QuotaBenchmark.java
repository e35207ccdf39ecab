package dev.agora.bench;

import dev.agora.chain.event.MemorySink;
import dev.agora.core.Marketplace;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.IsolationPolicy;
import dev.agora.core.call.policy.QuotaRule;
import dev.agora.core.call.policy.QuotaStore;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Glob;
import dev.agora.core.manifest.Sla;
import dev.agora.rtfs.Value;
import dev.agora.store.PostgresStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A governed local call ({@code paid.lookup}, which costs 0.01 units) under 0, 1 and 3 quotas
 * ({@code policy.quotas}: per caller, per tenant, for all) that never run out; the caller is in a
 * tenant, so every rule counts it. The difference to {@code quotas=0} is what counting costs: a
 * global lock, one counter per rule, and the usage noted for the call's record.
 *
 * <p>With {@code counters=postgres} the counters are in an embedded PostgreSQL (issue 18: shared by
 * every node on it), one transaction per call that a quota counts.
 *
 * <p>Run: {@code ./build bench QuotaBenchmark -f 1 -wi 3 -i 5} (SampleTime gives p50/p99); {@code
 * -t 2} for two callers at once.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class QuotaBenchmark {

  static final List<QuotaRule> QUOTAS =
      List.of(
          new QuotaRule(
              "per-caller",
              Glob.of("*"),
              QuotaRule.Per.CALLER,
              Long.MAX_VALUE,
              null,
              Duration.ofDays(1)),
          new QuotaRule(
              "per-tenant",
              Glob.of("paid.*"),
              QuotaRule.Per.TENANT,
              null,
              1e15,
              Duration.ofDays(1)),
          new QuotaRule(
              "all", Glob.of("*"), QuotaRule.Per.ALL, Long.MAX_VALUE, 1e15, Duration.ofHours(1)));

  @Param({"0", "1", "3"})
  int quotas;

  /** Where the counters are: this node's memory, or an embedded PostgreSQL every node shares. */
  @Param({"memory", "postgres"})
  String counters;

  Marketplace marketplace;
  CallRequest request;
  EmbeddedPostgres pg;
  PostgresStore store;

  @Setup
  public void setup() throws IOException {
    QuotaStore shared = null;
    if (counters.equals("postgres")) {
      pg = EmbeddedPostgres.builder().start();
      store = PostgresStore.open(pg.getJdbcUrl("postgres", "postgres"), "postgres", null, 8);
      shared = store.quotas();
    }
    marketplace =
        Marketplace.builder().sink(new MemorySink(4096)).quotaStore(shared).log(l -> {}).build();
    marketplace.bootstrap();
    marketplace.registerLocal(
        CapabilityManifest.builder("paid.lookup")
            .input(":int")
            .output(":int")
            .effects("pure")
            .sla(new Sla(0.01, null, 0))
            .build(),
        (in, call) -> in,
        true,
        "bench");
    marketplace.setPolicy(
        IsolationPolicy.allowAll().withQuotas(QUOTAS.subList(0, quotas).toArray(QuotaRule[]::new)));
    SecurityContext.Tenant acme = new SecurityContext.Tenant("acme", List.of(Glob.of("*")));
    request = CallRequest.of("paid.lookup", Value.of(7), SecurityContext.full("bench").in(acme));
    if (!marketplace.call(request).equals(Value.of(7))
        || marketplace.quotaUsage(request.caller()).size() != quotas) {
      throw new IllegalStateException("the governed call is wrong");
    }
  }

  @TearDown
  public void tearDown() throws IOException {
    marketplace.close();
    if (store != null) {
      store.close();
      pg.close();
    }
  }

  @Benchmark
  public Value governedCall() {
    return marketplace.call(request);
  }
}
