package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.server.ServerSettings.Limit;
import dev.agora.server.ServerSettings.Limits;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Each caller's allowance, on a clock the test moves. */
class RateLimitsTest {

  private static final long SECOND = 1_000_000_000L;

  private final AtomicLong now = new AtomicLong();

  private final Limit twoASecond = new Limit(2, 100, Duration.ofSeconds(1));
  private final Limit slow = new Limit(0.5, 10, Duration.ofSeconds(2));
  private final Limit byContext = new Limit(7, 7, Duration.ofSeconds(1));

  private final RateLimits limits =
      new RateLimits(
          new Limits(twoASecond, Map.of("ci", slow), Map.of("agent", byContext)), now::get);

  @Test
  void aKeysLimitComesBeforeItsContextsAndTheContextsBeforeTheDefault() {
    assertThat(limits.limitOf("agent/ci")).isEqualTo(slow);
    assertThat(limits.limitOf("operator/ci")).isEqualTo(slow);
    assertThat(limits.limitOf("agent/other")).isEqualTo(byContext);
    assertThat(limits.limitOf("agent")).as("anonymous callers of agent").isEqualTo(byContext);
    assertThat(limits.limitOf("operator/ops")).isEqualTo(twoASecond);
  }

  @Test
  void callsAreTakenFromABurstAndComeBackAtTheRate() {
    assertThat(limits.take("operator/ops")).isNull();
    assertThat(limits.take("operator/ops")).isNull();
    RateLimits.Refusal r = limits.take("operator/ops");
    assertThat(r).isEqualTo(new RateLimits.Refusal(twoASecond, 1));
    assertThat(limits.take("operator/other")).as("another caller's own allowance").isNull();
    now.addAndGet(SECOND / 2); // one call back
    assertThat(limits.take("operator/ops")).isNull();
    assertThat(limits.take("operator/ops")).isNotNull();
    now.addAndGet(10 * SECOND); // never more than the burst
    assertThat(limits.take("operator/ops")).isNull();
    assertThat(limits.take("operator/ops")).isNull();
    assertThat(limits.take("operator/ops")).isNotNull();
  }

  @Test
  void bytesAreChargedOnCreditAndTheDebtIsWaitedOut() {
    assertThat(limits.take("agent/ci")).isNull(); // 1 of 1 call (0.5 a second for 2 s)
    limits.charge("agent/ci", 61); // 20 bytes of allowance: 41 owed at 10 a second
    now.addAndGet(2 * SECOND); // a call back, 20 bytes paid
    RateLimits.Refusal r = limits.take("agent/ci");
    assertThat(r.limit()).isEqualTo(slow);
    assertThat(r.retryAfterSeconds()).isEqualTo(3); // 21 bytes and one more at 10 a second
    now.addAndGet(3 * SECOND);
    assertThat(limits.take("agent/ci")).isNull();
  }

  @Test
  void callersWhoseAllowanceIsFullAgainAreForgottenNotTheOthers() {
    assertThat(limits.take("operator/busy")).isNull();
    assertThat(limits.take("operator/busy")).isNull(); // its allowance is spent
    for (int i = 0; limits.callers() < RateLimits.PRUNE_ABOVE; i++) {
      assertThat(limits.take("operator/oauth:user-" + i)).isNull(); // one call of two each
    }
    now.addAndGet(SECOND / 4); // half a call back each: nobody is full yet
    assertThat(limits.take("operator/new-1")).isNull();
    assertThat(limits.callers()).isEqualTo(RateLimits.PRUNE_ABOVE + 1);
    now.addAndGet(SECOND / 4); // the one-call takers are full again; busy has one of two
    assertThat(limits.take("operator/new-2")).isNull();
    assertThat(limits.callers()).as("busy, new-1 and new-2").isEqualTo(3);
    assertThat(limits.take("operator/busy")).isNull();
    assertThat(limits.take("operator/busy")).as("busy was not forgotten").isNotNull();
  }
}
