package dev.agora.core.isolation;

/**
 * Resource limits of a sandboxed child, applied with {@code prlimit}.
 *
 * @param cpuSeconds CPU time (RLIMIT_CPU), not wall-clock time: the caller keeps a deadline too
 * @param memoryMb address space (RLIMIT_AS) in MiB; 0 leaves it unlimited (V8 and the JVM reserve
 *     large virtual ranges)
 * @param openFiles open file descriptors (RLIMIT_NOFILE)
 * @param processes processes of the child's real uid (RLIMIT_NPROC); counts every process of that
 *     uid on the host, and is only enforced for a non-root uid (see {@link Sandbox})
 */
public record SandboxLimits(int cpuSeconds, long memoryMb, int openFiles, int processes) {

  /** 10 CPU seconds, 512 MiB, 256 files, 64 processes. */
  public static final SandboxLimits DEFAULT = new SandboxLimits(10, 512, 256, 64);

  public SandboxLimits {
    if (cpuSeconds <= 0 || memoryMb < 0 || openFiles <= 0 || processes <= 0) {
      throw new IllegalArgumentException(
          "sandbox limits must be positive (memory_mb may be 0 for unlimited)");
    }
  }
}
