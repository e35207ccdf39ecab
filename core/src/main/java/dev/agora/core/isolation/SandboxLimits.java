package dev.agora.core.isolation;

import dev.agora.core.doc.Fields;

/**
 * Resource limits of a sandboxed child, applied with {@code prlimit}.
 *
 * @param cpuSeconds CPU time (RLIMIT_CPU), not wall-clock time: the caller keeps a deadline too
 * @param memoryMb address space (RLIMIT_AS) in MiB; 0 leaves it unlimited (V8 and the JVM reserve
 *     large virtual ranges)
 * @param openFiles open file descriptors (RLIMIT_NOFILE)
 * @param processes processes of the child's real uid (RLIMIT_NPROC); counts every process of that
 *     uid on the host, and is only enforced for a non-root uid (see {@link Sandbox})
 * @param memoryCgroupMb memory the child and all it starts may use, kept by a cgroup of its own
 *     ({@link CgroupMemory}); 0 for none
 */
public record SandboxLimits(
    int cpuSeconds, long memoryMb, int openFiles, int processes, long memoryCgroupMb) {

  /** 10 CPU seconds, 512 MiB, 256 files, 64 processes. */
  public static final SandboxLimits DEFAULT = new SandboxLimits(10, 512, 256, 64);

  /** Limits without a cgroup memory limit. */
  public SandboxLimits(int cpuSeconds, long memoryMb, int openFiles, int processes) {
    this(cpuSeconds, memoryMb, openFiles, processes, 0);
  }

  public SandboxLimits {
    if (cpuSeconds <= 0 || memoryMb < 0 || openFiles <= 0 || processes <= 0 || memoryCgroupMb < 0) {
      throw new IllegalArgumentException(
          "sandbox limits must be positive (memory_mb may be 0 for unlimited)");
    }
  }

  /**
   * A {@code limits:} map of agora.yaml ({@code {cpu_seconds: 2, memory_mb: 256, open_files: 64,
   * processes: 16, memory_cgroup_mb: 128}}), each key defaulting to {@code defaults}'; unknown keys
   * are problems of {@code f}.
   */
  public static SandboxLimits read(Fields f, SandboxLimits defaults) {
    SandboxLimits l =
        new SandboxLimits(
            (int) f.integer("cpu_seconds", defaults.cpuSeconds(), 1, 86_400L * 365),
            f.integer("memory_mb", defaults.memoryMb(), 0, 1 << 20),
            (int) f.integer("open_files", defaults.openFiles(), 8, 1 << 20),
            (int) f.integer("processes", defaults.processes(), 1, 1 << 16),
            f.integer("memory_cgroup_mb", defaults.memoryCgroupMb(), 0, 1 << 20));
    f.rejectUnknown();
    return l;
  }
}
