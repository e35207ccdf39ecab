package dev.agora.rtfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.rtfs.eval.Interpreter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LimitsTest {

  private static RtfsError failsWith(Interpreter rtfs, String source, ErrorKind kind) {
    try {
      rtfs.eval(source);
    } catch (RtfsError e) {
      assertThat(e.kind()).as(e.getMessage()).isEqualTo(kind);
      return e;
    }
    throw new AssertionError("expected " + kind);
  }

  private static Interpreter with(Limits limits) {
    return Interpreter.builder().limits(limits).build();
  }

  @Test
  void a_step_budget_stops_the_evaluation() {
    Interpreter rtfs = with(Limits.DEFAULT.withMaxSteps(1_000));
    RtfsError e = failsWith(rtfs, "(reduce + (range 100000))", ErrorKind.LimitExceeded);
    assertThat(e.getMessage()).isEqualTo("the evaluation used its budget of 1000 steps");
    assertThat(rtfs.eval("(reduce + (range 100))"))
        .as("each eval gets a fresh budget")
        .isEqualTo(Value.of(4950));
  }

  @Test
  void an_exhausted_budget_cannot_be_caught() {
    Interpreter rtfs = with(Limits.DEFAULT.withMaxSteps(1_000));
    failsWith(rtfs, "(try (reduce + (range 100000)) (catch e :caught))", ErrorKind.LimitExceeded);
    failsWith(
        rtfs,
        "(try (reduce + (range 100000)) (catch LimitExceeded e :caught) (finally 1))",
        ErrorKind.LimitExceeded);
  }

  @Test
  void a_deadline_stops_the_evaluation_and_cannot_be_caught() {
    AtomicLong now = new AtomicLong();
    // Each reading of the clock advances it by 1 ms: the deadline passes after 50 readings, with no
    // real waiting.
    Interpreter rtfs =
        Interpreter.builder()
            .limits(
                Limits.DEFAULT
                    .withTimeout(Duration.ofMillis(50))
                    .withMaxMemory(Long.MAX_VALUE)) // the garbage of a long loop counts
            .nanoClock(() -> now.addAndGet(1_000_000))
            .build();
    String forever = "(reduce (fn [a x] (reduce + a (range 100))) 0 (range 10000000))";
    RtfsError e = failsWith(rtfs, "(try " + forever + " (catch e :caught))", ErrorKind.Timeout);
    assertThat(e.getMessage()).isEqualTo("the evaluation ran past its deadline of 50 ms");
  }

  @Test
  void interrupting_the_thread_cancels_the_evaluation() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    SimpleHost host =
        new SimpleHost()
            .register(
                "started",
                v -> {
                  started.countDown();
                  return Value.NIL;
                });
    Interpreter rtfs =
        Interpreter.builder()
            .host(host)
            .limits(Limits.DEFAULT.withMaxMemory(Long.MAX_VALUE))
            .build();
    AtomicReference<RtfsError> error = new AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              try {
                rtfs.eval(
                    "(do (call :started) (try (reduce (fn [a x] (reduce + a (range 100))) 0 (range 10000000)) (catch e :caught)))");
              } catch (RtfsError e) {
                error.set(e);
              }
            });
    t.start();
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    t.interrupt();
    t.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(t.isAlive()).isFalse();
    assertThat(error.get().kind()).isEqualTo(ErrorKind.Cancelled);
    assertThat(error.get().getMessage()).isEqualTo("the evaluation was cancelled");
  }

  @Test
  void recursion_depth_is_limited_and_catchable() {
    Interpreter rtfs = with(Limits.DEFAULT.withMaxDepth(100));
    RtfsError e = failsWith(rtfs, "(defn f [n] (+ 1 (f n))) (f 0)", ErrorKind.LimitExceeded);
    assertThat(e.getMessage()).isEqualTo("recursion deeper than 100 nested calls");
    assertThat(rtfs.eval("(try (f 0) (catch LimitExceeded e :too-deep))"))
        .isEqualTo(Value.keyword("too-deep"));
    assertThat(rtfs.eval("(defn g [n] (if (= n 0) 0 (+ 1 (g (- n 1))))) (g 90)"))
        .isEqualTo(Value.of(90));
  }

  @Test
  void an_exhausted_stack_becomes_an_rtfs_error() throws Exception {
    AtomicReference<Object> outcome = new AtomicReference<>();
    Thread small =
        new Thread(
            null,
            () -> {
              try {
                outcome.set(
                    with(Limits.DEFAULT.withMaxDepth(10_000_000))
                        .eval("(defn f [n] (+ 1 (f n))) (f 0)"));
              } catch (Throwable t) {
                outcome.set(t);
              }
            },
            "small-stack",
            256 * 1024);
    small.start();
    small.join();
    assertThat(outcome.get()).isInstanceOf(RtfsError.class);
    RtfsError e = (RtfsError) outcome.get();
    assertThat(e.kind()).isEqualTo(ErrorKind.LimitExceeded);
    assertThat(e.getMessage()).contains("the stack is exhausted");
    assertThat(e.pos()).as("every error reaching the caller has a position").isNotNull();
  }

  @Test
  void deeply_nested_source_on_a_small_stack_is_an_rtfs_error() throws Exception {
    String deep = "[".repeat(999) + "(+ 1 2)" + "]".repeat(999);
    AtomicReference<Object> outcome = new AtomicReference<>();
    Thread small =
        new Thread(
            null,
            () -> {
              try {
                outcome.set(Interpreter.create().eval(deep));
              } catch (Throwable t) {
                outcome.set(t);
              }
            },
            "small-stack",
            64 * 1024);
    small.start();
    small.join();
    assertThat(outcome.get()).isInstanceOfAny(RtfsError.class, Value.class);
  }

  @Test
  void huge_collections_and_strings_are_refused() {
    Interpreter rtfs = with(Limits.DEFAULT.withMaxCollection(1_000).withMaxString(1_000));
    assertThat(failsWith(rtfs, "(range 5000)", ErrorKind.LimitExceeded).getMessage())
        .isEqualTo("a collection of 5000 items exceeds the limit of 1000");
    failsWith(rtfs, "(repeat 1001 0)", ErrorKind.LimitExceeded);
    failsWith(rtfs, "(reduce (fn [v _] (concat v v)) [1] (range 20))", ErrorKind.LimitExceeded);
    failsWith(rtfs, "(reduce (fn [v x] (conj v x)) [] (range 1000 3000))", ErrorKind.LimitExceeded);
    assertThat(
            failsWith(
                    rtfs,
                    "(reduce (fn [s _] (str s s)) \"ab\" (range 20))",
                    ErrorKind.LimitExceeded)
                .getMessage())
        .startsWith("a string of ")
        .endsWith(" characters exceeds the limit of 1000");
    failsWith(rtfs, "(string-join \",\" (repeat 900 \"ab\"))", ErrorKind.LimitExceeded);
    failsWith(
        rtfs,
        "(string-replace (apply str (repeat 900 \"a\")) \"a\" \"bb\")",
        ErrorKind.LimitExceeded);
    failsWith(rtfs, "(range 9223372036854775807)", ErrorKind.LimitExceeded);
  }

  @Test
  void heap_exhaustion_reported_as_an_rtfs_error() {
    SimpleHost host =
        new SimpleHost()
            .register(
                "hog",
                v -> {
                  throw new OutOfMemoryError("Java heap space");
                });
    Interpreter rtfs = Interpreter.builder().host(host).build();
    RtfsError e = failsWith(rtfs, "(do 1\n  (call :hog))", ErrorKind.LimitExceeded);
    assertThat(e.getMessage()).isEqualTo("the evaluation ran out of memory");
    assertThat(e.pos()).isEqualTo(new SourcePos("<expr>", 1, 1));
  }

  @Test
  void limits_must_be_positive() {
    assertThatThrownBy(() -> Limits.DEFAULT.withMaxSteps(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Limits.DEFAULT.withTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
