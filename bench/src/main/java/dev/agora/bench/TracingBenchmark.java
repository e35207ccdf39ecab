package dev.agora.bench;

import dev.agora.chain.event.MemorySink;
import dev.agora.core.Marketplace;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.telemetry.Telemetry;
import dev.agora.core.telemetry.TelemetrySettings;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Reader;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
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
 * The governed local call of {@link CallPathBenchmark} with tracing off (the path composed as
 * before issue 17), on (eight spans a call, batched to an exporter that drops them: the SDK's cost,
 * not a network's), and on but not sampled ({@code sample_ratio: 0}); beside the direct Java call.
 * One thread.
 *
 * <p>Run: {@code ./build bench TracingBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.SampleTime, Mode.AverageTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class TracingBenchmark {

  /** Accepts every batch and keeps nothing. */
  static final class Dropping implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  Marketplace off;
  Marketplace on;
  Marketplace unsampled;
  CallRequest request;
  Value input;

  @Setup
  public void setup() {
    input = Reader.readValue("{:a 20 :b 22}");
    request = CallRequest.of("bench.add", input, SecurityContext.full("bench"));
    off = marketplace(Telemetry.OFF);
    on = marketplace(Telemetry.exporting(TelemetrySettings.OFF.on(), new Dropping()));
    TelemetrySettings none = TelemetrySettings.OFF.on();
    unsampled =
        marketplace(
            Telemetry.exporting(
                new TelemetrySettings(true, none.endpoint(), none.serviceName(), 0.0),
                new Dropping()));
  }

  private Marketplace marketplace(Telemetry telemetry) {
    Marketplace m =
        Marketplace.builder().sink(new MemorySink(4096)).log(l -> {}).telemetry(telemetry).build();
    m.bootstrap();
    CallPathBenchmark.registerAdd(m);
    if (!m.call(request).equals(Value.of(42))) {
      throw new IllegalStateException("the governed call is wrong");
    }
    return m;
  }

  @TearDown
  public void tearDown() {
    off.close();
    on.close();
    unsampled.close();
  }

  @Benchmark
  public Value tracingOff() {
    return off.call(request);
  }

  @Benchmark
  public Value tracingOn() {
    return on.call(request);
  }

  @Benchmark
  public Value tracingOnNotSampled() {
    return unsampled.call(request);
  }

  @Benchmark
  public Value directJavaCall() throws Exception {
    return CallPathBenchmark.ADD.apply(input, null);
  }
}
