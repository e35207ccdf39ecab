package dev.agora.core.isolation;

import dev.agora.core.spi.IsolationRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A memory limit the kernel enforces on a sandboxed child and everything it starts: a cgroup of its
 * own ({@code limits.memory_cgroup_mb}), on top of prlimit's address-space limit, which counts
 * reserved rather than used memory and is per process. Available when Agora can make cgroups with
 * the memory controller: cgroup v1's {@code /sys/fs/cgroup/memory}, or a cgroup v2 hierarchy whose
 * root delegates {@code memory} — in practice when Agora runs as root. Probed once; a child that
 * asks for it where it is not available is never started (the caller fails closed).
 *
 * <p>Each child gets {@code <root>/agora-<pid>/<n>}; the command is started by a shell that first
 * writes its own pid into the group's {@code cgroup.procs}, so the child and all it forks are
 * inside before any of its code runs. The group is removed when the child is gone.
 */
public final class CgroupMemory {

  private static volatile CgroupMemory host;

  private final Path base;
  private final boolean v2;
  private final IsolationRuntime.Support support;
  private final AtomicLong next = new AtomicLong();

  private CgroupMemory(Path base, boolean v2, IsolationRuntime.Support support) {
    this.base = base;
    this.v2 = v2;
    this.support = support;
  }

  /** No cgroups here, for the reason given. */
  public static CgroupMemory unavailable(String why) {
    return new CgroupMemory(null, false, new IsolationRuntime.Support(false, why));
  }

  /** This host's, probed once under {@code /sys/fs/cgroup}. */
  public static CgroupMemory host() {
    CgroupMemory h = host;
    if (h == null) {
      synchronized (CgroupMemory.class) {
        if (host == null) {
          CgroupMemory probed = probe(Path.of("/sys/fs/cgroup"));
          if (probed.support.available()) { // the node's own directory goes with the node
            Path base = probed.base;
            Runtime.getRuntime()
                .addShutdownHook(
                    Thread.ofPlatform()
                        .unstarted(
                            () -> {
                              try {
                                Files.deleteIfExists(base);
                              } catch (IOException e) { // a group still in use: left to the host
                              }
                            }));
          }
          host = probed;
        }
        h = host;
      }
    }
    return h;
  }

  /** Finds a memory controller under {@code fs} that Agora may make groups in. */
  static CgroupMemory probe(Path fs) {
    String name = "agora-" + ProcessHandle.current().pid();
    Path v1 = fs.resolve("memory");
    if (Files.isRegularFile(v1.resolve("memory.limit_in_bytes"))) {
      return tryBase(v1.resolve(name), false, "cgroup v1 memory controller at " + v1);
    }
    Path controllers = fs.resolve("cgroup.controllers");
    try {
      if (Files.isRegularFile(controllers)
          && List.of(Files.readString(controllers).strip().split(" ")).contains("memory")
          && Files.readString(fs.resolve("cgroup.subtree_control")).contains("memory")) {
        CgroupMemory m = tryBase(fs.resolve(name), true, "cgroup v2 at " + fs);
        if (m.support.available()) {
          Files.writeString(m.base.resolve("cgroup.subtree_control"), "+memory");
        }
        return m;
      }
    } catch (IOException e) {
      return unavailable("cannot use the cgroup v2 hierarchy at " + fs + ": " + e.getMessage());
    }
    return unavailable("no memory cgroup controller under " + fs);
  }

  private static CgroupMemory tryBase(Path base, boolean v2, String what) {
    try {
      Files.createDirectories(base);
      return new CgroupMemory(base, v2, new IsolationRuntime.Support(true, what));
    } catch (IOException e) {
      return unavailable(
          what + " cannot be used by this process (" + e.getMessage() + "): run Agora as root");
    }
  }

  /** Whether children can be given a cgroup memory limit here, and what was found. */
  public IsolationRuntime.Support support() {
    return support;
  }

  /** A new group limited to {@code mb} MiB (no swap beyond it). */
  public Group create(long mb) throws IOException {
    if (!support.available()) {
      throw new IOException("no memory cgroups here: " + support.detail());
    }
    Path dir = Files.createDirectory(base.resolve(Long.toString(next.incrementAndGet())));
    String bytes = Long.toString(mb << 20);
    try {
      if (v2) {
        Files.writeString(dir.resolve("memory.max"), bytes);
        Files.writeString(dir.resolve("memory.swap.max"), "0");
      } else {
        Files.writeString(dir.resolve("memory.limit_in_bytes"), bytes);
        Path memsw = dir.resolve("memory.memsw.limit_in_bytes");
        if (Files.exists(memsw)) {
          Files.writeString(memsw, bytes);
        }
      }
    } catch (IOException e) {
      Files.deleteIfExists(dir);
      throw e;
    }
    return new Group(dir, v2, mb);
  }

  /** One child's group. */
  public static final class Group implements AutoCloseable {
    private final Path dir;
    private final boolean v2;
    private final long mb;

    Group(Path dir, boolean v2, long mb) {
      this.dir = dir;
      this.v2 = v2;
      this.mb = mb;
    }

    /** The file a process writes its pid into to join. */
    public Path procs() {
      return dir.resolve("cgroup.procs");
    }

    /** The limit, in MiB. */
    public long megabytes() {
      return mb;
    }

    /** Whether the kernel killed a process of the group for exceeding the limit. */
    public boolean oomKilled() {
      try {
        String events = Files.readString(dir.resolve(v2 ? "memory.events" : "memory.oom_control"));
        for (String line : events.split("\n")) {
          if (line.startsWith("oom_kill ")) {
            return Long.parseLong(line.substring(9).strip()) > 0;
          }
        }
        Path failcnt = dir.resolve("memory.failcnt"); // kernels before oom_kill was counted
        return !v2
            && Files.exists(failcnt)
            && Long.parseLong(Files.readString(failcnt).strip()) > 0;
      } catch (IOException | NumberFormatException e) {
        return false;
      }
    }

    /** Removes the group; its processes have exited (a few tries while the kernel lets go). */
    @Override
    public void close() {
      for (int attempt = 0; attempt < 50; attempt++) {
        try {
          Files.deleteIfExists(dir);
          return;
        } catch (IOException busy) {
          Thread.onSpinWait();
          try {
            Thread.sleep(2); // a dying process leaves its cgroup a moment after it is reaped
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }
  }

  /** The shell prefix that puts the command that follows into {@code g} before it runs. */
  static List<String> joining(Group g) {
    return List.of("/bin/sh", "-c", "echo $$ > \"$0\" && exec \"$@\"", g.procs().toString());
  }
}
