package dev.agora.provider.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The waiting for replies to Agora's own requests: a reply reaches the one thread that waits for
 * it; the deadline and the caller giving up end the wait; {@link Deadlines} keeps deadlines even
 * after it went to sleep for want of waiters.
 */
class RepliesTest {

  private final Replies replies = new Replies();

  private static McpSchema.JSONRPCResponse reply(Object id, Object result) {
    return new McpSchema.JSONRPCResponse(McpSchema.JSONRPC_VERSION, id, result, null);
  }

  private static long in(Duration d) {
    return System.nanoTime() + d.toNanos();
  }

  @Test
  void aReplyReachesItsWaiterAndNoOther() throws Exception {
    String a = replies.nextId();
    String b = replies.nextId();
    assertThat(a).startsWith(Replies.PREFIX).isNotEqualTo(b);
    Replies.Waiter wa = replies.expect(a, in(Duration.ofSeconds(30)));
    assertThat(replies.answer(reply("someone-else", 1))).as("not ours").isFalse();
    assertThat(replies.answer(reply(a, Map.of("n", 1)))).isTrue();
    assertThat(replies.answer(reply(a, 2))).as("answered once").isFalse();
    assertThat(replies.await(a, wa).result()).isEqualTo(Map.of("n", 1));

    CompletableFuture<McpSchema.JSONRPCResponse> waiting = new CompletableFuture<>();
    Thread t =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    waiting.complete(
                        replies.await(b, replies.expect(b, in(Duration.ofSeconds(30)))));
                  } catch (Exception e) {
                    waiting.completeExceptionally(e);
                  }
                });
    while (!replies.answer(reply(b, "late"))) {
      Thread.onSpinWait(); // until the waiter has registered
    }
    assertThat(waiting.get(10, TimeUnit.SECONDS).result()).isEqualTo("late");
    t.join();
  }

  @Test
  void theDeadlineEndsTheWait() {
    String id = replies.nextId();
    Replies.Waiter w = replies.expect(id, in(Duration.ofMillis(30)));
    long start = System.nanoTime();
    assertThatThrownBy(() -> replies.await(id, w)).isInstanceOf(TimeoutException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(30));
    assertThat(replies.answer(reply(id, 1))).as("nobody waits any more").isFalse();
  }

  @Test
  void aCallerThatGivesUpStopsWaiting() throws Exception {
    String id = replies.nextId();
    CompletableFuture<Throwable> ended = new CompletableFuture<>();
    Thread t =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    replies.await(id, replies.expect(id, in(Duration.ofMinutes(5))));
                    ended.complete(null);
                  } catch (Exception e) {
                    ended.complete(e);
                  }
                });
    t.interrupt();
    assertThat(ended.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
    assertThat(replies.answer(reply(id, 1))).isFalse();
  }

  @Test
  void aSleepingWatcherIsWokenByTheNextWaiterAndKeepsItsDeadline() throws Exception {
    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!Deadlines.asleep()) { // a second with nothing to watch: it sleeps until woken
      assertThat(System.nanoTime()).as("the watcher went to sleep").isLessThan(until);
      Thread.sleep(20); // polls a state, not a synchronisation
    }
    String id = replies.nextId();
    Replies.Waiter w = replies.expect(id, in(Duration.ofMillis(50)));
    assertThatThrownBy(() -> replies.await(id, w)).isInstanceOf(TimeoutException.class);
    assertThat(Deadlines.asleep()).as("woken").isFalse();
  }

  @Test
  void aFutureIsAwaitedUntilItCompletesItsDeadlineOrItsCallerGivesUp() throws Exception {
    assertThat(Deadlines.await(CompletableFuture.completedFuture("now"), in(Duration.ZERO)))
        .as("done: no wait, whatever the deadline")
        .isEqualTo("now");
    assertThatThrownBy(
            () ->
                Deadlines.await(
                    CompletableFuture.failedFuture(new IllegalStateException("no")),
                    in(Duration.ofSeconds(5))))
        .isInstanceOf(java.util.concurrent.ExecutionException.class)
        .hasCauseInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> Deadlines.await(new CompletableFuture<>(), in(Duration.ofMillis(30))))
        .isInstanceOf(TimeoutException.class);

    CompletableFuture<String> later = new CompletableFuture<>();
    CompletableFuture<Object> got = new CompletableFuture<>();
    Thread t =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    got.complete(Deadlines.await(later, in(Duration.ofMinutes(5))));
                  } catch (Exception e) {
                    got.complete(e);
                  }
                });
    while (t.getState() != Thread.State.WAITING) {
      Thread.onSpinWait(); // until it parks
    }
    later.complete("later");
    assertThat(got.get(10, TimeUnit.SECONDS)).isEqualTo("later");

    CompletableFuture<Object> gaveUp = new CompletableFuture<>();
    Thread u =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    gaveUp.complete(
                        Deadlines.await(new CompletableFuture<>(), in(Duration.ofMinutes(5))));
                  } catch (Exception e) {
                    gaveUp.complete(e);
                  }
                });
    u.interrupt();
    assertThat(gaveUp.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
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
