package dev.agora.provider.plugin;

import dev.agora.chain.Hashes;
import dev.agora.core.doc.DocumentProblem;
import dev.agora.core.isolation.Sandbox;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.spi.DiscoverySource;
import dev.agora.core.spi.IsolationDemands;
import dev.agora.core.spi.IsolationLevel;
import dev.agora.core.spi.Provider;
import dev.agora.core.trust.Authority;
import dev.agora.core.trust.JarSignatures;
import dev.agora.core.trust.TrustException;
import dev.agora.core.trust.TrustPolicy;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The plugins directory as a discovery source: every {@code *.jar} in it is loaded as a plugin
 * ({@link Plugin}), and its capabilities registered through the registry like any source's
 * (recorded in the Causal Chain, admitted by trust). Watching, it rescans on every change of the
 * directory: a JAR added registers its plugin's capabilities, one replaced (new bytes) upgrades
 * them — calls in flight finish on the old version, whose class loader is then closed and released
 * — and one removed unregisters them. A JAR that cannot be loaded is a problem of its file and
 * changes nothing else; a plugin id and version already loaded from another JAR, or a capability
 * another plugin already contributes, is refused.
 */
final class PluginSource implements DiscoverySource {

  private final String name;
  private final Path dir;
  private final boolean watch;
  private final Path work;
  private final ClassLoader agora;
  private final List<PathMatcher> outOfProcess;
  private final IsolationDemands isolation;
  private final PluginHosts hosts;
  private final TrustPolicy signers;
  private volatile UnaryOperator<List<String>> wrapper = UnaryOperator.identity();
  private PluginProvider provider = new PluginProvider();
  private Map<Path, Plugin> loaded = new LinkedHashMap<>();
  private List<CapabilityManifest> current = List.of();
  private volatile WatchService watcher;

  /**
   * @param dir the plugins directory
   * @param watch whether to reload while running
   * @param work where the loaded JARs' private copies go
   * @param agora the class loader the SPI comes from
   * @param outOfProcess globs of JAR file names whose plugins run in a child JVM
   * @param isolation what policy demands: a JAR whose capabilities it may want isolated is loaded
   *     in a sandboxed host first
   * @param hosts starts the child JVMs
   * @param signers when not null, only JARs signed by one of its authorities are loaded
   */
  PluginSource(
      String name,
      Path dir,
      boolean watch,
      Path work,
      ClassLoader agora,
      List<String> outOfProcess,
      IsolationDemands isolation,
      PluginHosts hosts,
      TrustPolicy signers) {
    this.name = name;
    this.dir = dir;
    this.watch = watch;
    this.work = work;
    this.agora = agora;
    this.outOfProcess =
        outOfProcess.stream().map(g -> dir.getFileSystem().getPathMatcher("glob:" + g)).toList();
    this.isolation = isolation;
    this.hosts = hosts;
    this.signers = signers;
  }

  /** A source with no isolation rules, whose out-of-process hosts run plain (for tests). */
  PluginSource(
      String name,
      Path dir,
      boolean watch,
      Path work,
      ClassLoader agora,
      List<String> outOfProcess) {
    this(
        name,
        dir,
        watch,
        work,
        agora,
        outOfProcess,
        IsolationDemands.NONE,
        new PluginHosts(Sandbox.unavailable("not asked for"), work, PluginHosts.DEFAULT_LIMITS),
        null);
  }

  /**
   * Wraps the command of every out-of-process plugin host started from now on (a sandbox: {@code
   * Sandbox.host().wrap(spec, command)}); none by default.
   */
  void commandWrapper(UnaryOperator<List<String>> w) {
    wrapper = w;
  }

  /** Whether the plugin in {@code jar} runs in a child JVM. */
  private boolean remote(Path jar) {
    return outOfProcess.stream().anyMatch(m -> m.matches(jar.getFileName()));
  }

  /** The command starting a {@link PluginHost} for {@code jar}, with this JVM's class path. */
  static List<String> hostCommand(Path jar) {
    return List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp",
        System.getProperty("java.class.path"),
        PluginHost.class.getName(),
        jar.toAbsolutePath().toString());
  }

  @Override
  public String name() {
    return name;
  }

  /** Takes the marketplace's {@code plugin} provider, which runs what the JARs contribute. */
  @Override
  public void attach(Function<String, Provider> providers) {
    if (providers.apply("plugin") instanceof PluginProvider p) {
      provider = p;
    }
  }

  PluginProvider provider() {
    return provider;
  }

  /** The plugins loaded now, by JAR. */
  synchronized Map<Path, Plugin> loaded() {
    return Map.copyOf(loaded);
  }

  @Override
  public Found discover() {
    Scan s = scan();
    s.retired.forEach(Plugin::retire);
    return new Found(s.manifests, s.problems);
  }

  /** What a scan of the directory found, and the plugins it replaced or removed. */
  private record Scan(
      List<CapabilityManifest> manifests, List<DocumentProblem> problems, List<Plugin> retired) {}

  private DocumentProblem problem(Path file, String message) {
    return new DocumentProblem(file.toString(), 0, "", message);
  }

  /** Loads what is new or changed, keeps what is not, and binds the result to the provider. */
  private synchronized Scan scan() {
    List<DocumentProblem> problems = new ArrayList<>();
    List<Path> jars;
    try (Stream<Path> files = Files.list(dir)) {
      jars = files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
    } catch (IOException e) {
      problems.add(problem(dir, "cannot list the plugins directory: " + e));
      jars = List.of();
    }
    Map<Path, Plugin> kept = new LinkedHashMap<>();
    Map<Path, Plugin> fresh = new LinkedHashMap<>();
    for (Path jar : jars) {
      try {
        byte[] bytes = Files.readAllBytes(jar);
        String sha256 = Hashes.hex(Hashes.sha256(bytes));
        Plugin old = loaded.get(jar);
        if (old != null && old.sha256().equals(sha256)) {
          kept.put(jar, old);
        } else {
          fresh.put(jar, load(jar, bytes, sha256));
        }
      } catch (IOException e) { // gone since it was listed: the next event says so
        problems.add(problem(jar, "cannot read it: " + e));
      } catch (PluginException e) {
        problems.add(problem(jar, e.getMessage()));
      }
    }
    // Those already serving win a conflict with those just added.
    Map<Path, Plugin> next = new LinkedHashMap<>();
    Map<String, Path> plugins = new HashMap<>();
    Set<String> capabilities = new HashSet<>();
    List<Plugin> candidates = new ArrayList<>(kept.values());
    candidates.addAll(fresh.values());
    for (Plugin p : candidates) {
      String clash = clash(p, plugins, capabilities);
      if (clash != null) {
        problems.add(problem(p.jar(), clash));
        p.retire();
        continue;
      }
      plugins.put(p.label(), p.jar());
      p.manifests().forEach(m -> capabilities.add(LoadedPlugin.key(m)));
      p.providerTypes().forEach(t -> capabilities.add("type " + t));
      next.put(p.jar(), p);
    }
    next.values().forEach(provider::bind);
    List<Plugin> retired = new ArrayList<>();
    for (Plugin old : loaded.values()) {
      if (next.get(old.jar()) != old) {
        provider.unbind(old);
        retired.add(old);
      }
    }
    List<CapabilityManifest> manifests = new ArrayList<>();
    next.values().forEach(p -> manifests.addAll(p.manifests()));
    loaded = next;
    current = List.copyOf(manifests);
    return new Scan(current, problems, retired);
  }

  /**
   * Loads the plugin in {@code jar}: in a child JVM when its name says so; in a sandboxed child
   * when policy may want its capabilities isolated — kept there if it does, loaded in this JVM
   * instead if none of them needs it — so that no code of a plugin policy wants isolated runs here.
   */
  private Plugin load(Path jar, byte[] bytes, String sha256) throws PluginException {
    Authority signer = signer(jar, sha256);
    Plugin p = loadVerified(jar, bytes, sha256);
    if (signer != null) {
      for (CapabilityManifest m : p.manifests()) {
        if (!signer.covers(m.id())) {
          p.retire();
          throw new PluginException(
              "not loaded: its signer '"
                  + signer.name()
                  + "' may vouch for "
                  + signer.namespaceList()
                  + ", not for "
                  + m.id());
        }
      }
    }
    return p;
  }

  /**
   * Who signed {@code jar} (its {@code .sig} file), when signatures are required — before any of
   * its code runs; null when they are not.
   */
  private Authority signer(Path jar, String sha256) throws PluginException {
    if (signers == null) {
      return null;
    }
    Path sig = jar.resolveSibling(jar.getFileName() + ".sig");
    String text;
    try {
      text = Files.readString(sig);
    } catch (IOException e) {
      throw new PluginException(
          "not loaded: plugins.require_signature is on and " + sig.getFileName() + " is missing");
    }
    try {
      return JarSignatures.verify(text, sha256, signers);
    } catch (TrustException e) {
      throw new PluginException("not loaded: " + e.getMessage(), e);
    }
  }

  private Plugin loadVerified(Path jar, byte[] bytes, String sha256) throws PluginException {
    if (remote(jar)) {
      return keep(host(jar, sha256));
    }
    String rule = isolation.mayIsolate("plugin");
    if (rule == null) {
      return LoadedPlugin.load(jar, bytes, sha256, work, agora);
    }
    if (hosts.level() != IsolationLevel.PROCESS) {
      throw new PluginException(
          "not loaded: "
              + rule
              + " may require isolation of its capabilities, and this host cannot run a plugin"
              + " in the sandbox ("
              + hosts.unavailable()
              + "); none of its code is run unsandboxed");
    }
    RemotePlugin sandboxed = host(jar, sha256);
    for (CapabilityManifest m : sandboxed.manifests()) {
      if (isolation.requiredLevel(m) != IsolationLevel.IN_PROCESS) {
        return keep(sandboxed);
      }
    }
    sandboxed.retire();
    return LoadedPlugin.load(jar, bytes, sha256, work, agora);
  }

  /** {@code p}, to run out of process: refused if it adds provider types (they run only here). */
  private static RemotePlugin keep(RemotePlugin p) throws PluginException {
    if (!p.declinedTypes().isEmpty()) {
      p.retire();
      throw new PluginException(
          "plugin "
              + p.label()
              + " adds provider types "
              + p.declinedTypes()
              + ", which run only in Agora's JVM, and it is to run out of process; not loaded");
    }
    return p;
  }

  private RemotePlugin host(Path jar, String sha256) throws PluginException {
    PluginHosts.Launch l = hosts.launch(jar, sha256);
    return RemotePlugin.start(
        jar, sha256, new PluginHosts.Launch(wrapper.apply(l.command()), l.env(), l.level()));
  }

  /** Why {@code p} cannot join those already accepted, or null. */
  private static String clash(Plugin p, Map<String, Path> plugins, Set<String> capabilities) {
    Path other = plugins.get(p.label());
    if (other != null) {
      return "plugin " + p.label() + " is already loaded from " + other + "; refused";
    }
    for (String type : p.providerTypes()) {
      if (capabilities.contains("type " + type)) {
        return "plugin "
            + p.label()
            + " adds provider type "
            + type
            + ", which another plugin already adds; refused";
      }
    }
    for (CapabilityManifest m : p.manifests()) {
      if (capabilities.contains(LoadedPlugin.key(m))) {
        return "plugin "
            + p.label()
            + " contributes "
            + m.id()
            + " "
            + m.version()
            + ", which another plugin already does; refused";
      }
    }
    return null;
  }

  /** Rescans the directory and reports what changed; then releases what was replaced or removed. */
  void rescan(Changes changes) {
    List<CapabilityManifest> before;
    synchronized (this) {
      before = current;
    }
    Scan s = scan();
    s.problems.forEach(p -> changes.problem(this, p));
    changes.diff(this, before, s.manifests);
    s.retired.forEach(Plugin::retire);
  }

  @Override
  public void watch(Changes changes) {
    if (!watch) {
      return;
    }
    WatchService ws;
    try {
      ws = dir.getFileSystem().newWatchService();
      dir.register(
          ws,
          StandardWatchEventKinds.ENTRY_CREATE,
          StandardWatchEventKinds.ENTRY_MODIFY,
          StandardWatchEventKinds.ENTRY_DELETE);
    } catch (IOException e) {
      changes.problem(this, problem(dir, "cannot watch the plugins directory: " + e));
      return;
    }
    watcher = ws;
    Thread.ofVirtual().name("agora-plugins").start(() -> follow(ws, changes));
  }

  private void follow(WatchService ws, Changes changes) {
    try {
      while (true) {
        WatchKey key = ws.take();
        key.pollEvents();
        key.reset();
        rescan(changes);
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // closed
    }
  }

  @Override
  public void close() {
    WatchService ws = watcher;
    if (ws != null) {
      try {
        ws.close();
      } catch (IOException e) { // closing anyway
      }
    }
    synchronized (this) {
      loaded
          .values()
          .forEach(
              p -> {
                provider.unbind(p);
                p.retire();
              });
      loaded = new LinkedHashMap<>();
      current = List.of();
    }
  }
}
