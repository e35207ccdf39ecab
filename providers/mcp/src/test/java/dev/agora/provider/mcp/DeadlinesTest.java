package dev.agora.provider.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Waiting for a request's answer ({@link Deadlines#await}): it ends when the answer comes, when the
 * deadline passes — also after the watcher went to sleep for want of waiters — or when the caller
 * gives up.
 */
class DeadlinesTest {

  private static long in(Duration d) {
    return System.nanoTime() + d.toNanos();
  }

  @Test
  void anAnswerAlreadyThereIsTakenWhateverTheDeadline() throws Exception {
    assertThat(Deadlines.await(CompletableFuture.completedFuture("now"), in(Duration.ZERO)))
        .isEqualTo("now");
    assertThatThrownBy(
            () ->
                Deadlines.await(
                    CompletableFuture.failedFuture(new IllegalStateException("no")),
                    in(Duration.ofSeconds(5))))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IllegalStateException.class);
  }

  @Test
  void theAnswerWakesTheWaiter() throws Exception {
    CompletableFuture<String> later = new CompletableFuture<>();
    Attempt a =
        Attempt.start(() -> Deadlines.await(later, in(Duration.ofMinutes(5))))
            .blockedIn(Thread.State.WAITING);
    later.complete("later");
    assertThat(a.result()).isEqualTo("later");
  }

  @Test
  void theDeadlineEndsTheWait() {
    long start = System.nanoTime();
    assertThatThrownBy(() -> Deadlines.await(new CompletableFuture<>(), in(Duration.ofMillis(30))))
        .isInstanceOf(TimeoutException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(30));
  }

  @Test
  void aCallerThatGivesUpStopsWaiting() throws Exception {
    Attempt a =
        Attempt.start(() -> Deadlines.await(new CompletableFuture<>(), in(Duration.ofMinutes(5))));
    a.thread().interrupt();
    assertThat(((Attempt.Thrown) a.result()).thrown()).isInstanceOf(InterruptedException.class);
  }

  @Test
  void aSleepingWatcherIsWokenByTheNextWaiterAndKeepsItsDeadline() throws Exception {
    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!Deadlines.asleep()) { // a second with nothing to watch: it sleeps until woken
      assertThat(System.nanoTime()).as("the watcher went to sleep").isLessThan(until);
      Thread.sleep(20); // polls a state, not a synchronisation
    }
    assertThatThrownBy(() -> Deadlines.await(new CompletableFuture<>(), in(Duration.ofMillis(50))))
        .isInstanceOf(TimeoutException.class);
    assertThat(Deadlines.asleep()).as("woken").isFalse();
  }

  @Test
  void aDirectRequestIsSentOnlyWhenTheServerOffersItsCapability() {
    McpConnection.Direct<Object> d =
        new McpConnection.Direct<>("tools/call", null, null, c -> c.tools() != null);
    assertThat(d.offered(null)).as("no capabilities known").isFalse();
    assertThat(d.offered(McpSchema.ServerCapabilities.builder().prompts(false).build())).isFalse();
    assertThat(d.offered(McpSchema.ServerCapabilities.builder().tools(false).build())).isTrue();
  }
}
