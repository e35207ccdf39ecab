package dev.agora.bench;

import dev.agora.chain.event.MemorySink;
import dev.agora.core.Marketplace;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ConfigLoader;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Reader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
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
 * The same small sum through the whole governed call path, as a plugin capability ({@code
 * hello.sum} of examples/plugins/hello-plugin, its class packed into a plugin JAR at set-up and
 * loaded from a plugins directory in its own class loader) and as a local Java capability
 * registered in code — run on the caller's thread ({@code local-inline}, what a pure local function
 * gets) and on a watched virtual thread like the plugin ({@code local}). The difference between
 * {@code local} and {@code plugin} is what the plugin provider adds: the binding lookup, the
 * context class loader swap and the in-flight count.
 *
 * <p>Run: {@code ./build bench PluginBench -f 1 -wi 3 -i 5} (SampleTime gives p50/p99).
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class PluginBench {

  @Param({"plugin", "local", "local-inline"})
  String kind;

  Path dir;
  Marketplace marketplace;
  CallRequest request;

  @Setup
  public void setup() throws IOException {
    dir = Files.createTempDirectory("agora-plugin-bench");
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    pack(plugins.resolve("hello.jar"));
    Files.writeString(dir.resolve("agora.yaml"), "plugins: {dir: plugins, watch: false}\n");
    AgoraConfig config =
        ConfigLoader.load(dir.resolve("agora.yaml")).withStorage(AgoraConfig.Storage.MEMORY);
    marketplace =
        Marketplace.builder().config(config).sink(new MemorySink(4096)).log(l -> {}).build();
    marketplace.bootstrap();
    String id = "hello.sum";
    if (!kind.equals("plugin")) {
      id = "bench.sum";
      marketplace.registerLocal(
          CapabilityManifest.builder(id)
              .input("[:map [:a :int] [:b :int]]")
              .output(":int")
              .effects("pure")
              .build(),
          (in, call) -> Value.of(num(in, "a") + num(in, "b")),
          kind.equals("local-inline"),
          "bench");
    }
    request = CallRequest.of(id, Reader.readValue("{:a 2 :b 40}"), SecurityContext.full("bench"));
    if (!marketplace.call(request).equals(Value.of(42))) {
      throw new IllegalStateException("the sum is wrong");
    }
  }

  private static long num(Value in, String key) {
    return ((Value.Int) ((Dict) in).get(key)).value();
  }

  /** A plugin JAR of the example plugin's class, as its module's build makes it. */
  static void pack(Path jar) throws IOException {
    String cls = "dev/agora/examples/hello/HelloPlugin.class";
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        InputStream in = PluginBench.class.getClassLoader().getResourceAsStream(cls)) {
      out.putNextEntry(new JarEntry(cls));
      out.write(in.readAllBytes());
      out.putNextEntry(new JarEntry("META-INF/services/dev.agora.core.spi.AgoraPlugin"));
      out.write("dev.agora.examples.hello.HelloPlugin\n".getBytes(StandardCharsets.UTF_8));
    }
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
