package dev.agora.bench;

import dev.agora.chain.event.EventSink;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.registry.Registry;
import java.time.Clock;
import java.util.List;

/**
 * How much heap 100,000 registered capabilities take, indexes included. Run it in a 300 MB heap to
 * prove the target, and read the measured figure: {@code java -Xmx300m -cp
 * bench/target/benchmarks.jar dev.agora.bench.RegistryFootprint}
 */
public final class RegistryFootprint {

  private RegistryFootprint() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : RegistryBenchmark.SIZE;
    long before = used();
    Registry registry = new Registry(EventSink.NONE, Clock.systemUTC());
    List<CapabilityManifest> manifests = RegistryBenchmark.manifests(n, 7);
    for (CapabilityManifest m : manifests) {
      registry.register(m, "bench");
    }
    manifests = null; // only the registry holds them now
    long after = used();
    System.out.printf(
        "%d capabilities registered: %.1f MB of heap (%.0f bytes each), max heap %d MB%n",
        registry.size(),
        (after - before) / 1e6,
        (after - before) / (double) registry.size(),
        Runtime.getRuntime().maxMemory() / 1_000_000);
  }

  private static long used() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
