package dev.agora.provider.plugin;

import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.core.spi.CallContext;
import dev.agora.core.spi.IsolationLevel;
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
  private final Map<String, LoadedPlugin> types = new ConcurrentHashMap<>(); // added types

  @Override
  public String type() {
    return "plugin";
  }

  /** Binds every capability of {@code plugin} to it (replacing another version's binding). */
  void bind(Plugin plugin) {
    plugin.keys().forEach(key -> bindings.put(key, plugin));
    if (plugin instanceof LoadedPlugin l) { // only a plugin in this JVM adds types
      l.providerTypes().forEach(type -> types.put(type, l));
    }
  }

  /** Drops the bindings that are still {@code plugin}'s. */
  void unbind(Plugin plugin) {
    bindings.values().removeIf(b -> b == plugin);
    types.values().removeIf(b -> b == plugin);
  }

  /** Its own type, and the provider types loaded plugins add. */
  @Override
  public boolean serves(String type) {
    return type().equals(type) || types.containsKey(type);
  }

  /** The number of capabilities bound (for tests and {@code doctor}). */
  int bound() {
    return bindings.size();
  }

  /**
   * The isolation of the plugin bound to {@code manifest}: {@code process} when its host runs under
   * the sandbox, {@code in-process} otherwise (a plain child JVM runs with Agora's rights).
   */
  @Override
  public IsolationLevel isolation(CapabilityManifest manifest) {
    Plugin b =
        manifest.provider() instanceof ProviderSpec.Extension e
            ? null // a type a plugin adds runs in Agora's JVM
            : bindings.get(LoadedPlugin.key(manifest));
    return b == null ? IsolationLevel.IN_PROCESS : b.isolation();
  }

  @Override
  public Value execute(CapabilityManifest manifest, Value input, CallContext call)
      throws Exception {
    if (manifest.provider() instanceof ProviderSpec.Extension e) {
      LoadedPlugin p = types.get(e.type());
      if (p == null) {
        throw AgoraError.ProviderError.refused(
            manifest.id(),
            "no loaded plugin adds provider type "
                + e.type()
                + " (its JAR was removed, replaced or refused)",
            null);
      }
      return p.execute(e.type(), manifest, input, call);
    }
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
