package dev.agora.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Counts thread hand-offs with JFR: every time a thread waits for another one to hand it work or a
 * result, the JVM records a park ({@code jdk.ThreadPark}, {@code jdk.JavaMonitorWait}), and every
 * new virtual thread started for a piece of work is a {@code jdk.VirtualThreadStart}. Recorded with
 * no threshold around a number of calls made one at a time, the counts divided by the calls are the
 * wake-ups per call. Blocking socket reads of platform threads are not parks; they are counted
 * separately ({@code jdk.SocketRead}, no threshold) as the network hops.
 */
public final class Handoffs {

  static final String[] EVENTS = {
    "jdk.ThreadPark", "jdk.JavaMonitorWait", "jdk.VirtualThreadStart", "jdk.SocketRead"
  };

  private Handoffs() {}

  /** Runs {@code calls} under a recording of this JVM and returns the counts per call. */
  public static Counts record(int calls, ClosedLoop.Call call) throws Exception {
    Path file = Files.createTempFile("handoffs", ".jfr");
    try (Recording r = new Recording()) {
      for (String e : EVENTS) {
        r.enable(e).withThreshold(Duration.ZERO).withoutStackTrace();
      }
      r.start();
      for (int i = 0; i < calls; i++) {
        call.call(0);
      }
      r.stop();
      r.dump(file);
    }
    Counts c = Counts.of(file, calls);
    Files.delete(file);
    return c;
  }

  /** Events per call, by event type and by the thread (its name without the trailing number). */
  public record Counts(int calls, Map<String, Long> byEvent, Map<String, Long> byEventAndThread) {

    public static Counts of(Path jfr, int calls) throws IOException {
      Map<String, Long> byEvent = new TreeMap<>();
      Map<String, Long> byThread = new TreeMap<>();
      for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
        String type = e.getEventType().getName();
        byEvent.merge(type, 1L, Long::sum);
        byThread.merge(type + " on " + threadGroup(e), 1L, Long::sum);
      }
      return new Counts(calls, byEvent, byThread);
    }

    private static String threadGroup(RecordedEvent e) {
      RecordedThread t = e.getThread();
      if (t == null) {
        return "?";
      }
      String name = t.getJavaName() == null ? "" : t.getJavaName();
      if (name.isEmpty()) {
        return t.isVirtual() ? "(unnamed virtual)" : "(unnamed)";
      }
      return name.replaceAll("[0-9]+", "N");
    }

    /** The parks, monitor waits and virtual-thread starts per call: the hand-offs. */
    public double handoffsPerCall() {
      return (byEvent.getOrDefault("jdk.ThreadPark", 0L)
              + byEvent.getOrDefault("jdk.JavaMonitorWait", 0L)
              + byEvent.getOrDefault("jdk.VirtualThreadStart", 0L))
          / (double) calls;
    }

    public String describe(String target) {
      StringBuilder out = new StringBuilder();
      out.append(
          String.format(
              Locale.ROOT,
              "%s: %.2f hand-offs per call (%d calls, one at a time)%n",
              target,
              handoffsPerCall(),
              calls));
      byEventAndThread.forEach(
          (k, v) ->
              out.append(
                  String.format(Locale.ROOT, "    %-70s %6.2f per call%n", k, v / (double) calls)));
      return out.toString();
    }
  }
}
