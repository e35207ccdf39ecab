package dev.agora.bench;

import dev.agora.chain.Canonical;
import dev.agora.chain.ChainKey;
import dev.agora.chain.Ledger;
import dev.agora.chain.MemoryChainStore;
import dev.agora.chain.Recording;
import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventType;
import dev.agora.rtfs.reader.Reader;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Appending to the Causal Chain in memory — redaction, canonical encoding, leaf hash, numbering,
 * chain hash, Merkle range, storing — beside a bare SHA-256 of the same entry's bytes in the same
 * run (what any hash-chained log pays at least). One thread; a fresh store every iteration.
 *
 * <p>Run: {@code ./build bench ChainAppendBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = "-Xmx4g")
public class ChainAppendBenchmark {

  /**
   * A typical call result: a dozen fields of arguments and result, capability, caller, plan,
   * parent.
   */
  public static Event sample() {
    return Event.of(
            "5e1f0c2a9b3d4e71-1a2b",
            EventType.CapabilityResult,
            Instant.parse("2026-11-21T10:00:00Z"),
            "5e1f0c2a9b3d4e71-1a2a",
            "5e1f0c2a9b3d4e71-1a00",
            "agent")
        .withCapability("weather.current", "1.2.0")
        .withArguments(Reader.readValue("{:city \"Oslo\" :units :metric :days 3}"))
        .withResult(
            Reader.readValue(
                "{:temp -3.5 :wind 4.2 :summary \"light snow\" :hourly [1 2 3 4 5 6]}"),
            Duration.ofMillis(12),
            0.001);
  }

  Ledger ledger;
  Event event;
  byte[] body;
  MessageDigest sha;

  @Setup(Level.Iteration)
  public void setup() throws Exception {
    ledger =
        new Ledger(
            new MemoryChainStore(),
            ChainKey.generate("bench"),
            new Ledger.Settings(Ledger.Durability.DURABLE, Recording.DEFAULT, 0, 4096),
            m -> {});
    event = sample();
    body = Canonical.encode(event);
    sha = MessageDigest.getInstance("SHA-256");
  }

  @Benchmark
  public void appendInMemory() {
    ledger.accept(event);
  }

  @Benchmark
  public byte[] baselineSha256OfEntry() {
    return sha.digest(body);
  }
}
