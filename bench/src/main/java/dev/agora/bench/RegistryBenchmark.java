package dev.agora.bench;

import dev.agora.chain.event.EventSink;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Glob;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.core.registry.Query;
import dev.agora.core.registry.Registry;
import dev.agora.rtfs.Dict;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
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
 * The registry holding 100,000 capabilities ({@link #manifests}): lookup by id beside a plain
 * {@code HashMap.get} of the same ids (the floor), and searches by glob, namespace, effect and
 * text.
 *
 * <p>Run: {@code ./build bench RegistryBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = "-Xmx1g")
public class RegistryBenchmark {

  static final int SIZE = 100_000;

  Registry registry;
  Map<String, CapabilityManifest> plainMap;
  String[] ids;
  int next;

  @Setup
  public void setup() {
    registry = new Registry(EventSink.NONE, Clock.systemUTC());
    plainMap = new HashMap<>();
    List<CapabilityManifest> all = manifests(SIZE, 7);
    ids = new String[all.size()];
    for (int i = 0; i < all.size(); i++) {
      registry.register(all.get(i), "bench");
      plainMap.put(all.get(i).id(), all.get(i));
      ids[i] = all.get(i).id();
    }
  }

  /**
   * {@code n} realistic manifests from a fixed seed: 500 namespaces, each with its own parsed input
   * schema, an HTTP provider, a description of a dozen words and one of three effect sets.
   */
  public static List<CapabilityManifest> manifests(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    String[] words = {
      "weather",
      "invoice",
      "customer",
      "search",
      "report",
      "forecast",
      "ticket",
      "payment",
      "city",
      "order",
      "stock",
      "price",
      "user",
      "document",
      "translate",
      "summary",
      "calendar",
      "email",
      "route",
      "image"
    };
    String[][] effects = {{"pure"}, {"network"}, {"network", "filesystem"}};
    List<CapabilityManifest> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      StringBuilder description = new StringBuilder();
      for (int w = 0; w < 12; w++) {
        description.append(words[r.nextInt(words.length)]).append(' ');
      }
      String id = "ns" + (i % 500) + ".group" + (i % 7) + "." + words[i % words.length] + i;
      out.add(
          CapabilityManifest.builder(id)
              .name(words[r.nextInt(words.length)] + " " + words[r.nextInt(words.length)])
              .description(description.toString().strip())
              .version("1." + r.nextInt(10) + ".0")
              .provider(new ProviderSpec.Http("https://api.example.com/" + id, "GET", Dict.EMPTY))
              .input("[:map [:city :string] [:limit [:and :int [:> 0]] ?]]")
              .output("[:map [:items [:vector :any]]]")
              .effects(effects[r.nextInt(effects.length)])
              .build());
    }
    return out;
  }

  @Benchmark
  public CapabilityManifest lookup() {
    return registry.get(ids[next++ % ids.length]);
  }

  @Benchmark
  public CapabilityManifest baselineHashMapGet() {
    return plainMap.get(ids[next++ % ids.length]);
  }

  @Benchmark
  public List<CapabilityManifest> searchGlob() {
    return registry.search(new Query(Glob.of("ns42.group*.weather*"), null, null, null, 100));
  }

  @Benchmark
  public List<CapabilityManifest> searchNamespace() {
    return registry.search(Query.ALL.withNamespace("ns7").withLimit(100));
  }

  @Benchmark
  public List<CapabilityManifest> searchText() {
    return registry.search(Query.ALL.withText("forecast city invoice").withLimit(100));
  }

  @Benchmark
  public List<CapabilityManifest> searchEffectAndGlob() {
    return registry.search(new Query(Glob.of("ns1*"), null, "filesystem", null, 100));
  }
}
