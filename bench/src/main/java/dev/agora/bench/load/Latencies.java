package dev.agora.bench.load;

import java.util.Arrays;

/**
 * The latencies of the calls one target completed in its measured windows, and the throughput they
 * add up to, and how many calls failed (with the first failure's message). Percentiles are exact:
 * the samples are sorted and the nearest rank is taken (what HdrHistogram gives without its
 * bucketing).
 */
public record Latencies(
    String target, long[] nanos, double seconds, int failed, String firstFailure) {

  public Latencies(String target, long[] nanos, double seconds) {
    this(target, nanos, seconds, 0, "");
  }

  public Latencies {
    nanos = nanos.clone();
    Arrays.sort(nanos);
  }

  /** The nearest-rank percentile, in microseconds. */
  public double percentileMicros(double p) {
    if (nanos.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * nanos.length);
    return nanos[Math.clamp(rank - 1, 0, nanos.length - 1)] / 1_000.0;
  }

  public double p50() {
    return percentileMicros(50);
  }

  public double p99() {
    return percentileMicros(99);
  }

  /** Calls completed per second over the measured windows. */
  public double perSecond() {
    return nanos.length / seconds;
  }

  /** This target's measurements added to another set of the same target's (a later round). */
  public Latencies plus(Latencies more) {
    long[] all = Arrays.copyOf(nanos, nanos.length + more.nanos.length);
    System.arraycopy(more.nanos, 0, all, nanos.length, more.nanos.length);
    return new Latencies(
        target,
        all,
        seconds + more.seconds,
        failed + more.failed,
        firstFailure.isEmpty() ? more.firstFailure : firstFailure);
  }
}
