package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.core.call.policy.QuotaStore;
import dev.agora.server.ServerSettings.Limit;
import dev.agora.server.ServerSettings.Limits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Rate limits kept in the store the nodes share (issue 18): two nodes' {@link RateLimits} on one
 * store take from the same buckets, a refusal stores nothing, and body bytes are charged with the
 * caller's next request.
 */
class SharedBucketsTest {

  /** A store as the database keeps it: one map, each update atomic. */
  static final class Counters implements QuotaStore {
    final Map<Key, Counter> rows = new HashMap<>();

    @Override
    public synchronized List<Counter> update(List<Key> keys, UnaryOperator<List<Counter>> next) {
      List<Counter> now = read(keys);
      List<Counter> after = next.apply(now);
      for (int i = 0; i < keys.size(); i++) {
        rows.put(keys.get(i), after.get(i));
      }
      return after;
    }

    @Override
    public synchronized List<Counter> read(List<Key> keys) {
      List<Counter> out = new ArrayList<>();
      keys.forEach(k -> out.add(rows.getOrDefault(k, Counter.NONE)));
      return out;
    }
  }

  final Counters store = new Counters();
  final AtomicLong clock = new AtomicLong(1_000_000);
  final Limit twoASecond = new Limit(2, 1000, Duration.ofSeconds(1));
  final Limits limits = new Limits(twoASecond, Map.of(), Map.of());

  RateLimits node() {
    return node(clock);
  }

  RateLimits node(AtomicLong itsClock) {
    return new RateLimits(limits, () -> 0, new SharedBuckets(store, itsClock::get));
  }

  @Test
  void aNodeWhoseClockIsBehindDoesNotRefillTheBucket() {
    AtomicLong behind = new AtomicLong(clock.get() - 1_000);
    RateLimits ahead = node();
    RateLimits late = node(behind);
    assertThat(ahead.take("ops/ci")).isNull();
    assertThat(ahead.take("ops/ci")).isNull();
    assertThat(late.take("ops/ci")).as("empty, whatever its clock says").isNotNull();
    assertThat(node().take("ops/ci"))
        .as("the late node did not move the last refill back a second")
        .isNotNull();
  }

  @Test
  void whileTheStoreIsAwayEachNodeLimitsOnItsOwnAndSaysSoOnce() {
    List<String> log = new ArrayList<>();
    boolean[] down = {true};
    QuotaStore away =
        new QuotaStore() {
          @Override
          public List<Counter> update(List<Key> keys, UnaryOperator<List<Counter>> next) {
            if (!down[0]) {
              return store.update(keys, next);
            }
            throw new dev.agora.core.spi.StoreException("the database is away");
          }

          @Override
          public List<Counter> read(List<Key> keys) {
            throw new dev.agora.core.spi.StoreException("the database is away");
          }
        };
    RateLimits r = new RateLimits(limits, () -> 0, new SharedBuckets(away, clock::get), log::add);
    assertThat(r.take("ops/ci")).isNull();
    assertThat(r.take("ops/ci")).isNull();
    assertThat(r.take("ops/ci")).as("its own bucket of two").isNotNull();
    assertThat(r.takeTenant("acme", twoASecond)).isNull();
    assertThat(log)
        .containsExactly(
            "agora: rate limits kept on this node (the shared ones fail): the database is away");
    down[0] = false;
    assertThat(r.take("other/caller")).as("the shared buckets again").isNull();
    assertThat(store.rows).containsKey(new QuotaStore.Key("rate:caller", "other/caller"));
    assertThat(log).last().isEqualTo("agora: rate limits shared again");
  }

  @Test
  void twoNodesTakeFromOneBucket() {
    RateLimits a = node();
    RateLimits b = node();
    assertThat(a.take("ops/ci")).isNull();
    assertThat(b.take("ops/ci")).as("the second of two a second, on the other node").isNull();
    RateLimits.Refusal over = a.take("ops/ci");
    assertThat(over).isNotNull();
    assertThat(over.limit()).isEqualTo(twoASecond);
    assertThat(over.retryAfterSeconds()).isEqualTo(1);
    assertThat(b.take("someone/else")).as("each caller its own bucket").isNull();
    clock.addAndGet(500); // one call's worth refilled
    assertThat(b.take("ops/ci")).isNull();
    assertThat(a.take("ops/ci")).isNotNull();
  }

  @Test
  void aRefusalTakesNoCallAndAFullBucketCanBeForgotten() {
    RateLimits a = node();
    a.take("ops/ci");
    a.take("ops/ci");
    assertThat(a.take("ops/ci")).isNotNull();
    QuotaStore.Counter c = store.rows.get(new QuotaStore.Key("rate:caller", "ops/ci"));
    assertThat(c.cost()).as("no call taken by the refusal").isZero();
    assertThat(c.windowEnd() - c.windowStart())
        .as("full again after a second: then the counter may be forgotten")
        .isEqualTo(1000);
  }

  @Test
  void bodyBytesAreChargedWithTheNextRequestAndADebtIsWaitedOut() {
    RateLimits a = node();
    RateLimits b = node();
    assertThat(a.take("ops/ci")).isNull();
    a.charge("ops/ci", 5000); // five seconds of bytes: a debt
    assertThat(a.take("ops/ci")).as("charged now: the bytes are over").isNotNull();
    RateLimits.Refusal over = b.take("ops/ci");
    assertThat(over).as("the debt is the bucket's, seen from the other node").isNotNull();
    assertThat(over.retryAfterSeconds()).isEqualTo(5);
    QuotaStore.Counter owing = store.rows.get(new QuotaStore.Key("rate:caller", "ops/ci"));
    assertThat(owing.calls()).as("the bytes left: a debt").isEqualTo(-4000);
    assertThat(owing.windowEnd() - owing.windowStart())
        .as("a debt of bytes keeps the counter past the burst")
        .isEqualTo(5000);
    clock.addAndGet(4000);
    assertThat(a.take("ops/ci")).as("four seconds of a five-second debt").isNotNull();
    clock.addAndGet(1100);
    assertThat(b.take("ops/ci")).as("the debt waited out").isNull();
  }

  @Test
  void aTenantsCallersShareOneBucketAcrossNodes() {
    Limit oneASecond = new Limit(1, 1 << 20, Duration.ofSeconds(1));
    assertThat(node().takeTenant("acme", oneASecond)).isNull();
    assertThat(node().takeTenant("acme", oneASecond)).isNotNull();
    assertThat(node().takeTenant("globex", oneASecond)).isNull();
  }
}
