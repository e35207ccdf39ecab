package dev.agora.provider.plugin;

import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.spi.AgoraPlugin;
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

  /** A capability's body and the plugin it belongs to. */
  record Binding(LoadedPlugin plugin, AgoraPlugin.Handler handler) {}

  private final Map<String, Binding> bindings = new ConcurrentHashMap<>();

  @Override
  public String type() {
    return "plugin";
  }

  /** Binds every capability of {@code plugin} to it (replacing another version's binding). */
  void bind(LoadedPlugin plugin) {
    plugin.handlers().forEach((key, handler) -> bindings.put(key, new Binding(plugin, handler)));
  }

  /** Drops the bindings that are still {@code plugin}'s. */
  void unbind(LoadedPlugin plugin) {
    bindings.values().removeIf(b -> b.plugin() == plugin);
  }

  /** The number of capabilities bound (for tests and {@code doctor}). */
  int bound() {
    return bindings.size();
  }

  @Override
  public Value execute(CapabilityManifest manifest, Value input, CallContext call)
      throws Exception {
    Binding b = bindings.get(LoadedPlugin.key(manifest));
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
    return b.plugin().call(b.handler(), manifest, input, call);
  }
}
