package dev.agora.chain;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventType;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the Causal Chain says about each capability's calls: how many, how many failed and why,
 * latency percentiles, retries, cache hits, fallbacks and the circuit's last state — the summary
 * {@code agora caps stats} prints, computed from recorded actions, so it covers every run that
 * wrote to the store.
 */
public final class CallStats {

  /** One capability's figures. */
  public record Row(
      String capability,
      long calls,
      long failed,
      Map<String, Long> errors,
      Duration p50,
      Duration p95,
      Duration max,
      long retries,
      long cacheHits,
      long fallbacks,
      String circuit) {}

  private CallStats() {}

  /** The rows for {@code actions} (any order), by capability id. */
  public static List<Row> of(Collection<Event> actions) {
    Map<String, Acc> by = new TreeMap<>();
    for (Event e : actions) {
      if (e.capabilityId() == null) {
        continue;
      }
      Acc a = by.computeIfAbsent(e.capabilityId(), k -> new Acc());
      switch (e.type()) {
        case CapabilityResult, PolicyDenied -> a.result(e);
        case CapabilityRetrying -> a.retries++;
        case CircuitChanged -> {
          if (a.circuitAt == null || !e.at().isBefore(a.circuitAt)) {
            a.circuitAt = e.at();
            a.circuit =
                e.metadata() != null && e.metadata().get("to") instanceof Value.Keyword k
                    ? k.name()
                    : "?";
          }
        }
        default -> {}
      }
    }
    List<Row> rows = new ArrayList<>();
    by.forEach(
        (id, a) -> {
          if (a.calls > 0 || a.circuit != null) {
            rows.add(a.row(id));
          }
        });
    return rows;
  }

  private static final class Acc {
    long calls;
    long failed;
    final Map<String, Long> errors = new TreeMap<>();
    final List<Long> nanos = new ArrayList<>();
    long retries;
    long cacheHits;
    long fallbacks;
    String circuit;
    Instant circuitAt;

    void result(Event e) {
      calls++;
      if (Boolean.FALSE.equals(e.success()) || e.type() == EventType.PolicyDenied) {
        failed++;
        errors.merge(e.errorKind() == null ? "AccessDenied" : e.errorKind(), 1L, Long::sum);
      }
      if (e.duration() != null) {
        nanos.add(e.duration().toNanos());
      }
      Dict m = e.metadata();
      if (m != null) {
        if (m.get("cache") != null) {
          cacheHits++;
        }
        if (m.get("fallback") != null) {
          fallbacks++;
        }
      }
    }

    Row row(String id) {
      nanos.sort(null);
      return new Row(
          id,
          calls,
          failed,
          Map.copyOf(errors),
          percentile(0.50),
          percentile(0.95),
          nanos.isEmpty() ? null : Duration.ofNanos(nanos.getLast()),
          retries,
          cacheHits,
          fallbacks,
          circuit);
    }

    private Duration percentile(double q) {
      if (nanos.isEmpty()) {
        return null;
      }
      int i = (int) Math.ceil(q * nanos.size()) - 1;
      return Duration.ofNanos(nanos.get(Math.max(0, Math.min(i, nanos.size() - 1))));
    }
  }
}
