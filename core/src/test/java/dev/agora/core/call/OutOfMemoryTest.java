package dev.agora.core.call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventSink;
import dev.agora.chain.event.EventType;
import dev.agora.chain.event.MemorySink;
import dev.agora.core.Marketplace;
import dev.agora.core.TestClock;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.error.AgoraError;
import dev.agora.core.local.LocalFunction;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.rtfs.Value;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: an OutOfMemoryError met on the call path is answered and recorded as out of memory —
 * never as the message of what the JDK wrapped it in ("Self-suppression not permitted").
 */
class OutOfMemoryTest {

  private final MemorySink events = new MemorySink(1_000);

  /** What the sink throws instead of recording, or null to record. */
  private final AtomicReference<Supplier<RuntimeException>> sinkFails = new AtomicReference<>();

  private final AtomicReference<Error> sinkError = new AtomicReference<>();

  private final EventSink sink =
      e -> {
        if (sinkError.get() != null) {
          throw sinkError.get();
        }
        if (sinkFails.get() != null) {
          throw sinkFails.get().get();
        }
        events.accept(e);
      };

  private final Marketplace m =
      Marketplace.builder()
          .sink(sink)
          .clock(new TestClock("2026-12-04T08:00:00Z"))
          .log(l -> {})
          .build();

  @AfterEach
  void tearDown() {
    m.close();
  }

  /**
   * What try-with-resources throws when its body and close() throw the JVM's one shared
   * OutOfMemoryError, as a JDBC store under memory pressure does.
   */
  static RuntimeException selfSuppression() {
    OutOfMemoryError shared = new OutOfMemoryError("Java heap space");
    try (AutoCloseable resource =
        () -> {
          throw shared;
        }) {
      throw shared;
    } catch (IllegalArgumentException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private AgoraError callFailing(LocalFunction fn) {
    m.registerLocal(CapabilityManifest.builder("t.hog").effects("pure").build(), fn, true, "test");
    return catchThrowableOfType(
        AgoraError.class,
        () -> m.call(CallRequest.of("t.hog", Value.NIL, SecurityContext.full("tester"))));
  }

  @Test
  void the_jdks_self_suppression_message_is_what_try_with_resources_throws() {
    RuntimeException e = selfSuppression();
    assertThat(e).hasMessage("Self-suppression not permitted");
    assertThat(e.getCause()).isInstanceOf(OutOfMemoryError.class);
  }

  @Test
  void a_chain_write_that_ran_out_of_memory_is_not_recorded_for_being_out_of_memory() {
    m.registerLocal(
        CapabilityManifest.builder("t.ok").effects("pure").build(),
        (in, c) -> Value.TRUE,
        true,
        "test");
    sinkFails.set(OutOfMemoryTest::selfSuppression);
    AgoraError e =
        catchThrowableOfType(
            AgoraError.NotRecorded.class,
            () -> m.call(CallRequest.of("t.ok", Value.NIL, SecurityContext.full("tester"))));
    assertThat(e.getMessage())
        .isEqualTo(
            "capability 't.ok': the Causal Chain could not record CapabilityCall (out of memory"
                + " (Java heap space)); the call was not made")
        .doesNotContain("Self-suppression");
    sinkFails.set(null);
    sinkError.set(new OutOfMemoryError("Java heap space"));
    assertThat(
            catchThrowableOfType(
                    AgoraError.NotRecorded.class,
                    () -> m.call(CallRequest.of("t.ok", Value.NIL, SecurityContext.full("tester"))))
                .getMessage())
        .as("an OutOfMemoryError from the sink itself")
        .contains("(out of memory (Java heap space)); the call was not made");
    sinkError.set(new StackOverflowError());
    assertThat(
            catchThrowableOfType(
                StackOverflowError.class,
                () -> m.call(CallRequest.of("t.ok", Value.NIL, SecurityContext.full("tester")))))
        .as("other Errors pass as themselves")
        .isNotNull();
  }

  @Test
  void a_provider_out_of_memory_is_a_recorded_provider_error_saying_so() {
    AgoraError e =
        callFailing(
            (in, c) -> {
              throw new OutOfMemoryError("Java heap space");
            });
    assertThat(e).isInstanceOf(AgoraError.ProviderError.class);
    assertThat(e.getMessage())
        .isEqualTo("capability 't.hog' failed: out of memory (Java heap space)");
    Event result = events.events(EventType.CapabilityResult).getFirst();
    assertThat(result.errorKind()).isEqualTo("ProviderError");
    assertThat(result.error()).contains("out of memory (Java heap space)");
  }

  @Test
  void a_provider_self_suppression_over_out_of_memory_says_out_of_memory() {
    AgoraError e =
        callFailing(
            (in, c) -> {
              throw selfSuppression();
            });
    assertThat(e.getMessage())
        .isEqualTo("capability 't.hog' failed: out of memory (Java heap space)");
  }
}
