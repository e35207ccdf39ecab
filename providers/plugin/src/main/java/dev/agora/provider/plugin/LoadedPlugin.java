package dev.agora.provider.plugin;

import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Manifests;
import dev.agora.core.manifest.Provenance;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.core.spi.AgoraPlugin;
import dev.agora.core.spi.CallContext;
import dev.agora.core.spi.DiscoverySource;
import dev.agora.core.spi.IsolationLevel;
import dev.agora.core.spi.Provider;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.JarFile;

/**
 * One plugin JAR, loaded: its class loader (over a private copy of the JAR, so the file may be
 * replaced or deleted while loaded), its {@link AgoraPlugin}, the capabilities it contributes with
 * their provenance, and how many calls are running its code. Once {@linkplain #retire retired} it
 * closes its class loader and deletes its copy when the last call in flight returns, and drops
 * every reference to the plugin's classes so that the loader can be collected.
 */
final class LoadedPlugin implements Plugin {

  private final Path jar;
  private final String sha256;
  private final Path copy;
  private volatile URLClassLoader loader;
  private final String id;
  private final String version;
  private volatile Map<String, AgoraPlugin.Handler> handlers; // manifest id@version → body
  private volatile Map<String, Provider> providers; // provider type it adds → provider
  private final List<CapabilityManifest> manifests;
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean retired;

  private LoadedPlugin(
      Path jar,
      String sha256,
      Path copy,
      URLClassLoader loader,
      String id,
      String version,
      Map<String, AgoraPlugin.Handler> handlers,
      Map<String, Provider> providers,
      List<CapabilityManifest> manifests) {
    this.jar = jar;
    this.sha256 = sha256;
    this.copy = copy;
    this.loader = loader;
    this.id = id;
    this.version = version;
    this.handlers = Map.copyOf(handlers);
    this.providers = Map.copyOf(providers);
    this.manifests = List.copyOf(manifests);
  }

  /**
   * Loads {@code jar}, whose bytes are {@code bytes} (digest {@code sha256}), from a copy written
   * under {@code work}; Agora's classes come from {@code agora} through the {@link SpiOnlyLoader}.
   *
   * @throws PluginException when it is no plugin, needs a newer SPI, or its code fails
   */
  static LoadedPlugin load(Path jar, byte[] bytes, String sha256, Path work, ClassLoader agora)
      throws PluginException {
    Path copy;
    try {
      Files.createDirectories(work);
      copy = Files.createTempFile(work, "plugin-", ".jar");
      Files.write(copy, bytes);
    } catch (IOException e) {
      throw new PluginException("cannot copy it to " + work + ": " + e.getMessage(), e);
    }
    URLClassLoader loader = null;
    try {
      try (JarFile j = new JarFile(copy.toFile())) {
        j.size(); // opened: a JAR (a ZIP) indeed
      } catch (IOException e) {
        throw new PluginException("it is not a JAR file: " + e.getMessage(), e);
      }
      loader =
          new URLClassLoader(
              "agora-plugin:" + jar.getFileName(),
              new URL[] {copy.toUri().toURL()},
              new SpiOnlyLoader(agora));
      return define(jar, sha256, copy, loader);
    } catch (PluginException | IOException | RuntimeException | LinkageError e) {
      close(loader, copy);
      if (e instanceof PluginException p) {
        throw p;
      }
      throw new PluginException(
          "its plugin failed to load: " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  private static LoadedPlugin define(Path jar, String sha256, Path copy, URLClassLoader loader)
      throws PluginException {
    List<AgoraPlugin> found = new ArrayList<>();
    try {
      Iterator<AgoraPlugin> it = ServiceLoader.load(AgoraPlugin.class, loader).iterator();
      while (it.hasNext()) {
        found.add(it.next());
      }
    } catch (ServiceConfigurationError e) {
      throw new PluginException("its AgoraPlugin cannot be made: " + e.getMessage(), e);
    }
    if (found.size() != 1) {
      throw new PluginException(
          found.isEmpty()
              ? "it declares no AgoraPlugin (META-INF/services/dev.agora.core.spi.AgoraPlugin)"
              : "it declares " + found.size() + " AgoraPlugins; a JAR holds one");
    }
    AgoraPlugin plugin = found.get(0);
    String id = plugin.id();
    String version = plugin.version();
    if (id == null || id.isBlank()) {
      throw new PluginException("its plugin has no id");
    }
    String versionProblem = version == null ? "it has none" : Manifests.versionProblem(version);
    if (versionProblem != null) {
      throw new PluginException("plugin " + id + " has a bad version: " + versionProblem);
    }
    int needs = plugin.spiVersion();
    if (needs > AgoraPlugin.SPI_VERSION) {
      throw new PluginException(
          "plugin "
              + id
              + " "
              + version
              + " needs plugin SPI version "
              + needs
              + ", and this node offers "
              + AgoraPlugin.SPI_VERSION
              + "; refused (upgrade Agora or use an older build of the plugin)");
    }
    Dict origin = origin(jar, sha256, id, version).build();
    Map<String, AgoraPlugin.Handler> handlers = new LinkedHashMap<>();
    List<CapabilityManifest> manifests = new ArrayList<>();
    for (AgoraPlugin.Capability c : plugin.capabilities()) {
      CapabilityManifest m = bound(c.manifest(), id, origin);
      if (handlers.putIfAbsent(key(m), c.handler()) != null) {
        throw new PluginException(
            "plugin " + id + " contributes " + m.id() + " " + m.version() + " twice");
      }
      manifests.add(m);
    }
    Set<String> sourced = new HashSet<>(handlers.keySet());
    for (DiscoverySource s : plugin.sources()) {
      try (s) {
        DiscoverySource.Found f = s.discover();
        if (!f.problems().isEmpty()) {
          throw new PluginException(
              "plugin " + id + "'s source " + s.name() + " has problems: " + f.problems());
        }
        for (CapabilityManifest m : f.manifests()) {
          if (!sourced.add(key(m))) {
            throw new PluginException(
                "plugin " + id + " contributes " + m.id() + " " + m.version() + " twice");
          }
          manifests.add(m.withProvenance(Provenance.origin(origin)));
        }
      } catch (PluginException e) {
        throw e;
      } catch (Exception e) {
        throw new PluginException(
            "plugin " + id + "'s source " + s.name() + " failed: " + e.getMessage(), e);
      }
    }
    Map<String, Provider> providers = new LinkedHashMap<>();
    for (Provider p : plugin.providers()) {
      String type = p.type();
      if (type == null || !type.contains(".") || !type.equals(type.strip())) {
        throw new PluginException(
            "plugin "
                + id
                + " adds provider type '"
                + type
                + "': a plugin's provider type is named with a dot (acme.rpc)");
      }
      if (providers.putIfAbsent(type, p) != null) {
        throw new PluginException("plugin " + id + " adds provider type " + type + " twice");
      }
    }
    return new LoadedPlugin(
        jar, sha256, copy, loader, id, version, handlers, Map.copyOf(providers), manifests);
  }

  /** A plugin's provenance origin: its JAR, the JAR's digest, the plugin's id and version. */
  static Dict.Builder origin(Path jar, String sha256, String id, String version) {
    return Dict.builder()
        .put("jar", Value.of(jar.toString()))
        .put("sha256", Value.of(sha256))
        .put("plugin", Value.of(id))
        .put("plugin_version", Value.of(version));
  }

  /** {@code m} executed by plugin {@code id}, with the plugin's provenance. */
  private static CapabilityManifest bound(CapabilityManifest m, String id, Dict origin) {
    return new CapabilityManifest(
        m.id(),
        m.name(),
        m.description(),
        m.version(),
        new ProviderSpec.Plugin(id, m.id(), Dict.EMPTY),
        m.input(),
        m.output(),
        m.effects(),
        m.permissions(),
        m.metadata(),
        m.timeout(),
        m.sla(),
        Provenance.origin(origin),
        m.attestation(),
        m.approvalRequired());
  }

  /** How the provider finds a capability's body: {@code id@version}. */
  static String key(CapabilityManifest m) {
    return m.id() + "@" + m.version();
  }

  @Override
  public Path jar() {
    return jar;
  }

  @Override
  public String sha256() {
    return sha256;
  }

  String id() {
    return id;
  }

  String version() {
    return version;
  }

  @Override
  public String label() {
    return id + " " + version;
  }

  @Override
  public List<CapabilityManifest> manifests() {
    return manifests;
  }

  @Override
  public Set<String> keys() {
    return handlers.keySet();
  }

  /** The plugin's class loader, or null once released. */
  ClassLoader loader() {
    return loader;
  }

  /**
   * Runs {@code handler} of this plugin with its class loader as the thread's context loader; what
   * it throws (an Error too: a stack overflow, a class of Agora's it may not see) becomes an {@link
   * AgoraError}.
   */
  @Override
  public Value call(String key, CapabilityManifest m, Value input, CallContext call)
      throws Exception {
    AgoraPlugin.Handler handler = handlers.get(key);
    return run(m, handler == null ? null : () -> handler.apply(input, call));
  }

  @Override
  public Set<String> providerTypes() {
    return providers.keySet();
  }

  /** Runs a capability of a provider type it adds; what it throws becomes a typed error. */
  Value execute(String type, CapabilityManifest m, Value input, CallContext call) throws Exception {
    Provider p = providers.get(type);
    return run(m, p == null ? null : () -> p.execute(m, input, call));
  }

  /** What a plugin runs: a handler, or a provider it adds. */
  private interface Body {
    Value run() throws Exception;
  }

  /** Runs {@code body} (null: released just as the call came) with the plugin's loader. */
  private Value run(CapabilityManifest m, Body body) throws Exception {
    inFlight.incrementAndGet();
    Thread t = Thread.currentThread();
    ClassLoader before = t.getContextClassLoader();
    t.setContextClassLoader(loader);
    try {
      if (body == null) {
        throw AgoraError.ProviderError.refused(m.id(), "plugin " + label() + " was unloaded", null);
      }
      return body.run();
    } catch (AgoraError | InterruptedException e) {
      throw e;
    } catch (Exception | LinkageError | StackOverflowError e) {
      throw new AgoraError.ProviderError(
          m.id(),
          "plugin "
              + label()
              + " failed: "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + e.getMessage()),
          e);
    } finally {
      t.setContextClassLoader(before);
      if (inFlight.decrementAndGet() == 0 && retired) {
        release();
      }
    }
  }

  /**
   * Marks it gone (removed or replaced): its loader is closed now if no call runs its code, else
   * when the last one returns.
   */
  @Override
  public IsolationLevel isolation() {
    return IsolationLevel.IN_PROCESS;
  }

  @Override
  public void retire() {
    retired = true;
    if (inFlight.get() == 0) {
      release();
    }
  }

  private synchronized void release() {
    URLClassLoader l = loader;
    if (l != null) {
      loader = null;
      handlers = Map.of();
      Map<String, Provider> added = providers;
      providers = Map.of();
      for (Provider p : added.values()) {
        try {
          p.close();
        } catch (RuntimeException | LinkageError e) { // its loader closes anyway
        }
      }
      close(l, copy);
    }
  }

  private static void close(URLClassLoader loader, Path copy) {
    try {
      if (loader != null) {
        loader.close();
      }
      Files.deleteIfExists(copy);
    } catch (IOException e) { // a copy we cannot delete stays in the work directory
      // nothing else holds it
    }
  }
}
