package dev.agora.rtfs;

import java.time.Duration;

/**
 * Budgets for one evaluation, so that no program can hang or exhaust the JVM. Exceeding one raises
 * {@link ErrorKind#LimitExceeded} (or {@link ErrorKind#Timeout} for the deadline); once raised, a
 * step, timeout or cancellation cannot be caught by the program.
 *
 * @param maxSteps function applications allowed ({@code Long.MAX_VALUE}: unlimited)
 * @param timeout wall-clock time allowed, or null for none
 * @param maxDepth nested function calls allowed (RTFS has no tail calls, so this bounds recursion)
 * @param maxCollection the most items a collection built by the program may hold
 * @param maxString the most characters a string built by the program may hold
 */
public record Limits(
    long maxSteps, Duration timeout, int maxDepth, int maxCollection, int maxString) {

  /**
   * No step budget or deadline; recursion 10,000 deep; collections of 10M items; strings of 16M
   * chars.
   */
  public static final Limits DEFAULT =
      new Limits(Long.MAX_VALUE, null, 10_000, 10_000_000, 16_000_000);

  public Limits {
    if (maxSteps <= 0 || maxDepth <= 0 || maxCollection <= 0 || maxString <= 0) {
      throw new IllegalArgumentException(
          "limits must be positive: "
              + maxSteps
              + ", "
              + maxDepth
              + ", "
              + maxCollection
              + ", "
              + maxString);
    }
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
  }

  public Limits withMaxSteps(long steps) {
    return new Limits(steps, timeout, maxDepth, maxCollection, maxString);
  }

  public Limits withTimeout(Duration t) {
    return new Limits(maxSteps, t, maxDepth, maxCollection, maxString);
  }

  public Limits withMaxDepth(int depth) {
    return new Limits(maxSteps, timeout, depth, maxCollection, maxString);
  }

  public Limits withMaxCollection(int n) {
    return new Limits(maxSteps, timeout, maxDepth, n, maxString);
  }

  public Limits withMaxString(int n) {
    return new Limits(maxSteps, timeout, maxDepth, maxCollection, n);
  }
}
