package dev.agora.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventType;
import dev.agora.chain.event.MemorySink;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.rtfs.Value;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Closing a marketplace with calls in flight ({@code agora mcp} on end of input or SIGTERM): they
 * are cancelled, fail, and are recorded before close returns; a call that ignores its cancellation
 * is waited for only {@link Marketplace#CANCELLING}.
 */
@Timeout(60)
class ClosingTest {

  private static final SecurityContext ME = SecurityContext.full("me");

  private static CapabilityManifest manifest(String id) {
    return CapabilityManifest.builder(id)
        .input(":any")
        .output(":any")
        .effects("pure")
        .timeout(Duration.ofMinutes(5))
        .build();
  }

  /** Starts {@code n} calls of {@code id} on their own threads; each future holds its outcome. */
  private static List<CompletableFuture<Object>> calls(Marketplace m, String id, int n) {
    List<CompletableFuture<Object>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      CompletableFuture<Object> f = new CompletableFuture<>();
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  f.complete(m.call(CallRequest.of(id, Value.of(1), ME)));
                } catch (RuntimeException e) {
                  f.complete(e);
                }
              });
      out.add(f);
    }
    return out;
  }

  @Test
  void closingCancelsTheCallsInFlightAndTheyAreRecordedBeforeItReturns() throws Exception {
    MemorySink sink = new MemorySink(1_000);
    List<String> log = new ArrayList<>();
    CountDownLatch started = new CountDownLatch(3);
    CountDownLatch never = new CountDownLatch(1);
    Marketplace m = Marketplace.builder().sink(sink).log(log::add).build();
    m.registerLocal(
        manifest("t.slow"),
        (in, c) -> {
          started.countDown();
          never.await();
          return Value.NIL;
        },
        false,
        "test");
    List<CompletableFuture<Object>> calls = calls(m, "t.slow", 3);
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(m.callsInFlight()).isEqualTo(3);

    long t0 = System.nanoTime();
    m.close();
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    System.out.println("closing with 3 calls in flight took " + ms + " ms");

    assertThat(m.callsInFlight()).isZero();
    for (CompletableFuture<Object> c : calls) {
      assertThat(c.get(30, TimeUnit.SECONDS))
          .isInstanceOfSatisfying(
              AgoraError.class, e -> assertThat(e.getMessage()).contains("cancelled"));
    }
    List<Event> results = sink.events(EventType.CapabilityResult);
    assertThat(results)
        .hasSize(3)
        .allSatisfy(
            e -> {
              assertThat(e.success()).isFalse();
              assertThat(e.error()).contains("cancelled");
            });
    assertThat(log).containsExactly("agora: closing; cancelled 3 call(s) in flight");
  }

  @Test
  void aCallThatIgnoresItsCancellationIsWaitedForABoundedTime() throws Exception {
    List<String> log = new ArrayList<>();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Marketplace m = Marketplace.builder().log(log::add).build();
    CountDownLatch interrupted = new CountDownLatch(1);
    m.registerLocal(
        manifest("t.stubborn"), // inline: on the caller's thread, and it swallows the interrupt
        (in, c) -> {
          started.countDown();
          while (true) {
            try {
              release.await();
              return Value.NIL;
            } catch (InterruptedException e) {
              interrupted.countDown(); // and on it goes
            }
          }
        },
        true,
        "test");
    List<CompletableFuture<Object>> calls = calls(m, "t.stubborn", 1);
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();

    long t0 = System.nanoTime();
    m.close();
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    System.out.println("closing with a call that ignores its cancellation took " + ms + " ms");

    assertThat(interrupted.await(0, TimeUnit.SECONDS)).as("the call was interrupted").isTrue();
    assertThat(ms).isGreaterThanOrEqualTo(Marketplace.CANCELLING.toMillis());
    assertThat(log)
        .containsExactly(
            "agora: closing; cancelled 1 call(s) in flight",
            "agora: 1 call(s) still running 2000 ms after they were cancelled");
    release.countDown();
    assertThat(calls.get(0).get(30, TimeUnit.SECONDS)).isEqualTo(Value.NIL);
  }

  @Test
  void aCallThatEndedIsNeverInterruptedAndClosingWithoutCallsSaysNothing() {
    List<String> log = new ArrayList<>();
    Marketplace m = Marketplace.builder().log(log::add).build();
    m.registerLocal(manifest("t.quick"), (in, c) -> Value.of(2), true, "test");
    assertThat(m.call(CallRequest.of("t.quick", Value.of(1), ME))).isEqualTo(Value.of(2));
    m.close();
    assertThat(Thread.interrupted()).isFalse();
    assertThat(log).isEmpty();
  }

  @Test
  void aCallOverIsNotCancelledThoughStillListed() {
    CallsInFlight calls = new CallsInFlight();
    CallsInFlight.Running r = calls.enter();
    assertThat(calls.size()).isOne();
    assertThat(calls.cancelAll()).isOne();
    assertThat(Thread.interrupted()).as("a running call is interrupted").isTrue();
    calls.exit(r);
    assertThat(calls.cancelAll()).isZero();
    assertThat(Thread.interrupted()).isFalse();
    assertThat(calls.awaitEnded(Duration.ZERO)).isTrue();
  }

  @Test
  void waitingForCallsStopsAtItsBoundOrAnInterrupt() {
    CallsInFlight calls = new CallsInFlight();
    CallsInFlight.Running r = calls.enter();
    assertThat(calls.awaitEnded(Duration.ofMillis(20))).isFalse();
    Thread.currentThread().interrupt();
    assertThat(calls.awaitEnded(Duration.ofMinutes(5))).isFalse();
    assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
    calls.exit(r);
    assertThat(calls.awaitEnded(Duration.ofMinutes(5))).isTrue();
  }
}
