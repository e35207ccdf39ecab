package dev.agora.bench;

import dev.agora.rtfs.reader.Form;
import dev.agora.rtfs.reader.Reader;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * Reader throughput on a ~1 MB generated program, beside a baseline that only touches every
 * character once (counting brackets): the floor any reader pays. MB/s = 1.0 / (ms per op) × 1000.
 *
 * <p>Run: {@code ./build bench ReaderBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ReaderBenchmark {

  String program;

  @Setup
  public void setup() {
    program = Programs.generated(1 << 20, 42);
  }

  @Benchmark
  public List<Form> readAll() {
    return Reader.readAll(program, "bench.rtfs");
  }

  /** Baseline: one pass over the characters, counting brackets. */
  @Benchmark
  public int baselineScanChars() {
    int depth = 0;
    int max = 0;
    String s = program;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '(' || c == '[' || c == '{') {
        max = Math.max(max, ++depth);
      } else if (c == ')' || c == ']' || c == '}') {
        depth--;
      }
    }
    return max + depth;
  }
}
