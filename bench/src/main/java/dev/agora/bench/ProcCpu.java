package dev.agora.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of processes as Linux accounts it in {@code /proc/<pid>/stat}: user plus system time, in
 * seconds. The clock ticks there are USER_HZ, which the kernel fixes at 100 for user space.
 */
public final class ProcCpu {

  private static final double TICK_SECONDS = 1.0 / 100;

  private ProcCpu() {}

  /** The user+system time {@code pid} has used; 0 if it is gone. */
  public static double of(long pid) {
    long[] f = fields(pid);
    return f == null ? 0 : (f[0] + f[1]) * TICK_SECONDS;
  }

  /**
   * A server with worker processes (PostgreSQL's postmaster and its backends): the parent's time,
   * the time of its children that have ended (counted into the parent when it reaped them), and the
   * time of its live descendants. The difference of two readings is the tree's CPU time in between,
   * also for a child that ended in between.
   */
  public static double tree(long pid) {
    long[] f = fields(pid);
    if (f == null) {
      return 0;
    }
    double sum = (f[0] + f[1] + f[2] + f[3]) * TICK_SECONDS;
    return sum + descendants(pid);
  }

  /** The user+system time of {@code pid}'s live descendants (its MCP servers, say). */
  public static double descendants(long pid) {
    return ProcessHandle.of(pid)
        .map(h -> h.descendants().mapToDouble(d -> of(d.pid())).sum())
        .orElse(0.0);
  }

  /**
   * CPU time the whole machine has used since boot, all cores: every state of {@code /proc/stat}'s
   * first line but idle and iowait.
   */
  public static double machine() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
      long busy = 0;
      for (int i = 1; i <= 8; i++) { // user nice system idle iowait irq softirq steal
        busy += (i == 4 || i == 5) ? 0 : Long.parseLong(f[i]);
      }
      return busy * TICK_SECONDS;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** utime, stime, cutime, cstime of {@code pid} (fields 14–17 of its stat line), or null. */
  private static long[] fields(long pid) {
    String line;
    try {
      line = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    } catch (IOException gone) {
      return null;
    }
    // The command name (field 2) is in parentheses and may hold spaces: count from after it.
    String[] rest = line.substring(line.lastIndexOf(')') + 2).split(" ");
    return new long[] {
      Long.parseLong(rest[11]), Long.parseLong(rest[12]),
      Long.parseLong(rest[13]), Long.parseLong(rest[14])
    };
  }
}
