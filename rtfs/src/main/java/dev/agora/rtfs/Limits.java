package dev.agora.rtfs;

import java.time.Duration;

/**
 * Budgets for one evaluation, so that no program can hang or exhaust the JVM. Exceeding one raises
 * {@link ErrorKind#LimitExceeded} (or {@link ErrorKind#Timeout} for the deadline); once raised, a
 * step, memory, timeout or cancellation cannot be caught by the program.
 *
 * @param maxSteps function applications allowed ({@code Long.MAX_VALUE}: unlimited)
 * @param timeout wall-clock time allowed, or null for none
 * @param maxDepth nested function calls allowed (RTFS has no tail calls, so this bounds recursion)
 * @param maxCollection the most items a collection built by the program may hold
 * @param maxString the most characters a string built by the program may hold
 * @param maxMemory the most bytes the strings, vectors, lists and maps the program builds may take,
 *     all of them counted as they are made (an estimate; see {@link Evaluation#allocate}), so that
 *     one evaluation cannot exhaust the heap that other callers share
 */
public record Limits(
    long maxSteps,
    Duration timeout,
    int maxDepth,
    int maxCollection,
    int maxString,
    long maxMemory) {

  /** The default memory budget of one evaluation: 256 MiB. */
  public static final long DEFAULT_MAX_MEMORY = 256L << 20;

  /**
   * No step budget or deadline; recursion 10,000 deep; collections of 10M items; strings of 16M
   * chars; 256 MiB of values.
   */
  public static final Limits DEFAULT =
      new Limits(Long.MAX_VALUE, null, 10_000, 10_000_000, 16_000_000, DEFAULT_MAX_MEMORY);

  public Limits {
    if (maxSteps <= 0 || maxDepth <= 0 || maxCollection <= 0 || maxString <= 0 || maxMemory <= 0) {
      throw new IllegalArgumentException(
          "limits must be positive: "
              + maxSteps
              + ", "
              + maxDepth
              + ", "
              + maxCollection
              + ", "
              + maxString
              + ", "
              + maxMemory);
    }
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
  }

  public Limits withMaxSteps(long steps) {
    return new Limits(steps, timeout, maxDepth, maxCollection, maxString, maxMemory);
  }

  public Limits withTimeout(Duration t) {
    return new Limits(maxSteps, t, maxDepth, maxCollection, maxString, maxMemory);
  }

  public Limits withMaxDepth(int depth) {
    return new Limits(maxSteps, timeout, depth, maxCollection, maxString, maxMemory);
  }

  public Limits withMaxCollection(int n) {
    return new Limits(maxSteps, timeout, maxDepth, n, maxString, maxMemory);
  }

  public Limits withMaxString(int n) {
    return new Limits(maxSteps, timeout, maxDepth, maxCollection, n, maxMemory);
  }

  public Limits withMaxMemory(long bytes) {
    return new Limits(maxSteps, timeout, maxDepth, maxCollection, maxString, bytes);
  }
}
