package dev.agora.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The big-stack runner: results, failures as they were thrown, and interrupts passed on. */
class EvaluatorTest {

  @Test
  void returnsTheValueAndRethrowsRuntimeFailuresAsThemselves() {
    assertThat(Evaluator.onBigStack(() -> Thread.currentThread().getName())).isEqualTo("rtfs-eval");
    IllegalArgumentException boom = new IllegalArgumentException("boom");
    assertThatThrownBy(
            () ->
                Evaluator.onBigStack(
                    () -> {
                      throw boom;
                    }))
        .isSameAs(boom);
  }

  @Test
  void aCheckedFailureIsWrappedWithItsCause() {
    IOException io = new IOException("disk");
    assertThatThrownBy(
            () ->
                Evaluator.onBigStack(
                    () -> {
                      throw io;
                    }))
        .isInstanceOf(IllegalStateException.class)
        .hasCause(io);
  }

  @Test
  void interruptingTheCallerInterruptsTheEvaluation() {
    Thread.currentThread().interrupt();
    String outcome =
        Evaluator.onBigStack(
            () -> {
              try {
                new CountDownLatch(1).await();
                return "ran to the end";
              } catch (InterruptedException e) {
                return "cancelled";
              }
            });
    assertThat(outcome).isEqualTo("cancelled");
  }
}
