package dev.agora.bench.load;

import java.util.List;
import java.util.Locale;

/** Prints targets beside their baseline: p50, p99, what each adds over the baseline, and ratios. */
public final class Table {

  private Table() {}

  /** One Markdown table; the first row is the baseline the others are compared with. */
  public static String of(String title, Latencies baseline, List<Latencies> others) {
    StringBuilder out = new StringBuilder();
    out.append("\n").append(title).append("\n\n");
    out.append(
        "| target | calls | p50 µs | p99 µs | added p50 µs | added p99 µs | p50 ratio | calls/s |"
            + " throughput ratio | failed |\n");
    out.append("|---|---|---|---|---|---|---|---|---|---|\n");
    out.append(row(baseline, baseline));
    for (Latencies l : others) {
      out.append(row(l, baseline));
    }
    return out.toString();
  }

  private static String micros(double v) {
    return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%,.0f", v);
  }

  private static String row(Latencies l, Latencies base) {
    boolean isBase = l == base;
    return String.format(
        Locale.ROOT,
        "| %s | %,d | %s | %s | %s | %s | %s | %,.0f | %s | %s |%n",
        isBase ? l.target() + " (baseline)" : l.target(),
        l.nanos().length,
        micros(l.p50()),
        micros(l.p99()),
        isBase ? "—" : String.format(Locale.ROOT, "%+,.0f", l.p50() - base.p50()),
        isBase ? "—" : String.format(Locale.ROOT, "%+,.0f", l.p99() - base.p99()),
        isBase ? "—" : String.format(Locale.ROOT, "%.2f×", l.p50() / base.p50()),
        l.perSecond(),
        isBase ? "—" : String.format(Locale.ROOT, "%.2f×", l.perSecond() / base.perSecond()),
        l.failed() == 0 ? "0" : l.failed() + " (" + l.firstFailure().replace('|', '/') + ")");
  }
}
