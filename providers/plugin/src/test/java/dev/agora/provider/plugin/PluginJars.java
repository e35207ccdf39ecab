package dev.agora.provider.plugin;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Builds plugin JARs in tests: sources compiled with the JDK's compiler, then jarred. */
final class PluginJars {

  private final Path work;
  private int n;

  PluginJars(Path work) {
    this.work = work;
  }

  /**
   * A plugin's source: class {@code pkg.P} with this id, version and SPI version, contributing
   * capability {@code cap} (version {@code capVersion}, input {@code {:a int :b int}}, timeout 2 s)
   * whose body is {@code body} ({@code input} and {@code call} in scope, returning a Value).
   */
  static String plugin(
      String pkg,
      String id,
      String version,
      String spi,
      String cap,
      String capVersion,
      String body) {
    return """
        package %s;
        import dev.agora.core.manifest.CapabilityManifest;
        import dev.agora.core.spi.AgoraPlugin;
        import dev.agora.rtfs.*;
        import java.time.Duration;
        import java.util.List;
        public final class P implements AgoraPlugin {
          public String id() { return "%s"; }
          public String version() { return "%s"; }
          public int spiVersion() { return %s; }
          public List<Capability> capabilities() {
            return List.of(new Capability(
                CapabilityManifest.builder("%s").version("%s")
                    .input("[:map [:a :int] [:b :int]]").timeout(Duration.ofSeconds(2)).build(),
                (input, call) -> { %s }));
          }
          static long a(Value in) { return ((Value.Int) ((Dict) in).get("a")).value(); }
          static long b(Value in) { return ((Value.Int) ((Dict) in).get("b")).value(); }
        }
        """
        .formatted(pkg, id, version, spi, cap, capVersion, body);
  }

  /** A JAR of {@code sources} (class name → source) declaring {@code plugins} as AgoraPlugins. */
  Path jar(Map<String, String> sources, List<String> plugins) throws IOException {
    Path dir = Files.createDirectories(work.resolve("build-" + n++));
    Path src = Files.createDirectories(dir.resolve("src"));
    Path classes = Files.createDirectories(dir.resolve("classes"));
    List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-classpath"));
    args.add(System.getProperty("java.class.path"));
    args.add("-proc:none");
    for (Map.Entry<String, String> e : sources.entrySet()) {
      Path f = src.resolve(e.getKey().replace('.', '/') + ".java");
      Files.createDirectories(f.getParent());
      Files.writeString(f, e.getValue());
      args.add(f.toString());
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac.run(null, null, System.err, args.toArray(String[]::new)) != 0) {
      throw new IllegalStateException("plugin sources did not compile");
    }
    Path jar = dir.resolve("plugin.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
        out.write(Files.readAllBytes(f));
        out.closeEntry();
      }
      if (!plugins.isEmpty()) {
        out.putNextEntry(new JarEntry("META-INF/services/dev.agora.core.spi.AgoraPlugin"));
        out.write((String.join("\n", plugins) + "\n").getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
      }
    }
    return jar;
  }

  /** A one-plugin JAR of {@link #plugin}'s source. */
  Path plugin(String pkg, String id, String version, String cap, String capVersion, String body)
      throws IOException {
    return jar(
        Map.of(
            pkg + ".P", plugin(pkg, id, version, "AgoraPlugin.SPI_VERSION", cap, capVersion, body)),
        List.of(pkg + ".P"));
  }

  /**
   * Puts {@code jar} in {@code dir} as {@code name} in one step (a move), as an operator should.
   */
  static Path install(Path jar, Path dir, String name) throws IOException {
    Path tmp = dir.resolveSibling(name + ".part");
    Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
    return Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
  }

  /** Writes {@code bytes} as a JAR that is none. */
  static Path corrupt(Path dir, String name) throws IOException {
    Path f = dir.resolve(name);
    try (OutputStream o = Files.newOutputStream(f)) {
      o.write("not a zip".getBytes(StandardCharsets.UTF_8));
    }
    return f;
  }
}
