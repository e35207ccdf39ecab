package dev.agora.bench;

import dev.agora.chain.event.MemorySink;
import dev.agora.core.Marketplace;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ConfigLoader;
import dev.agora.core.json.Json;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Reader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The same small function — the sum of a short vector of integers — at every isolation level, in
 * one run, each through the whole governed call path (issue 15): a local Java capability on a
 * watched virtual thread (the baseline), the example plugin's sum in its own class loader and in a
 * child JVM under the bubblewrap sandbox (one JSON line each way), the example WASM module with a
 * pooled and with a fresh instance per call, and the example python3 script in the bubblewrap
 * sandbox, warm (one JSON line per call) and spawned per call.
 *
 * <p>Run from the repository root (it reads examples/): {@code ./build bench IsolationBench -f 1
 * -wi 3 -i 5}.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class IsolationBench {

  @Param({
    "local",
    "plugin",
    "plugin-sandboxed",
    "wasm-pooled",
    "wasm-fresh",
    "process-warm",
    "process-per-call"
  })
  String level;

  Path dir;
  Marketplace marketplace;
  CallRequest request;

  @Setup
  public void setup() throws IOException {
    dir = Files.createTempDirectory("agora-isolation-bench");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    PluginBench.pack(plugins.resolve("hello.jar"));
    Files.copy(
        Path.of("examples/wasm/manifests/sum.wasm"),
        dir.resolve("sum.wasm"),
        StandardCopyOption.REPLACE_EXISTING);
    Files.copy(
        Path.of("examples/sandbox/manifests/sum.py"),
        dir.resolve("sum.py"),
        StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(
        dir.resolve("agora.yaml"),
        level.equals("plugin-sandboxed")
            ? "plugins: {dir: plugins, watch: false, out_of_process: [hello.jar]}\n"
            : "plugins: {dir: plugins, watch: false}\n");
    AgoraConfig config =
        ConfigLoader.load(dir.resolve("agora.yaml")).withStorage(AgoraConfig.Storage.MEMORY);
    marketplace =
        Marketplace.builder().config(config).sink(new MemorySink(4096)).log(l -> {}).build();
    marketplace.bootstrap();
    String input = "{:xs [2 40]}";
    String id = "bench." + level;
    switch (level) {
      case "local" ->
          marketplace.registerLocal(
              CapabilityManifest.builder(id).effects("pure").build(),
              (in, call) -> Value.of(sum(in)),
              false,
              "bench");
      case "plugin", "plugin-sandboxed" -> {
        id = "hello.sum";
        input = "{:a 2 :b 40}";
      }
      case "wasm-pooled", "wasm-fresh" ->
          register(
              id,
              new ProviderSpec.Wasm(
                  dir.resolve("sum.wasm").toString(),
                  "sum",
                  options("{\"pool_size\": " + (level.equals("wasm-pooled") ? 8 : 0) + "}")));
      default ->
          register(
              id,
              new ProviderSpec.Process(
                  List.of("python3", "sum.py"),
                  options(
                      "{\"cwd\": \""
                          + dir
                          + "\", \"mode\": \""
                          + (level.equals("process-warm") ? "warm" : "per_call")
                          + "\", \"pool_size\": 1}")));
    }
    request = CallRequest.of(id, Reader.readValue(input), SecurityContext.full("bench"));
    Value v = marketplace.call(request);
    Value total = v instanceof Dict d ? d.get("sum") : v;
    if (!Value.of(42).equals(total)) {
      throw new IllegalStateException(level + ": the sum is wrong: " + v);
    }
  }

  private void register(String id, ProviderSpec spec) {
    marketplace.register(CapabilityManifest.builder(id).provider(spec).build(), "bench");
  }

  private static Dict options(String json) {
    return (Dict) Json.parse(json);
  }

  private static long sum(Value in) {
    long s = 0;
    Seq xs = (Seq) ((Dict) in).get("xs");
    for (int i = 0; i < xs.size(); i++) {
      s += ((Value.Int) xs.get(i)).value();
    }
    return s;
  }

  @TearDown
  public void tearDown() throws IOException {
    marketplace.close();
    marketplace.config().sources().forEach(s -> s.close());
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  @Benchmark
  public Value call() {
    return marketplace.call(request);
  }
}
