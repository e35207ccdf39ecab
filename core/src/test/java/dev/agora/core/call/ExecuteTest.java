package dev.agora.core.call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventType;
import dev.agora.chain.event.MemorySink;
import dev.agora.core.Marketplace;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.error.AgoraError;
import dev.agora.core.local.LocalFunction;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.spi.Downstream;
import dev.agora.core.spi.Redactor;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.ErrorKind;
import dev.agora.rtfs.RtfsError;
import dev.agora.rtfs.Value;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Execute stage: whatever a provider returns or throws — on the caller's thread (inline) or on
 * its own virtual thread — becomes a value or a typed error, and an interrupted caller stays
 * interrupted.
 */
@Timeout(60)
class ExecuteTest {

  private final MemorySink sink = new MemorySink(1_000);
  private final Marketplace m = Marketplace.builder().sink(sink).log(l -> {}).build();

  @AfterEach
  void close() {
    Thread.interrupted(); // never leave the test thread interrupted
    m.close();
  }

  private Value call(String id, LocalFunction fn, boolean inline) {
    m.registerLocal(
        CapabilityManifest.builder(id).effects(inline ? "pure" : "network").build(),
        fn,
        inline,
        "test");
    return m.call(CallRequest.of(id, Value.NIL, SecurityContext.full("tester")));
  }

  private AgoraError.ProviderError failure(String id, LocalFunction fn, boolean inline) {
    return catchThrowableOfType(AgoraError.ProviderError.class, () -> call(id, fn, inline));
  }

  /** A provider on its own thread that waits until interrupted, counting both moments down. */
  private void waiting(String id, CountDownLatch started, CountDownLatch interrupted) {
    m.registerLocal(
        CapabilityManifest.builder(id).effects("network").build(),
        (in, c) -> {
          started.countDown();
          try {
            new CountDownLatch(1).await();
          } catch (InterruptedException ie) {
            interrupted.countDown();
            throw ie;
          }
          return Value.NIL;
        },
        false,
        "test");
  }

  @Test
  void aProviderReturningNullAnswersNil() {
    assertThat(call("t.null.inline", (in, c) -> null, true)).isEqualTo(Value.NIL);
    assertThat(call("t.null.thread", (in, c) -> null, false)).isEqualTo(Value.NIL);
  }

  @Test
  void whatAProviderThrowsBecomesAProviderErrorSayingWhat() {
    RtfsError rtfs = new RtfsError(ErrorKind.DivisionByZero, "divide by zero");
    AgoraError.ProviderError e =
        failure(
            "t.rtfs",
            (in, c) -> {
              throw rtfs;
            },
            true);
    assertThat(e.getMessage()).isEqualTo("capability 't.rtfs' failed: " + rtfs.describe());
    assertThat(e.getCause()).isSameAs(rtfs);

    AgoraError.ProviderError quiet =
        failure(
            "t.quiet",
            (in, c) -> {
              throw new IOException();
            },
            false);
    assertThat(quiet.getMessage()).isEqualTo("capability 't.quiet' failed: IOException");
    assertThat(quiet.isTransient()).isFalse();
  }

  @Test
  void anErrorOnTheProvidersThreadIsReportedNotLost() {
    AssertionError bug = new AssertionError("invariant broken");
    AgoraError.ProviderError e =
        failure(
            "t.bug",
            (in, c) -> {
              throw bug;
            },
            false);
    assertThat(e.getMessage())
        .isEqualTo("capability 't.bug' failed: AssertionError: invariant broken");
    assertThat(e.getCause()).isSameAs(bug);
    assertThat(sink.events(EventType.CapabilityResult).getLast().errorKind())
        .isEqualTo("ProviderError");
  }

  @Test
  void aProviderInterruptedOnTheCallersThreadIsCancelledAndLeavesItInterrupted() {
    AgoraError.Cancelled e =
        catchThrowableOfType(
            AgoraError.Cancelled.class,
            () ->
                call(
                    "t.interrupted",
                    (in, c) -> {
                      throw new InterruptedException("stop");
                    },
                    true));
    assertThat(e.getMessage())
        .isEqualTo("capability 't.interrupted' was cancelled: the provider was interrupted");
    assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
    assertThat(sink.events(EventType.CapabilityResult).getLast().errorKind())
        .isEqualTo("Cancelled");
  }

  /**
   * On the caller's thread, a provider that fails as its caller gives up (a closing marketplace
   * interrupts its calls, then closes the connections they use) was cancelled, whatever it says —
   * as on a watched thread.
   */
  @Test
  void aProviderFailingAsItsCallerIsInterruptedOnItsThreadIsCancelled() {
    AgoraError.Cancelled e =
        catchThrowableOfType(
            AgoraError.Cancelled.class,
            () ->
                call(
                    "t.gone",
                    (in, c) -> {
                      Thread.currentThread().interrupt();
                      throw new IllegalStateException("the connection is closed");
                    },
                    true));
    assertThat(e.getMessage())
        .isEqualTo(
            "capability 't.gone' was cancelled: the caller was interrupted while the provider ran");
    assertThat(Thread.interrupted()).isTrue();
    assertThat(
            catchThrowableOfType(
                AgoraError.ProviderError.class,
                () ->
                    call(
                        "t.failing",
                        (in, c) -> {
                          throw new IllegalStateException("no");
                        },
                        true)))
        .as("not interrupted: the failure as it is")
        .hasMessageContaining("no");
  }

  @Test
  void aCallerInterruptedBeforeItWaitsCancelsTheProvidersThread() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch cancelled = new CountDownLatch(1);
    waiting("t.wait", started, cancelled);
    Thread.currentThread().interrupt();
    AgoraError.Cancelled e =
        catchThrowableOfType(
            AgoraError.Cancelled.class,
            () -> m.call(CallRequest.of("t.wait", Value.NIL, SecurityContext.full("tester"))));
    assertThat(e.getMessage())
        .isEqualTo(
            "capability 't.wait' was cancelled: the caller was interrupted while the provider ran");
    assertThat(Thread.interrupted()).isTrue();
    if (started.getCount() == 0) {
      assertThat(cancelled.await(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  /**
   * Issue 13: the server interrupts the thread of a call whose client sent notifications/cancelled
   * (or closed its session) while the provider runs: the provider's thread is interrupted, the call
   * is recorded as Cancelled — the caller's doing, not evidence against the provider — and the
   * caller's thread stays interrupted.
   */
  @Test
  void aCallerInterruptedWhileItWaitsCancelsTheProviderAndIsRecordedAsCancelled() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch providerInterrupted = new CountDownLatch(1);
    waiting("t.slow", started, providerInterrupted);
    Throwable[] thrown = new Throwable[1];
    boolean[] stillInterrupted = new boolean[1];
    Thread caller =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    m.call(CallRequest.of("t.slow", Value.NIL, SecurityContext.full("tester")));
                  } catch (Throwable t) {
                    thrown[0] = t;
                  }
                  stillInterrupted[0] = Thread.currentThread().isInterrupted();
                });
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    caller.interrupt();
    caller.join();
    assertThat(thrown[0])
        .isInstanceOf(AgoraError.Cancelled.class)
        .hasMessage(
            "capability 't.slow' was cancelled: the caller was interrupted while the provider ran");
    AgoraError.Cancelled cancelled = (AgoraError.Cancelled) thrown[0];
    assertThat(cancelled.kind()).isEqualTo(ErrorKind.Cancelled);
    assertThat(cancelled.fault().countsAgainstProvider()).isFalse();
    assertThat(stillInterrupted[0]).as("the caller's interrupt flag is kept").isTrue();
    assertThat(providerInterrupted.await(30, TimeUnit.SECONDS)).isTrue();
    Event result = sink.events(EventType.CapabilityResult).getLast();
    assertThat(result.capabilityId()).isEqualTo("t.slow");
    assertThat(result.errorKind()).isEqualTo("Cancelled");
  }

  @Test
  void whatAProviderNotesIsInTheMetadataOfTheCallsResult() {
    call(
        "t.notes",
        (in, c) -> {
          c.note("forwarded", Value.of("sampling/createMessage"));
          return Value.NIL;
        },
        false);
    Dict meta = sink.events(EventType.CapabilityResult).getLast().metadata();
    assertThat(meta.get("forwarded")).isEqualTo(Value.of("sampling/createMessage"));
    assertThat(meta.get("definition"))
        .as("the digest of the definition that ran")
        .isEqualTo(Value.of(m.registry().get("t.notes").provenance().contentHash()));
    assertThat(meta.containsKey(Value.keyword("attestation")))
        .as("unsigned: no passport")
        .isFalse();
  }

  @Test
  void anInlineCallWhoseDeadlineHasPassedIsATimeoutWithoutRunning() {
    boolean[] ran = {false};
    m.registerLocal(
        CapabilityManifest.builder("t.late").effects("pure").build(),
        (in, c) -> {
          ran[0] = true;
          return Value.NIL;
        },
        true,
        "test");
    AgoraError.Timeout t =
        catchThrowableOfType(
            AgoraError.Timeout.class,
            () ->
                m.call(
                    CallRequest.of("t.late", Value.NIL, SecurityContext.full("tester"))
                        .withTimeout(Duration.ZERO)));
    assertThat(t).isNotNull();
    assertThat(ran[0]).isFalse();
  }

  @Test
  void whatAProviderSaysItSentNeverComesBackInItsResultOrError() {
    String token = "tok-very-secret-42";
    Redactor secrets = Redactor.NONE.with("SVC_TOKEN", token);
    Value echoed =
        call(
            "t.echoes",
            (in, c) -> {
              c.usedSecrets(secrets);
              return Dict.of(Value.keyword("sent"), Value.of("Bearer " + token));
            },
            false);
    assertThat(echoed)
        .isEqualTo(Dict.of(Value.keyword("sent"), Value.of("Bearer [redacted:SVC_TOKEN]")));
    AgoraError.ProviderError thrown =
        failure(
            "t.throws",
            (in, c) -> {
              c.usedSecrets(secrets);
              throw new IllegalStateException("refused " + token);
            },
            true);
    assertThat(thrown.getMessage())
        .isEqualTo("capability 't.throws' failed: refused [redacted:SVC_TOKEN]");
    assertThat(thrown.getCause()).isNull();
    AgoraError.ProviderError rtfs =
        failure(
            "t.rtfs.secret",
            (in, c) -> {
              c.usedSecrets(secrets);
              throw new RtfsError(ErrorKind.InvalidArgument, "bad " + token);
            },
            true);
    assertThat(rtfs.getMessage()).contains("[redacted:SVC_TOKEN]").doesNotContain(token);
    AgoraError.ProviderError error =
        failure(
            "t.error.secret",
            (in, c) -> {
              c.usedSecrets(secrets);
              throw new AssertionError("oops " + token);
            },
            false);
    assertThat(error.getMessage()).contains("[redacted:SVC_TOKEN]").doesNotContain(token);
    for (Event e : sink.events()) {
      assertThat(String.valueOf(e.result()) + e.error()).doesNotContain(token);
    }
  }

  @Test
  void aProviderReachesTheClientThatMadeTheCallAndNoClientRefusesRequests() {
    List<String> heard = new ArrayList<>();
    Downstream client =
        new Downstream() {
          @Override
          public void progress(double progress, Double total, String message) {
            heard.add(progress + "/" + total + " " + message);
          }

          @Override
          public boolean supports(String capability) {
            return capability.equals("sampling");
          }

          @Override
          public Value request(String method, Value params, Duration timeout) {
            return Value.of(method + " answered");
          }
        };
    m.registerLocal(
        CapabilityManifest.builder("t.downstream").effects("network").build(),
        (in, c) -> {
          c.downstream().progress(1, 2.0, "half");
          return c.downstream().supports("sampling")
              ? c.downstream().request("sampling/createMessage", Value.NIL, Duration.ofSeconds(1))
              : Value.of("alone");
        },
        false,
        "test");
    CallRequest r = CallRequest.of("t.downstream", Value.NIL, SecurityContext.full("tester"));
    assertThat(m.call(r.withDownstream(client)))
        .isEqualTo(Value.of("sampling/createMessage answered"));
    assertThat(heard).containsExactly("1.0/2.0 half");
    assertThat(m.call(r.withTimeout(Duration.ofSeconds(5)))).isEqualTo(Value.of("alone"));
    AgoraError.ProviderError e =
        catchThrowableOfType(
            AgoraError.ProviderError.class,
            () -> Downstream.NONE.request("elicitation/create", Value.NIL, Duration.ZERO));
    assertThat(e.getMessage()).contains("elicitation/create needs a client");
  }
}
