package dev.agora.bench.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A closed loop: {@code inFlight} virtual threads each make one call after another, so exactly that
 * many calls are in flight. Calls that start after the warm-up and end before the deadline are
 * measured. A failed call (an error, a timeout) is counted, not measured, and the loop goes on; the
 * first failure's message is kept to be shown beside the figures.
 */
public final class ClosedLoop {

  /** One call by worker {@code worker}; throws when the call did not succeed. */
  @FunctionalInterface
  public interface Call {
    void call(int worker) throws Exception;
  }

  private ClosedLoop() {}

  public static Latencies run(
      String target, int inFlight, Duration warmup, Duration measure, Call call)
      throws InterruptedException {
    long start = System.nanoTime() + warmup.toNanos();
    long end = start + measure.toNanos();
    List<long[]> perWorker = new ArrayList<>();
    int[] counts = new int[inFlight];
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicInteger failed = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < inFlight; w++) {
      long[][] box = {new long[1024]};
      perWorker.add(null);
      int worker = w;
      threads.add(
          Thread.ofVirtual()
              .name("load-" + w)
              .start(
                  () -> {
                    long[] mine = box[0];
                    int n = 0;
                    while (true) {
                      long t0 = System.nanoTime();
                      try {
                        call.call(worker);
                      } catch (Exception e) {
                        failure.compareAndSet(null, e);
                        failed.incrementAndGet();
                        if (System.nanoTime() > end) {
                          break;
                        }
                        continue;
                      }
                      long t1 = System.nanoTime();
                      if (t1 > end) {
                        break;
                      }
                      if (t0 >= start) {
                        if (n == mine.length) {
                          mine = Arrays.copyOf(mine, n * 2);
                        }
                        mine[n++] = t1 - t0;
                      }
                    }
                    synchronized (perWorker) {
                      perWorker.set(worker, mine);
                      counts[worker] = n;
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    int total = 0;
    for (int c : counts) {
      total += c;
    }
    long[] all = new long[total];
    int at = 0;
    for (int w = 0; w < inFlight; w++) {
      System.arraycopy(perWorker.get(w), 0, all, at, counts[w]);
      at += counts[w];
    }
    return new Latencies(
        target,
        all,
        measure.toNanos() / 1e9,
        failed.get(),
        failure.get() == null ? "" : String.valueOf(failure.get().getMessage()));
  }
}
