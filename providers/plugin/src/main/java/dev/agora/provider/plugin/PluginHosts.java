package dev.agora.provider.plugin;

import dev.agora.core.isolation.Sandbox;
import dev.agora.core.isolation.SandboxLimits;
import dev.agora.core.isolation.SandboxSpec;
import dev.agora.core.spi.IsolationLevel;
import java.io.File;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Starts the child JVMs out-of-process plugins run in ({@link PluginHost}): under the process
 * sandbox when this host has one (no network, read-only root, private /tmp, cleared environment,
 * the {@code plugins.limits}, a uid of its own when Agora is root), as a plain child otherwise —
 * and says which ({@link Launch#level}), so a capability that policy wants isolated is refused
 * rather than run in a plain child.
 *
 * <p>Inside the sandbox the child sees only {@code /usr} (where the JDK is) and what is bound: a
 * copy of this JVM's class path and of the plugin's JAR, made once under the work directory and
 * readable by the sandbox's user (Agora's own class path may lie in a directory only its user can
 * enter, such as {@code /root/.m2}).
 */
final class PluginHosts {

  /** The first uid a sandboxed host runs as when Agora is root; each host takes the next. */
  static final int FIRST_UID = 640_000;

  private static final int UIDS = 10_000;

  /** A long-lived host's limits: CPU time is for its whole life, the JVM reserves a lot. */
  static final SandboxLimits DEFAULT_LIMITS = new SandboxLimits(86_400, 1024, 512, 256);

  private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwxr-xr-x");
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-r--r--");

  private final Sandbox sandbox;
  private final Path work;
  private final SandboxLimits limits;
  private final AtomicInteger uids = new AtomicInteger();
  private String classPath;

  /**
   * @param sandbox this host's sandbox ({@link Sandbox#host()})
   * @param work where the copies go (made readable by every user)
   * @param limits the limits of each sandboxed host
   */
  PluginHosts(Sandbox sandbox, Path work, SandboxLimits limits) {
    this.sandbox = sandbox;
    this.work = work;
    this.limits = limits;
  }

  /** How hosts started from now on are isolated: {@code process}, or {@code in-process}. */
  IsolationLevel level() {
    return sandbox.support().available() ? IsolationLevel.PROCESS : IsolationLevel.IN_PROCESS;
  }

  /** Why hosts are not sandboxed here (the probe's finding). */
  String unavailable() {
    return sandbox.support().detail();
  }

  /**
   * How to start a host for {@code jar}: the command, the whole environment of the child (null:
   * this process's), and its isolation.
   */
  record Launch(List<String> command, Map<String, String> env, IsolationLevel level) {}

  /** The launch of a host for {@code jar}, whose bytes have the digest {@code sha256}. */
  Launch launch(Path jar, String sha256) throws PluginException {
    if (level() != IsolationLevel.PROCESS) {
      return new Launch(PluginSource.hostCommand(jar), null, IsolationLevel.IN_PROCESS);
    }
    try {
      dir(work);
      Path hosts = dir(work.resolve("hosts"));
      Path copy = hosts.resolve(sha256 + ".jar");
      if (!Files.exists(copy)) {
        Path part = Files.createTempFile(hosts, "jar", ".part");
        Files.copy(jar, part, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(part, FILE);
        Files.move(part, copy, StandardCopyOption.ATOMIC_MOVE);
      }
      String cp = classPath();
      SandboxSpec spec =
          new SandboxSpec(
              hosts, Map.of("MALLOC_ARENA_MAX", "2"), limits, false, readOnly(), List.of());
      List<String> java =
          List.of(
              javaHome().resolve("bin").resolve("java").toString(),
              "-Xmx" + Math.max(32, limits.memoryMb() / 4) + "m",
              "-Xss512k",
              "-XX:+UseSerialGC",
              "-XX:TieredStopAtLevel=1",
              "-XX:-UsePerfData",
              "-XX:ReservedCodeCacheSize=32m",
              "-XX:CompressedClassSpaceSize=64m",
              "-XX:MaxMetaspaceSize=128m",
              "-cp",
              cp,
              PluginHost.class.getName(),
              copy.toString());
      int uid = FIRST_UID + Math.floorMod(uids.getAndIncrement(), UIDS);
      return new Launch(
          sandbox.wrap(spec, java, uid), Sandbox.environment(spec), IsolationLevel.PROCESS);
    } catch (IOException e) {
      throw new PluginException("cannot prepare its sandboxed host: " + e, e);
    }
  }

  private static Path javaHome() {
    return Path.of(System.getProperty("java.home"));
  }

  /** What the sandbox binds read-only: the class path's copy, and the JDK unless under /usr. */
  private List<Path> readOnly() {
    List<Path> ro = new ArrayList<>(List.of(work.resolve("classpath")));
    if (!javaHome().toAbsolutePath().normalize().startsWith("/usr")) {
      ro.add(javaHome());
    }
    return ro;
  }

  /** This JVM's class path, copied once under the work directory. */
  private synchronized String classPath() throws IOException {
    if (classPath == null) {
      Path cp = dir(work.resolve("classpath"));
      List<String> entries = new ArrayList<>();
      int i = 0;
      for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
        Path src = Path.of(e).toAbsolutePath().normalize();
        if (e.isEmpty() || !Files.exists(src)) {
          continue;
        }
        Path dst = cp.resolve(i++ + "-" + src.getFileName());
        if (!Files.exists(dst)) {
          copy(src, dst);
        }
        entries.add(dst.toString());
      }
      classPath = String.join(File.pathSeparator, entries);
    }
    return classPath;
  }

  private static void copy(Path src, Path dst) throws IOException {
    if (Files.isDirectory(src)) {
      try (Stream<Path> all = Files.walk(src)) {
        for (Path p : (Iterable<Path>) all::iterator) {
          Path to = dst.resolve(src.relativize(p).toString());
          if (Files.isDirectory(p)) {
            dir(to);
          } else {
            Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(to, FILE);
          }
        }
      }
      return;
    }
    Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING);
    Files.setPosixFilePermissions(dst, FILE);
  }

  /** {@code d}, made if missing, readable and enterable by every user. */
  private static Path dir(Path d) throws IOException {
    try {
      Files.createDirectories(d);
    } catch (FileAlreadyExistsException e) { // a file there: the next call says so
    }
    Files.setPosixFilePermissions(d, DIR);
    return d;
  }
}
