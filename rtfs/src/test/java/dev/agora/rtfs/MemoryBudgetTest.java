package dev.agora.rtfs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.rtfs.eval.Interpreter;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Issue 12: each evaluation has a memory budget, so one caller's allocations fail alone. */
class MemoryBudgetTest {

  private static final long MIB = 1 << 20;

  /** Builds a string of about 16M characters, doubling it. */
  private static final String HUGE_STRING =
      "(reduce (fn [s _] (str s s)) \"0123456789abcdef\" (range 20))";

  /** Keeps 1,000 copies of a 100,000-item vector: about 800 MB if nothing stops it. */
  private static final String HUGE_COLLECTIONS =
      "(let [big (vec (range 100000))] (mapv (fn [i] (conj big i)) (range 1000)))";

  private static RtfsError fails(Interpreter rtfs, String source) {
    try {
      rtfs.eval(source);
    } catch (RtfsError e) {
      return e;
    }
    throw new AssertionError("expected LimitExceeded from " + source);
  }

  private static Interpreter budget(long bytes) {
    return Interpreter.builder().limits(Limits.DEFAULT.withMaxMemory(bytes)).build();
  }

  /** Bytes this thread has allocated so far (HotSpot's count). */
  private static long allocatedByThisThread() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getCurrentThreadAllocatedBytes();
  }

  @Test
  void a_huge_string_fails_with_limit_exceeded_naming_the_budget_while_memory_stays_small() {
    Interpreter rtfs = budget(8 * MIB);
    long before = allocatedByThisThread();
    RtfsError e = fails(rtfs, HUGE_STRING);
    long used = allocatedByThisThread() - before;
    assertThat(e.kind()).isEqualTo(ErrorKind.LimitExceeded);
    assertThat(e.getMessage())
        .isEqualTo(
            "the evaluation used more than its memory budget of 8 MiB (strings and collections it"
                + " built, counted as they were made)");
    assertThat(used).as("bytes the thread allocated").isLessThan(64 * MIB);
  }

  @Test
  void huge_collections_fail_with_limit_exceeded_while_memory_stays_small() {
    Interpreter rtfs = budget(16 * MIB);
    long before = allocatedByThisThread();
    RtfsError e = fails(rtfs, HUGE_COLLECTIONS);
    long used = allocatedByThisThread() - before;
    assertThat(e.kind()).isEqualTo(ErrorKind.LimitExceeded);
    assertThat(e.getMessage()).startsWith("the evaluation used more than its memory budget of 16");
    assertThat(used).as("bytes the thread allocated").isLessThan(128 * MIB);
  }

  @Test
  void the_default_budget_stops_both_programs() {
    Interpreter rtfs = Interpreter.create();
    assertThat(Limits.DEFAULT.maxMemory()).isEqualTo(256 * MIB);
    assertThat(fails(rtfs, HUGE_COLLECTIONS).getMessage())
        .startsWith("the evaluation used more than its memory budget of 256 MiB");
    assertThat(
            fails(rtfs, "(mapv (fn [i] (apply str (repeat 1000 \"abcdefgh\"))) (range 100000))")
                .getMessage())
        .startsWith("the evaluation used more than its memory budget of 256 MiB");
  }

  @Test
  void a_collection_too_large_for_what_is_left_is_refused_before_it_is_made() {
    Interpreter rtfs = budget(MIB);
    long before = allocatedByThisThread();
    RtfsError e = fails(rtfs, "(repeat 5000000 :x)");
    assertThat(allocatedByThisThread() - before).isLessThan(4 * MIB);
    assertThat(e.getMessage())
        .startsWith("the evaluation used more than its memory budget of 1 MiB");
    assertThat(fails(rtfs, "(apply str (repeat 100000 \"abcdefgh\"))").getMessage())
        .startsWith("the evaluation used more than its memory budget of 1 MiB");
    assertThat(fails(rtfs, "(range 100000)").getMessage())
        .as("the numbers of a range count")
        .startsWith("the evaluation used more than its memory budget of 1 MiB");
  }

  @Test
  void maps_count_and_a_budget_that_is_not_whole_mebibytes_is_named_in_bytes() {
    Interpreter rtfs = budget(100_000);
    RtfsError e = fails(rtfs, "(reduce (fn [m i] (assoc m i i)) {} (range 1000))");
    assertThat(e.getMessage())
        .startsWith("the evaluation used more than its memory budget of 100000 bytes");
  }

  @Test
  void garbage_counts_too_so_a_long_loop_needs_a_larger_budget() {
    String loop = "(reduce (fn [a x] (+ a (count (str \"n\" x)))) 0 (range 200000))";
    assertThat(fails(budget(8 * MIB), loop).getMessage())
        .startsWith("the evaluation used more than its memory budget of 8 MiB");
    assertThat(budget(64 * MIB).eval(loop)).isEqualTo(Value.of(1_288_890));
  }

  @Test
  void an_exceeded_budget_cannot_be_caught() {
    Interpreter rtfs = budget(4 * MIB);
    RtfsError e =
        fails(rtfs, "(try " + HUGE_STRING + " (catch LimitExceeded e (str \"caught\" e)))");
    assertThat(e.getMessage()).startsWith("the evaluation used more than its memory budget");
    assertThat(rtfs.eval("(count (str \"fresh \" \"budget\"))"))
        .as("each evaluation starts with a fresh budget")
        .isEqualTo(Value.of(12));
  }

  @Test
  void values_the_host_makes_are_not_counted_and_the_budget_resumes_after_a_call() {
    SimpleHost host = new SimpleHost().register("big", v -> Value.of("x".repeat(1_000_000)));
    Interpreter rtfs =
        Interpreter.builder().host(host).limits(Limits.DEFAULT.withMaxMemory(MIB)).build();
    assertThat(rtfs.eval("(count (call :big))")).isEqualTo(Value.of(1_000_000));
    assertThat(fails(rtfs, "(str (call :big) \"!\")").getMessage())
        .as("a string the program builds from it counts")
        .startsWith("the evaluation used more than its memory budget of 1 MiB");
  }

  @Test
  void values_made_outside_an_evaluation_are_not_counted() {
    Interpreter rtfs = budget(1_000);
    Value big = Value.of("y".repeat(10_000));
    Vec many = Vec.adopt(new Value[10_000]);
    assertThat(many.size()).isEqualTo(10_000);
    assertThat(rtfs.apply(rtfs.eval("count"), List.of(big))).isEqualTo(Value.of(10_000));
  }

  @Test
  void hogs_fail_alone_while_small_evaluations_beside_them_succeed() throws Exception {
    int hogs = 4;
    int small = 4;
    ExecutorService pool = Executors.newFixedThreadPool(hogs + small);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Object>> hogResults = new ArrayList<>();
    List<Future<Object>> smallResults = new ArrayList<>();
    try {
      for (int i = 0; i < hogs; i++) {
        hogResults.add(pool.submit(outcome(start, budget(32 * MIB), HUGE_COLLECTIONS)));
      }
      for (int i = 0; i < small; i++) {
        smallResults.add(
            pool.submit(
                outcome(
                    start,
                    budget(32 * MIB),
                    "(reduce + (map (fn [x] (count (str \"item-\" x))) (range 20000)))")));
      }
      start.countDown();
      for (Future<Object> f : hogResults) {
        Object o = f.get(2, TimeUnit.MINUTES);
        assertThat(o).isInstanceOf(RtfsError.class);
        assertThat(((RtfsError) o).getMessage())
            .startsWith("the evaluation used more than its memory budget");
      }
      for (Future<Object> f : smallResults) {
        assertThat(f.get(2, TimeUnit.MINUTES)).isEqualTo(Value.of(188_890));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static Callable<Object> outcome(CountDownLatch start, Interpreter rtfs, String source) {
    return () -> {
      start.await();
      try {
        return rtfs.eval(source);
      } catch (RtfsError e) {
        return e;
      }
    };
  }
}
