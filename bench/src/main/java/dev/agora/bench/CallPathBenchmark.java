package dev.agora.bench;

import dev.agora.chain.event.MemorySink;
import dev.agora.core.Marketplace;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.local.LocalFunction;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Reader;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A governed local call — resolve, isolation policy, security context, input validation, deadline
 * and limits, the function, output validation, two events to an in-memory sink — beside a direct
 * Java call of the same function with the same input, in the same run. One thread.
 *
 * <p>Run: {@code ./build bench CallPathBenchmark} (SampleTime gives the p50s; the difference is
 * what the call path adds).
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.SampleTime, Mode.Throughput})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class CallPathBenchmark {

  static final LocalFunction ADD =
      (in, call) -> {
        Dict d = (Dict) in;
        return Value.of(((Value.Int) d.get("a")).value() + ((Value.Int) d.get("b")).value());
      };

  Marketplace marketplace;
  CallRequest request;
  Value input;
  MemorySink sink;

  @Setup
  public void setup() {
    sink = new MemorySink(4096);
    marketplace = Marketplace.builder().sink(sink).log(l -> {}).build();
    marketplace.bootstrap();
    registerAdd(marketplace);
    input = Reader.readValue("{:a 20 :b 22}");
    request = CallRequest.of("bench.add", input, SecurityContext.full("bench"));
    if (!marketplace.call(request).equals(Value.of(42))) {
      throw new IllegalStateException("the governed call is wrong");
    }
  }

  /**
   * Registers {@code bench.add}, the pure local capability every governed-call benchmark calls:
   * {@code {:a int :b int} -> int}, inline.
   */
  static void registerAdd(Marketplace m) {
    m.registerLocal(
        CapabilityManifest.builder("bench.add")
            .input("[:map [:a :int] [:b :int]]")
            .output(":int")
            .effects("pure")
            .build(),
        ADD,
        true,
        "bench");
  }

  @TearDown
  public void tearDown() {
    marketplace.close();
  }

  @Benchmark
  public Value governedCall() {
    return marketplace.call(request);
  }

  @Benchmark
  public Value directJavaCall() throws Exception {
    return ADD.apply(input, null);
  }
}
