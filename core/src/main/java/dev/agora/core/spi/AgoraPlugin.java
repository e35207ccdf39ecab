package dev.agora.core.spi;

import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.rtfs.Value;
import java.util.List;
import java.util.Objects;

/**
 * A plugin JAR's entry point, found with {@link java.util.ServiceLoader} in the JAR ({@code
 * META-INF/services/dev.agora.core.spi.AgoraPlugin}, exactly one). The plugin module loads each JAR
 * of the configured plugins directory in its own class loader, which sees only the SPI packages
 * ({@code dev.agora.core.spi}, {@code dev.agora.core.manifest}, {@code dev.agora.core.error},
 * {@code dev.agora.core.doc}, {@code dev.agora.rtfs}) and the JDK — never core's internals or
 * another plugin (docs/PLUGINS.md).
 *
 * <p>A plugin contributes Java functions as capabilities ({@link #capabilities}), provider types
 * ({@link #providers}) and discovery sources ({@link #sources}) whose manifests are registered with
 * the plugin's. Every manifest goes through the registry's admission, so trust's {@code
 * require_signature} applies to them as to files.
 */
public interface AgoraPlugin {

  /**
   * The SPI version this node offers. A plugin answers {@link #spiVersion} with {@code return
   * AgoraPlugin.SPI_VERSION;}: the compiler copies the constant, so the plugin says the version it
   * was built against, and a node older than that refuses it with the reason.
   */
  int SPI_VERSION = 1;

  /**
   * The plugin's id ({@code acme.tools}): two plugins may share it only with different versions.
   */
  String id();

  /** The plugin's version ({@code 1.2.0}). */
  String version();

  /** The SPI version it needs; see {@link #SPI_VERSION}. */
  int spiVersion();

  /** The capabilities it implements in Java. */
  default List<Capability> capabilities() {
    return List.of();
  }

  /**
   * Provider types it adds: manifests from anywhere (a file, a source) may then use {@code
   * provider: {type: <its type>, …}} while the plugin is loaded. A type's name must have a dot
   * ({@code acme.rpc}), and only a plugin loaded in Agora's JVM can add one.
   */
  default List<Provider> providers() {
    return List.of();
  }

  /** Discovery sources whose manifests it contributes (listed once, when the plugin loads). */
  default List<DiscoverySource> sources() {
    return List.of();
  }

  /** The Java body of a plugin capability: input (already validated) to result. */
  @FunctionalInterface
  interface Handler {
    Value apply(Value input, CallContext call) throws Exception;
  }

  /**
   * A capability and its body. The manifest's provider is set when the plugin loads ({@code {type:
   * plugin, plugin: <id>, handler: <manifest id>}}); whatever the plugin wrote there is replaced.
   */
  record Capability(CapabilityManifest manifest, Handler handler) {
    public Capability {
      Objects.requireNonNull(manifest, "manifest");
      Objects.requireNonNull(handler, "handler");
    }
  }
}
