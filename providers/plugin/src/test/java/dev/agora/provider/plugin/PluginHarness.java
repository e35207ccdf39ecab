package dev.agora.provider.plugin;

import dev.agora.chain.event.MemorySink;
import dev.agora.core.Marketplace;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ConfigLoader;
import dev.agora.core.discovery.Bootstrap;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.registry.Registry;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real marketplace over a plugins directory: agora.yaml with {@code plugins:}, the memory store,
 * the registry's changes and the log as queues the tests wait on (no sleeps).
 */
final class PluginHarness implements AutoCloseable {

  final Path dir;
  final Path plugins;
  final MemorySink sink = new MemorySink(10_000);
  final BlockingQueue<String> changes = new LinkedBlockingQueue<>();
  final BlockingQueue<String> log = new LinkedBlockingQueue<>();
  Marketplace market;
  List<Bootstrap.SourceReport> reports = List.of();

  PluginHarness(Path dir) throws Exception {
    this.dir = dir;
    this.plugins = Files.createDirectories(dir.resolve("plugins"));
  }

  /** Starts the marketplace with {@code plugins: {dir: plugins, watch: <watch>}}. */
  PluginHarness start(boolean watch) throws Exception {
    return start("plugins: {dir: plugins, watch: " + watch + "}\n");
  }

  /** Starts the marketplace with this agora.yaml. */
  PluginHarness start(String yaml) throws Exception {
    Path cfg = dir.resolve("agora.yaml");
    Files.writeString(cfg, yaml);
    AgoraConfig c = ConfigLoader.load(cfg).withStorage(AgoraConfig.Storage.MEMORY);
    market = Marketplace.builder().config(c).sink(sink).log(log::add).build();
    market
        .registry()
        .listen(
            new Registry.Listener() {
              @Override
              public void registered(CapabilityManifest m, Registry.Change change) {
                changes.add("+" + m.id() + "@" + m.version());
              }

              @Override
              public void removed(CapabilityManifest m) {
                changes.add("-" + m.id() + "@" + m.version());
              }
            });
    reports = market.bootstrap();
    changes.clear(); // the start-up registrations: tests wait for what happens after
    return this;
  }

  PluginSource source() {
    return (PluginSource)
        market.config().sources().stream()
            .filter(s -> s instanceof PluginSource)
            .findFirst()
            .orElseThrow();
  }

  /** The next registry change, waiting at most 30 s. */
  String nextChange() throws InterruptedException {
    String c = changes.poll(30, TimeUnit.SECONDS);
    if (c == null) {
      throw new AssertionError("no registry change within 30 s");
    }
    return c;
  }

  /** The next log line that contains {@code text}, waiting at most 30 s. */
  String nextLog(String text) throws InterruptedException {
    while (true) {
      String l = log.poll(30, TimeUnit.SECONDS);
      if (l == null) {
        throw new AssertionError("no log line with '" + text + "' within 30 s");
      }
      if (l.contains(text)) {
        return l;
      }
    }
  }

  /** What start-up discovery found wrong, then what the log said. */
  List<String> problems() {
    List<String> out = new ArrayList<>();
    reports.forEach(r -> r.problems().forEach(p -> out.add(p.toString())));
    out.addAll(log);
    return out;
  }

  static Dict ab(long a, long b) {
    return Dict.builder()
        .put(Value.keyword("a"), Value.of(a))
        .put(Value.keyword("b"), Value.of(b))
        .build();
  }

  Value call(String id, String version, Value input) {
    return market.call(
        new CallRequest(id, version, input, SecurityContext.full("local"), null, null, null));
  }

  @Override
  public void close() {
    market.close();
    market.config().sources().forEach(s -> s.close());
  }
}
