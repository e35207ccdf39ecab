package dev.agora.provider.sandbox;

import dev.agora.core.error.AgoraError;
import dev.agora.core.isolation.CgroupMemory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One child process: started with only the environment given, its stderr drained into a bounded
 * tail on a virtual thread, killed (with everything it started) at a deadline or on {@link #close}.
 * Reads from a pipe do not answer an interrupt, so the deadline is kept by a timer that kills the
 * child, which ends the read.
 */
final class Child implements AutoCloseable {

  /** The most bytes of stderr kept for an error message. */
  static final int STDERR_TAIL = 2048;

  private static final ScheduledExecutorService KILLER =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().daemon().name("agora-process-deadlines").unstarted(r));

  private final String id;
  private final Process process;
  private final Tail stderr = new Tail(STDERR_TAIL);
  private final AtomicBoolean killedAtDeadline = new AtomicBoolean();
  private final java.util.concurrent.CompletableFuture<Void> drained;
  private final int uid;
  private final CgroupMemory.Group memory;

  private Child(String id, Process process, int uid, CgroupMemory.Group memory) {
    this.id = id;
    this.process = process;
    this.uid = uid;
    this.memory = memory;
    this.drained =
        java.util.concurrent.CompletableFuture.runAsync(
            () -> stderr.drain(process.getErrorStream()),
            r -> Thread.ofVirtual().name("agora-process-stderr").start(r));
  }

  /**
   * Starts {@code command} in {@code cwd} with exactly {@code env} (nothing inherited); {@code uid}
   * (from {@link Uids}, or -1) is given back when the child is closed.
   */
  static Child start(
      String id, List<String> command, Map<String, String> env, java.nio.file.Path cwd, int uid) {
    return start(id, command, env, cwd, uid, null);
  }

  /** {@link #start(String, List, Map, java.nio.file.Path, int)} in cgroup {@code memory}. */
  static Child start(
      String id,
      List<String> command,
      Map<String, String> env,
      java.nio.file.Path cwd,
      int uid,
      CgroupMemory.Group memory) {
    ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    try {
      return new Child(id, pb.start(), uid, memory);
    } catch (IOException e) {
      release(uid);
      if (memory != null) {
        memory.close();
      }
      throw new AgoraError.ProviderError(
          id, "cannot start " + command.getFirst() + ": " + e.getMessage(), e);
    }
  }

  OutputStream stdin() {
    return process.getOutputStream();
  }

  InputStream stdout() {
    return process.getInputStream();
  }

  boolean alive() {
    return process.isAlive();
  }

  /**
   * Kills the child when {@code left} has passed, unless the returned handle is cancelled first.
   */
  ScheduledFuture<?> deadline(Duration left) {
    long nanos = Math.max(1, left.toNanos());
    return KILLER.schedule(
        () -> {
          if (process.isAlive()) {
            killedAtDeadline.set(true);
            kill();
          }
        },
        nanos,
        TimeUnit.NANOSECONDS);
  }

  boolean killedAtDeadline() {
    return killedAtDeadline.get();
  }

  /** Waits for the child to exit (it has closed its stdout) and returns its exit code. */
  int exitCode() {
    return process.onExit().join().exitValue();
  }

  /**
   * The error for a child that ended without a valid answer: how it ended ({@code exited with 1},
   * {@code killed by signal 9}) and the tail of its stderr.
   */
  AgoraError failure(String what) {
    if (memory != null && memory.oomKilled()) {
      return new AgoraError.LimitExceeded(
          id,
          "the command used more memory than memory_cgroup_mb ("
              + memory.megabytes()
              + " MiB) and the kernel killed it"
              + stderrTail());
    }
    return new AgoraError.ProviderError(id, what + stderrTail(), null);
  }

  /** How an exit code reads: a plain exit, or the signal that killed the child. */
  static String ending(int code) {
    if (code > 128 && code < 160) {
      int signal = code - 128;
      String name =
          switch (signal) {
            case 9 -> "SIGKILL: a CPU, memory or process limit, or killed";
            case 24 -> "SIGXCPU: its CPU-time limit";
            case 25 -> "SIGXFSZ: its file-size limit";
            case 11 -> "SIGSEGV";
            case 6 -> "SIGABRT";
            default -> "signal " + signal;
          };
      return "was killed by signal " + signal + " (" + name + ")";
    }
    return "exited with " + code;
  }

  /**
   * The end of what the child wrote on stderr, once it has closed it (waiting a second at most).
   */
  String stderrTail() {
    drained.completeOnTimeout(null, 1, TimeUnit.SECONDS).join();
    String tail = stderr.text().strip();
    return tail.isEmpty() ? "" : "; stderr: " + tail;
  }

  /** Kills the child and everything it started. */
  void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
    process.onExit().join(); // its uid may be reused only once it is gone
    release(uid);
    if (memory != null) {
      memory.close();
    }
  }

  private static void release(int uid) {
    if (uid >= 0) {
      Uids.give(uid);
    }
  }

  /** Reads {@code in} to its end, or fails once it passes {@code max} bytes. */
  static byte[] readAll(String id, InputStream in, int max) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    int n;
    while ((n = in.read(buf)) >= 0) {
      if (out.size() + n > max) {
        throw new AgoraError.ProviderError(
            id, "the command wrote more than " + max + " bytes on stdout (max_output_bytes)", null);
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  /** Reads one line (without its newline) from {@code in}; null at end of stream. */
  static byte[] readLine(String id, InputStream in, int max) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        return out.toByteArray();
      }
      if (out.size() >= max) {
        throw new AgoraError.ProviderError(
            id, "the command wrote a line of more than " + max + " bytes (max_output_bytes)", null);
      }
      out.write(b);
    }
    return out.size() == 0 ? null : out.toByteArray();
  }

  /** The last bytes of a stream, kept as it is read. */
  static final class Tail {
    private final byte[] ring;
    private long written;

    Tail(int size) {
      ring = new byte[size];
    }

    void drain(InputStream in) {
      byte[] buf = new byte[1024];
      try (in) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          append(buf, n);
        }
      } catch (IOException e) {
        // the child is gone: keep what was read
      }
    }

    synchronized void append(byte[] buf, int n) {
      for (int i = 0; i < n; i++) {
        ring[(int) (written++ % ring.length)] = buf[i];
      }
    }

    synchronized String text() {
      int size = (int) Math.min(written, ring.length);
      byte[] out = new byte[size];
      long start = written - size;
      for (int i = 0; i < size; i++) {
        out[i] = ring[(int) ((start + i) % ring.length)];
      }
      return new String(out, StandardCharsets.UTF_8);
    }
  }
}
