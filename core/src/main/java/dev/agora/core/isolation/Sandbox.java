package dev.agora.core.isolation;

import dev.agora.core.spi.IsolationRuntime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The process sandbox: bubblewrap under prlimit (issue 15). {@link #wrap} turns a command into one
 * that runs it with no network unless granted, a read-only root ({@code /usr} and the working
 * directory), a private {@code /tmp}, new PID, IPC, UTS and mount namespaces, a new session, no
 * capabilities, dying with its parent, and a cleared environment.
 *
 * <p>When Agora runs as root the child is first switched to uid/gid 65534 ({@code setpriv}):
 * RLIMIT_NPROC is not enforced for uid 0, so without it a fork bomb would not stop. RLIMIT_NPROC
 * counts every process of the child's real uid on the host, so children running at the same time
 * share the budget.
 */
public final class Sandbox {

  private static volatile Sandbox host;

  private final IsolationRuntime.Support support;
  private final boolean root;

  Sandbox(IsolationRuntime.Support support, boolean root) {
    this.support = support;
    this.root = root;
  }

  /** A sandbox that is not available, saying {@code why} (a host without bubblewrap, tests). */
  public static Sandbox unavailable(String why) {
    return new Sandbox(new IsolationRuntime.Support(false, why), isRoot());
  }

  /** This host's sandbox, probed on first use and kept for the JVM's lifetime. */
  public static Sandbox host() {
    Sandbox s = host;
    if (s == null) {
      synchronized (Sandbox.class) {
        s = host;
        if (s == null) {
          s = probe(List.of("true"));
          host = s;
        }
      }
    }
    return s;
  }

  /** Runs the real recipe once with {@code probeCommand}, with a 5 s timeout. */
  static Sandbox probe(List<String> probeCommand) {
    boolean root = isRoot();
    Sandbox candidate = new Sandbox(new IsolationRuntime.Support(true, ""), root);
    Path dir = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
    List<String> cmd =
        candidate.wrap(
            new SandboxSpec(dir, Map.of(), SandboxLimits.DEFAULT, false, List.of(), List.of()),
            probeCommand);
    String detail;
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.environment().clear();
      pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
      Process p = pb.start();
      p.getOutputStream().close();
      boolean done = p.waitFor(5, TimeUnit.SECONDS);
      if (!done) {
        p.destroyForcibly();
        detail = "the probe did not finish within 5 s";
      } else if (p.exitValue() == 0) {
        return new Sandbox(
            new IsolationRuntime.Support(
                true,
                "bubblewrap + prlimit"
                    + (root ? " + setpriv (uid 65534)" : "")
                    + "; no cgroup memory limit (not used)"),
            root);
      } else {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        detail = "the probe exited with " + p.exitValue() + ": " + tail(out, 500);
      }
    } catch (IOException e) {
      detail = "cannot start the probe: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      detail = "the probe was interrupted";
    }
    return new Sandbox(
        new IsolationRuntime.Support(
            false, detail + " (max_user_namespaces: " + maxUserNamespaces() + ")"),
        root);
  }

  private static boolean isRoot() {
    try {
      return "0".equals(String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid")));
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }

  static String maxUserNamespaces() {
    try {
      return Files.readString(Path.of("/proc/sys/user/max_user_namespaces")).strip();
    } catch (IOException e) {
      return "unknown";
    }
  }

  static String tail(String text, int max) {
    return text.length() <= max ? text : "…" + text.substring(text.length() - max);
  }

  /**
   * Why the sandbox's user cannot reach {@code dir}, or null if it can: when Agora runs as root the
   * child runs as uid 65534, which needs the others' search (x) permission on the directory and
   * every parent, and read permission on the directory itself.
   */
  public String unreachable(Path dir) {
    if (!root) {
      return null;
    }
    Path d = dir.toAbsolutePath().normalize();
    try {
      if (!Files.getPosixFilePermissions(d).contains(PosixFilePermission.OTHERS_READ)) {
        return d + " is not readable by the sandbox's user (uid 65534): chmod o+rx it";
      }
      for (Path p = d; p != null; p = p.getParent()) {
        if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
          return p + " cannot be entered by the sandbox's user (uid 65534): chmod o+x it";
        }
      }
    } catch (IOException e) {
      return "cannot read the permissions of " + d + ": " + e.getMessage();
    }
    return null;
  }

  /** Whether children are run as another uid (Agora is root): they then need a uid each. */
  public boolean changesUid() {
    return root;
  }

  /** Whether this host can sandbox, and what was found. */
  public IsolationRuntime.Support support() {
    return support;
  }

  /**
   * The command line that runs {@code command} inside the sandbox {@code spec} describes. The
   * command's first word is resolved on the host's {@code PATH}; its directory is bound read-only
   * when it is outside {@code /usr}.
   */
  public List<String> wrap(SandboxSpec spec, List<String> command) {
    return wrap(spec, command, NOBODY);
  }

  /**
   * The whole environment a child of {@code spec} is started with — the spec's variables and a
   * {@code PATH} (unless they set one), nothing of Agora's: give it to the {@link ProcessBuilder}
   * that runs {@link #wrap}'s command line (after clearing it), never put it on that command line.
   */
  public static Map<String, String> environment(SandboxSpec spec) {
    Map<String, String> env = new TreeMap<>(spec.env());
    env.putIfAbsent("PATH", "/usr/bin:/bin");
    return env;
  }

  /** The uid children run as when Agora is root and no other is given. */
  public static final int NOBODY = 65534;

  /**
   * {@link #wrap(SandboxSpec, List)} running the child as {@code uid} when Agora is root: a uid of
   * its own gives each child its own process budget (RLIMIT_NPROC counts per real uid), so children
   * running at once do not starve each other.
   */
  public List<String> wrap(SandboxSpec spec, List<String> command, int uid) {
    return wrap(spec, command, uid, null);
  }

  /**
   * {@link #wrap(SandboxSpec, List, int)} inside cgroup {@code memory} (null: none): a shell puts
   * itself into the group, then becomes the rest of the recipe, so nothing runs outside it.
   */
  public List<String> wrap(
      SandboxSpec spec, List<String> command, int uid, CgroupMemory.Group memory) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("empty command");
    }
    SandboxLimits l = spec.limits();
    List<String> c = new ArrayList<>();
    if (memory != null) {
      c.addAll(CgroupMemory.joining(memory));
    }
    c.add("prlimit");
    c.add(
        "--cpu="
            + l.cpuSeconds()
            + ":"
            + (l.cpuSeconds() + 1)); // SIGXCPU first, SIGKILL a second later
    if (l.memoryMb() > 0) {
      long bytes = l.memoryMb() << 20;
      c.add("--as=" + bytes + ":" + bytes);
    }
    c.add("--nofile=" + l.openFiles() + ":" + l.openFiles());
    c.add("--nproc=" + l.processes() + ":" + l.processes());
    c.add("--fsize=" + (64L << 20));
    c.add("--core=0");
    c.add("--");
    if (root) {
      c.addAll(List.of("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "--"));
    }
    c.addAll(
        List.of(
            "bwrap",
            "--unshare-all",
            "--unshare-user",
            "--disable-userns",
            "--die-with-parent",
            "--new-session",
            "--cap-drop",
            "ALL",
            "--hostname",
            "sandbox",
            "--ro-bind",
            "/usr",
            "/usr",
            "--symlink",
            "usr/bin",
            "/bin",
            "--symlink",
            "usr/lib",
            "/lib",
            "--symlink",
            "usr/lib64",
            "/lib64",
            "--ro-bind-try",
            "/etc/ssl",
            "/etc/ssl"));
    // a private /tmp first: the binds below may lie under /tmp and must stay visible
    c.addAll(
        List.of(
            "--proc",
            "/proc",
            "--dev",
            "/dev",
            "--size",
            String.valueOf(64L << 20),
            "--tmpfs",
            "/tmp"));
    if (spec.network()) {
      c.addAll(List.of("--share-net", "--ro-bind-try", "/etc/resolv.conf", "/etc/resolv.conf"));
    }
    String cwd = spec.cwd().toAbsolutePath().normalize().toString();
    String exe = resolve(command.getFirst());
    Path exeDir = Path.of(exe).getParent();
    List<Path> ro = new ArrayList<>(spec.readOnly());
    if (exeDir != null && !exeDir.startsWith("/usr") && Path.of(exe).isAbsolute()) {
      ro.add(exeDir);
    }
    for (Path p : ro) {
      String s = p.toAbsolutePath().normalize().toString();
      c.addAll(List.of("--ro-bind", s, s));
    }
    c.addAll(List.of("--ro-bind", cwd, cwd));
    for (Path p : spec.writable()) {
      String s = p.toAbsolutePath().normalize().toString();
      c.addAll(List.of("--bind", s, s));
    }
    // the root bwrap builds is a tmpfs: remounted read-only, only /tmp and the binds stay writable
    c.addAll(List.of("--remount-ro", "/", "--chdir", cwd));
    // No --setenv: a command line is readable by every user of the host (ps), and env values may
    // be secrets. The child inherits bwrap's environment, which the caller sets to environment().
    c.add("--");
    c.add(exe);
    c.addAll(command.subList(1, command.size()));
    return List.copyOf(c);
  }

  /**
   * {@code word} as an absolute path: found in {@code /usr/bin} or {@code /bin} first — what the
   * sandbox's own PATH sees — then on the host's PATH (a wrapper script there, such as a version
   * manager's shim, may not work inside); or as given.
   */
  static String resolve(String word) {
    if (word.contains("/")) {
      return Path.of(word).toAbsolutePath().normalize().toString();
    }
    String path = System.getenv("PATH");
    for (String dir : ("/usr/bin:/bin:" + (path == null ? "" : path)).split(":")) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, word);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        try {
          return candidate.toRealPath().toString();
        } catch (IOException e) {
          return candidate.toAbsolutePath().toString();
        }
      }
    }
    return word;
  }
}
