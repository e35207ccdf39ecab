package dev.agora.bench;

import dev.agora.chain.event.MemorySink;
import dev.agora.core.Marketplace;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.local.LocalFunction;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Manifests;
import dev.agora.provider.wasm.WasmProvider;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import dev.agora.rtfs.reader.Reader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * The isolation cost of WASM (issue 15): {@code examples/wasm}'s sum of a vector ({@code {:xs [1 2
 * 3 4 5 6 7 8]}} → {@code {:sum 36}}) through the whole call path, run by Endive with a pooled
 * instance and with a fresh instance per call ({@code pool_size: 0}), beside a local Java
 * capability doing the same sum with the same schemas. One thread.
 *
 * <p>Run from the repository root (it reads {@code examples/wasm/manifests/}): {@code ./build bench
 * WasmBench -f 1 -wi 3 -i 5}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class WasmBench {

  static final LocalFunction SUM =
      (in, call) -> {
        long sum = 0;
        for (Value x : ((Vec) ((Dict) in).get("xs")).items()) {
          sum += ((Value.Int) x).value();
        }
        return Dict.builder().put("sum", Value.of(sum)).build();
      };

  Marketplace marketplace;
  CallRequest pooled;
  CallRequest fresh;
  CallRequest local;
  Path tmp;

  @Setup
  public void setup() throws IOException {
    Path example = Path.of("examples/wasm/manifests").toAbsolutePath();
    if (!Files.exists(example.resolve("sum.wasm"))) {
      throw new IllegalStateException("run WasmBench from the repository root: no " + example);
    }
    marketplace =
        Marketplace.builder()
            .sink(new MemorySink(4096))
            .log(l -> {})
            .provider(new WasmProvider())
            .build();
    CapabilityManifest sum = Manifests.load(example.resolve("sum.yaml")).manifests().getFirst();
    marketplace.register(sum, "bench");
    tmp = Files.createTempDirectory("wasm-bench");
    Path freshYaml = tmp.resolve("fresh.yaml");
    Files.writeString(
        freshYaml,
        Files.readString(example.resolve("sum.yaml"))
            .replace("id: wasm.math.sum", "id: bench.wasm.fresh")
            .replace("module: sum.wasm", "module: " + example.resolve("sum.wasm"))
            .replace("memory_pages: 16", "memory_pages: 16, pool_size: 0"));
    marketplace.register(Manifests.load(freshYaml).manifests().getFirst(), "bench");
    marketplace.registerLocal(
        CapabilityManifest.builder("bench.local.sum")
            .input("[:map [:xs [:vector :int]]]")
            .output("[:map [:sum :int]]")
            .effects("pure")
            .build(),
        SUM,
        false,
        "bench");
    Value input = Reader.readValue("{:xs [1 2 3 4 5 6 7 8]}");
    SecurityContext caller = SecurityContext.full("bench");
    pooled = CallRequest.of("wasm.math.sum", input, caller);
    fresh = CallRequest.of("bench.wasm.fresh", input, caller);
    local = CallRequest.of("bench.local.sum", input, caller);
    for (CallRequest r : new CallRequest[] {pooled, fresh, local}) {
      if (!marketplace.call(r).equals(Reader.readValue("{:sum 36}"))) {
        throw new IllegalStateException(r.capabilityId() + " summed wrong");
      }
    }
  }

  @TearDown
  public void tearDown() throws IOException {
    marketplace.close();
    Files.deleteIfExists(tmp.resolve("fresh.yaml"));
    Files.deleteIfExists(tmp);
  }

  @Benchmark
  public Value wasmPooledInstance() {
    return marketplace.call(pooled);
  }

  @Benchmark
  public Value wasmFreshInstance() {
    return marketplace.call(fresh);
  }

  @Benchmark
  public Value localJava() {
    return marketplace.call(local);
  }
}
