package dev.agora.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PollingTest {

  @Test
  void theTaskRunsAgainAndAgainOnOneNamedDaemonThreadUntilClosed() throws Exception {
    CountDownLatch three = new CountDownLatch(3);
    List<Thread> ranOn = new CopyOnWriteArrayList<>();
    Polling p =
        new Polling(
            "agora-test-poll",
            Duration.ofMillis(1),
            () -> {
              ranOn.add(Thread.currentThread());
              three.countDown();
            });
    try {
      assertThat(three.await(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      p.close();
    }
    assertThat(ranOn).allSatisfy(t -> assertThat(t.getName()).isEqualTo("agora-test-poll"));
    assertThat(ranOn.getFirst().isDaemon()).isTrue();
    ranOn.getFirst().join(30_000); // closing ends its thread
    assertThat(ranOn.getFirst().isAlive()).isFalse();
  }

  @Test
  void aRunThatThrowsIsReportedAndTheNextRunStillComes() throws Exception {
    CountDownLatch second = new CountDownLatch(2);
    List<Throwable> reported = new CopyOnWriteArrayList<>();
    Polling p =
        new Polling(
            "agora-test-poll-throws",
            Duration.ofMillis(1),
            () -> {
              Thread.currentThread().setUncaughtExceptionHandler((t, e) -> reported.add(e));
              second.countDown();
              throw new IllegalStateException("boom");
            });
    try {
      assertThat(second.await(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      p.close();
    }
    assertThat(reported).isNotEmpty().allMatch(e -> e.getMessage().equals("boom"));
  }
}
