package dev.agora.bench;

import dev.agora.chain.Canonical;
import dev.agora.chain.ChainKey;
import dev.agora.chain.Checkpoint;
import dev.agora.chain.Hashes;
import dev.agora.chain.Receipt;
import dev.agora.chain.ReceiptIssuer;
import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventSink;
import dev.agora.core.Marketplace;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Reader;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * Signed receipts (issue 14): the governed call of {@link CallPathBenchmark} without a receipt,
 * with an immediate one (signed with the node's Ed25519 key as the call returns), and with a
 * batched one (digests bound into the recorded result, no signature: completed later by an
 * inclusion proof against a checkpoint signed once per batch), in the same run. The sink encodes
 * and leaf-hashes every event as the ledger does and numbers it, but keeps nothing, so the three
 * differ only by the receipt. {@code checkpointSignature} is the one signature a batch costs.
 *
 * <p>Run: {@code ./build bench ReceiptBenchmark -f 1 -wi 3 -i 5} (SampleTime gives p50 and p99).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class ReceiptBenchmark {

  /** Encodes and leaf-hashes each event, as the ledger does, and numbers it; keeps nothing. */
  static final class LeafSink implements EventSink {
    private final AtomicLong next = new AtomicLong();

    @Override
    public void accept(Event e) {
      acceptPlaced(e);
    }

    @Override
    public Placed acceptPlaced(Event e) {
      return new Placed(next.getAndIncrement(), Hashes.leaf(Canonical.encode(e)));
    }
  }

  Marketplace plain;
  Marketplace immediate;
  Marketplace batched;
  CallRequest request;
  ChainKey key;
  byte[] root;

  private static Marketplace marketplace(ReceiptIssuer receipts) {
    Marketplace m =
        Marketplace.builder().sink(new LeafSink()).receipts(receipts).log(l -> {}).build();
    m.bootstrap();
    CallPathBenchmark.registerAdd(m);
    return m;
  }

  @Setup
  public void setup() {
    key = ChainKey.generate("bench");
    plain = marketplace(null);
    immediate = marketplace(new ReceiptIssuer(Receipt.Mode.IMMEDIATE, key, "bench/1"));
    batched = marketplace(new ReceiptIssuer(Receipt.Mode.BATCHED, key, "bench/1"));
    request =
        CallRequest.of("bench.add", Reader.readValue("{:a 20 :b 22}"), SecurityContext.full("b"));
    root = Hashes.sha256(new byte[] {1});
    Receipt r = immediate.callWithReceipt(request).receipt();
    if (!r.verify(key.verifier()).valid() || batched.callWithReceipt(request).receipt() == null) {
      throw new IllegalStateException("the receipts are wrong");
    }
  }

  @TearDown
  public void tearDown() {
    plain.close();
    immediate.close();
    batched.close();
  }

  @Benchmark
  public Value noReceipt() {
    return plain.call(request);
  }

  @Benchmark
  public Receipt immediateReceipt() {
    return immediate.callWithReceipt(request).receipt();
  }

  @Benchmark
  public String immediateReceiptAsJson() {
    return immediate.callWithReceipt(request).receipt().json();
  }

  @Benchmark
  public Receipt batchedReceipt() {
    return batched.callWithReceipt(request).receipt();
  }

  @Benchmark
  public Checkpoint checkpointSignature() {
    return Checkpoint.sign("bench/1", 1_000_000, root, key);
  }
}
