package dev.agora.provider.plugin;

import dev.agora.core.doc.Fields;
import dev.agora.core.spi.ConfigSection;
import dev.agora.core.spi.DiscoverySource;
import java.nio.file.Path;
import java.util.List;

/**
 * agora.yaml's {@code plugins:} section (docs/PLUGINS.md):
 *
 * <pre>
 * plugins:
 *   dir: plugins      # the directory of plugin JARs, relative to agora.yaml
 *   watch: true       # reload JARs added, replaced or removed while running
 *   out_of_process: ["untrusted-*.jar"]   # these JARs' plugins run in a child JVM
 * </pre>
 *
 * Present, it adds the directory as a discovery source named {@code plugins}; absent, no plugin is
 * loaded.
 */
public final class PluginsSection implements ConfigSection<PluginsSection.Settings> {

  /** What the section says. */
  public record Settings(Path dir, boolean watch, List<String> outOfProcess) {
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
            f.strings("out_of_process"));
    f.rejectUnknown();
    return s;
  }

  @Override
  public Settings defaults() {
    return new Settings(Path.of("plugins"), true, List.of());
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
            s.outOfProcess()));
  }
}
