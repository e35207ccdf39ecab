package dev.agora.core.discovery;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventIds;
import dev.agora.chain.event.EventSink;
import dev.agora.chain.event.EventType;
import dev.agora.core.doc.DocumentProblem;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.registry.Registry;
import dev.agora.core.spi.DiscoverySource;
import dev.agora.core.spi.Redactor;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Runs every discovery source at once, each on its own virtual thread, and registers what they
 * find. A source that fails or runs past {@code maxWait} is reported (which, why) and skipped —
 * start-up never aborts for one; a source still running after {@code slowAfter} gets a progress
 * line, and another each {@code slowAfter} after that. Each source ends with a {@code
 * DiscoveryCompleted} event, whose problems are {@linkplain Scrub scrubbed} first: the chain keeps
 * them for good (issue 12). A manifest whose id and version an earlier source of the same run gave
 * is refused with a problem naming that source, not silently put over it.
 */
public final class Bootstrap {

  /** What one source did. {@code failure} is null when it succeeded. */
  public record SourceReport(
      String source,
      int registered,
      List<DocumentProblem> problems,
      String failure,
      Duration took) {}

  private final Registry registry;
  private final EventSink sink;
  private final Clock clock;
  private final LongSupplier ticker;
  private final Duration slowAfter;
  private final Duration maxWait;
  private final Consumer<String> progress;
  private final Redactor secrets;

  /** Which source gave each {@code id@version} in this run. */
  private final Map<String, String> givenBy = new HashMap<>();

  public Bootstrap(
      Registry registry,
      EventSink sink,
      Clock clock,
      LongSupplier ticker,
      Duration slowAfter,
      Duration maxWait,
      Consumer<String> progress,
      Redactor secrets) {
    this.secrets = secrets;
    this.registry = registry;
    this.sink = sink;
    this.clock = clock;
    this.ticker = ticker;
    this.slowAfter = slowAfter;
    this.maxWait = maxWait;
    this.progress = progress;
  }

  /** Discovers from every source concurrently and registers the results, source by source. */
  public List<SourceReport> run(List<DiscoverySource> sources) {
    long start = ticker.getAsLong();
    Map<DiscoverySource, FutureTask<DiscoverySource.Found>> running = new LinkedHashMap<>();
    for (DiscoverySource s : sources) {
      FutureTask<DiscoverySource.Found> task = new FutureTask<>(s::discover);
      Thread.ofVirtual().name("agora-discover-" + s.name()).start(task);
      running.put(s, task);
    }
    List<SourceReport> reports = new ArrayList<>();
    for (Map.Entry<DiscoverySource, FutureTask<DiscoverySource.Found>> e : running.entrySet()) {
      reports.add(finish(e.getKey(), e.getValue(), start));
    }
    return reports;
  }

  private SourceReport finish(
      DiscoverySource s, FutureTask<DiscoverySource.Found> task, long start) {
    String failure = null;
    DiscoverySource.Found found = null;
    while (found == null && failure == null) {
      long left = maxWait.toNanos() - (ticker.getAsLong() - start);
      if (left <= 0
          && !task.isDone()) { // a source that already finished is collected whatever the time
        task.cancel(true);
        failure = "gave no answer within " + seconds(maxWait);
        break;
      }
      try {
        found = task.get(Math.max(0, Math.min(left, slowAfter.toNanos())), TimeUnit.NANOSECONDS);
      } catch (TimeoutException t) {
        progress.accept(
            "discovery: '"
                + s.name()
                + "' still running after "
                + seconds(Duration.ofNanos(ticker.getAsLong() - start))
                + "…");
      } catch (ExecutionException x) {
        Throwable cause = x.getCause();
        failure =
            cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
      } catch (InterruptedException x) {
        Thread.currentThread().interrupt();
        task.cancel(true);
        failure = "interrupted";
      }
    }
    Duration took = Duration.ofNanos(ticker.getAsLong() - start);
    int registered = 0;
    List<DocumentProblem> problems = new ArrayList<>(found == null ? List.of() : found.problems());
    if (found != null) {
      for (CapabilityManifest m : found.manifests()) {
        String other = givenBy.putIfAbsent(m.id() + "@" + m.version(), s.name());
        if (other != null) {
          problems.add(
              new DocumentProblem(
                  s.name(),
                  0,
                  "",
                  "capability '"
                      + m.id()
                      + "' version "
                      + m.version()
                      + " is already given by source '"
                      + other
                      + (other.equals(s.name()) ? "' (earlier in its listing)" : "'")
                      + "; refused here (one manifest per id and version)"));
          continue;
        }
        registry.register(m, s.name());
        registered++;
      }
    }
    SourceReport report = new SourceReport(s.name(), registered, problems, failure, took);
    sink.accept(completed(report));
    return report;
  }

  private static String seconds(Duration d) {
    return d.toMillis() < 1000
        ? d.toMillis() + " ms"
        : String.format("%.1f s", d.toMillis() / 1000.0);
  }

  private Event completed(SourceReport r) {
    List<Value> problems = new ArrayList<>();
    for (DocumentProblem p : r.problems()) {
      if (problems.size() == Scrub.MAX_PROBLEMS) {
        problems.add(
            Value.of("… and " + (r.problems().size() - Scrub.MAX_PROBLEMS) + " more problems"));
        break;
      }
      problems.add(Value.of(Scrub.problem(p, secrets)));
    }
    Dict.Builder meta =
        Dict.builder()
            .put("source", Value.of(r.source()))
            .put("registered", Value.of(r.registered()))
            .put("problems", Vec.of(problems));
    Event e =
        Event.of(EventIds.next(), EventType.DiscoveryCompleted, clock.instant(), null, null, null)
            .withMetadata(meta.build());
    return r.failure() == null
        ? e.withResult(Value.of(r.registered()), r.took(), 0)
        : e.withError("DiscoveryFailed", Scrub.text(r.failure(), secrets), r.took());
  }
}
