package dev.agora.provider.plugin;

import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.spi.CallContext;
import dev.agora.core.spi.Provider;
import dev.agora.rtfs.Value;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code plugin} provider: runs the Java functions plugin JARs contribute ({@code provider:
 * {type: plugin, plugin: <id>, handler: <name>}}). The plugin source binds each capability (id and
 * version) to its plugin as JARs come, change and go; a call takes the binding it finds when it
 * starts, so a call in flight finishes on the version it started with however the JAR changes. The
 * call path runs it on a virtual thread interrupted at the deadline (a plugin that hangs ends in a
 * Timeout); whatever a plugin throws becomes a typed error.
 */
public final class PluginProvider implements Provider {

  private final Map<String, Plugin> bindings = new ConcurrentHashMap<>();

  @Override
  public String type() {
    return "plugin";
  }

  /** Binds every capability of {@code plugin} to it (replacing another version's binding). */
  void bind(Plugin plugin) {
    plugin.keys().forEach(key -> bindings.put(key, plugin));
  }

  /** Drops the bindings that are still {@code plugin}'s. */
  void unbind(Plugin plugin) {
    bindings.values().removeIf(b -> b == plugin);
  }

  /** The number of capabilities bound (for tests and {@code doctor}). */
  int bound() {
    return bindings.size();
  }

  @Override
  public Value execute(CapabilityManifest manifest, Value input, CallContext call)
      throws Exception {
    String key = LoadedPlugin.key(manifest);
    Plugin b = bindings.get(key);
    if (b == null) {
      throw AgoraError.ProviderError.refused(
          manifest.id(),
          "no loaded plugin implements "
              + manifest.id()
              + " "
              + manifest.version()
              + " (its JAR was removed, replaced or refused)",
          null);
    }
    return b.call(key, manifest, input, call);
  }
}
