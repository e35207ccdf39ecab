package dev.agora.bench;

import dev.agora.rtfs.Value;
import dev.agora.rtfs.eval.Interpreter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The evaluator on {@code (fib 25)} and on a map/filter/reduce pipeline over 100k numbers, each
 * beside the same work in plain Java in the same run. The RTFS functions are defined once; each
 * benchmark op is one call through {@link Interpreter#apply} (a fresh evaluation, as a plan gets).
 *
 * <p>Baselines: {@code javaFib} is the same recursion on {@code long}s; {@code javaPipelineBoxed}
 * materialises each stage in an {@code ArrayList<Long>} as RTFS does; {@code javaPipelineStream} is
 * the idiomatic LongStream (fused, unboxed: the fastest plain Java).
 *
 * <p>Run: {@code ./build bench EvalBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = "-Xss64m")
public class EvalBenchmark {

  static final int FIB_N = 25;
  static final int PIPELINE_N = 100_000;

  Interpreter rtfs;
  Value fib;
  Value pipeline;
  List<Value> fibArgs;
  List<Value> pipelineArgs;

  @Setup
  public void setup() {
    rtfs = Interpreter.create();
    rtfs.eval(Programs.FIB);
    rtfs.eval(Programs.PIPELINE);
    fib = rtfs.lookup("fib");
    pipeline = rtfs.lookup("pipeline");
    fibArgs = List.of(Value.of(FIB_N));
    pipelineArgs = List.of(Value.of(PIPELINE_N));
    if (!rtfs.apply(fib, fibArgs).equals(Value.of(javaFib(FIB_N)))
        || !rtfs.apply(pipeline, pipelineArgs).equals(Value.of(javaPipelineBoxed()))) {
      throw new IllegalStateException("RTFS and Java disagree");
    }
  }

  @Benchmark
  public Value rtfsFib() {
    return rtfs.apply(fib, fibArgs);
  }

  @Benchmark
  public long javaFib() {
    return javaFib(FIB_N);
  }

  @Benchmark
  public Value rtfsPipeline() {
    return rtfs.apply(pipeline, pipelineArgs);
  }

  @Benchmark
  public long javaPipelineBoxed() {
    List<Long> squares = new ArrayList<>(PIPELINE_N);
    for (long i = 0; i < PIPELINE_N; i++) {
      squares.add(i * i);
    }
    List<Long> kept = new ArrayList<>();
    for (Long x : squares) {
      if (x % 3 == 0) {
        kept.add(x);
      }
    }
    long sum = 0;
    for (Long x : kept) {
      sum += x;
    }
    return sum;
  }

  @Benchmark
  public long javaPipelineStream() {
    return LongStream.range(0, PIPELINE_N).map(x -> x * x).filter(x -> x % 3 == 0).sum();
  }

  static long javaFib(int n) {
    return n < 2 ? n : javaFib(n - 1) + javaFib(n - 2);
  }
}
