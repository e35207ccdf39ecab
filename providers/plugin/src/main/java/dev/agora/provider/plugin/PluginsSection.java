package dev.agora.provider.plugin;

import dev.agora.core.doc.Fields;
import dev.agora.core.isolation.Sandbox;
import dev.agora.core.isolation.SandboxLimits;
import dev.agora.core.spi.ConfigSection;
import dev.agora.core.spi.DiscoverySource;
import dev.agora.core.trust.TrustPolicy;
import java.nio.file.Path;
import java.util.List;

/**
 * agora.yaml's {@code plugins:} section (docs/PLUGINS.md):
 *
 * <pre>
 * plugins:
 *   dir: plugins      # the directory of plugin JARs, relative to agora.yaml
 *   watch: true       # reload JARs added, replaced or removed while running
 *   out_of_process: ["untrusted-*.jar"]   # these JARs' plugins run in a sandboxed child JVM
 *   limits: {memory_mb: 1024, processes: 256}   # of each sandboxed child (docs/PLUGINS.md)
 *   require_signature: true   # only JARs signed by trust.authorities (a .jar.sig beside each)
 * </pre>
 *
 * Present, it adds the directory as a discovery source named {@code plugins}; absent, no plugin is
 * loaded.
 */
public final class PluginsSection implements ConfigSection<PluginsSection.Settings> {

  /** What the section says. */
  public record Settings(
      Path dir,
      boolean watch,
      List<String> outOfProcess,
      SandboxLimits limits,
      boolean requireSignature) {
    public Settings {
      outOfProcess = List.copyOf(outOfProcess);
    }
  }

  /** Where loaded JARs are copied: one directory per process, under the temporary directory. */
  static final Path WORK =
      Path.of(
          System.getProperty("java.io.tmpdir"), "agora-plugins-" + ProcessHandle.current().pid());

  @Override
  public String key() {
    return "plugins";
  }

  @Override
  public Settings read(Fields f, Core core) {
    Settings s =
        new Settings(
            core.base().resolve(f.string("dir", "plugins")),
            f.bool("watch", true),
            f.strings("out_of_process"),
            SandboxLimits.read(f.map("limits"), PluginHosts.DEFAULT_LIMITS),
            f.bool("require_signature", false));
    if (s.requireSignature() && trust(core).authorities().isEmpty()) {
      f.problem(
          "require_signature",
          "plugin JARs can only be required to be signed by trust.authorities, and there are none");
    }
    f.rejectUnknown();
    return s;
  }

  /** The node's {@code trust:} section, read before this one. */
  private static TrustPolicy trust(Core core) {
    return core.earlier().get("trust") instanceof TrustPolicy t ? t : TrustPolicy.OFF;
  }

  @Override
  public Settings defaults() {
    return new Settings(Path.of("plugins"), true, List.of(), PluginHosts.DEFAULT_LIMITS, false);
  }

  @Override
  public List<DiscoverySource> sources(Settings s, Core core) {
    return List.of(
        new PluginSource(
            "plugins",
            s.dir(),
            s.watch(),
            WORK,
            PluginsSection.class.getClassLoader(),
            s.outOfProcess(),
            core.isolation(),
            new PluginHosts(Sandbox.host(), WORK, s.limits()),
            s.requireSignature() ? trust(core) : null));
  }
}
