package dev.agora.server;

import dev.agora.server.ServerSettings.Limit;

/**
 * A caller's two token buckets under a {@link Limit} at one moment: the calls and the request bytes
 * it has left. Each holds up to a burst's worth ({@code rate × burst}, at least 1) and refills at
 * its rate; bytes may be owed (below zero) by a body larger than what was left. The arithmetic of
 * {@code server.limits}, shared by each node's own buckets ({@link RateLimits}) and those the nodes
 * keep together in the database ({@link SharedBuckets}).
 */
record Buckets(double calls, double bytes) {

  static double callCapacity(Limit l) {
    return Math.max(1, l.callsPerSecond() * seconds(l));
  }

  static double byteCapacity(Limit l) {
    return Math.max(1, l.bytesPerSecond() * seconds(l));
  }

  private static double seconds(Limit l) {
    return l.burst().toNanos() / 1e9;
  }

  /** Full: what a caller not seen before has. */
  static Buckets full(Limit l) {
    return new Buckets(callCapacity(l), byteCapacity(l));
  }

  /** After {@code seconds} of refilling. */
  Buckets refilled(Limit l, double seconds) {
    return new Buckets(
        Math.min(callCapacity(l), calls + seconds * l.callsPerSecond()),
        Math.min(byteCapacity(l), bytes + seconds * l.bytesPerSecond()));
  }

  /** Less {@code n} bytes of request body. */
  Buckets charged(long n) {
    return new Buckets(calls, bytes - n);
  }

  /** Whether a request may come in: a whole call and some bytes are left. */
  boolean admits() {
    return calls >= 1 && bytes > 0;
  }

  /** Less the call a request takes. */
  Buckets taken() {
    return new Buckets(calls - 1, bytes);
  }

  /** When a request refused now may come back, in whole seconds (at least 1). */
  long retryAfterSeconds(Limit l) {
    double wait =
        Math.max(
            calls >= 1 ? 0 : (1 - calls) / l.callsPerSecond(),
            bytes > 0 ? 0 : (1 - bytes) / l.bytesPerSecond());
    return Math.max(1, (long) Math.ceil(wait));
  }

  /** Seconds until both are full again (a debt of bytes takes longer than a burst). */
  double fullIn(Limit l) {
    return Math.max(
        (callCapacity(l) - calls) / l.callsPerSecond(),
        (byteCapacity(l) - bytes) / l.bytesPerSecond());
  }

  boolean isFull(Limit l) {
    return calls >= callCapacity(l) && bytes >= byteCapacity(l);
  }
}
