package dev.agora.provider.remote;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Chooses the node a call runs on: the one with the fewest calls in flight from this node, then the
 * fewest its last heartbeat reported, then in turn. A node that failed to take a call (refused the
 * connection, or answered that it cannot take it now) rests for {@link #REST}, and a node whose
 * heartbeats stopped is down: either is tried only after every node that is up and not resting.
 */
final class Balancer {

  /** How long a node that failed is tried last. */
  static final Duration REST = Duration.ofSeconds(5);

  /**
   * A node a call may run on: its URL and, when known, its id, its reported load, and whether its
   * heartbeats say it is up.
   */
  record Target(String id, URI url, int reportedInFlight, boolean up) {}

  private record Standing(Target target, boolean resting, int inFlight) {}

  private final Clock clock;
  private final Map<URI, AtomicInteger> inFlight = new ConcurrentHashMap<>();
  private final Map<URI, Instant> restingUntil = new ConcurrentHashMap<>();
  private final AtomicLong turn = new AtomicLong();

  Balancer(Clock clock) {
    this.clock = clock;
  }

  /** {@code targets} in the order to try them. */
  List<Target> order(List<Target> targets) {
    Instant now = clock.instant();
    long start = turn.getAndIncrement();
    // each node's standing taken once (the counts move while we sort), after a rotation so that
    // equal nodes take turns
    List<Standing> standings = new ArrayList<>();
    for (int i = 0; i < targets.size(); i++) {
      Target t = targets.get((int) Math.floorMod(start + i, targets.size()));
      standings.add(new Standing(t, !t.up() || resting(t.url(), now), count(t.url()).get()));
    }
    standings.sort(
        Comparator.comparing(Standing::resting)
            .thenComparingInt(Standing::inFlight)
            .thenComparingInt(s -> s.target().reportedInFlight()));
    return standings.stream().map(Standing::target).toList();
  }

  /** Counts a call in flight on {@code url} until the returned lease is closed. */
  Lease lease(URI url) {
    AtomicInteger n = count(url);
    n.incrementAndGet();
    return n::decrementAndGet;
  }

  /** {@code url} failed to take a call: try it last for a while. */
  void failed(URI url) {
    restingUntil.put(url, clock.instant().plus(REST));
  }

  /** {@code url} took a call: it is healthy. */
  void succeeded(URI url) {
    restingUntil.remove(url);
  }

  int inFlight(URI url) {
    return count(url).get();
  }

  private boolean resting(URI url, Instant now) {
    Instant until = restingUntil.get(url);
    return until != null && now.isBefore(until);
  }

  private AtomicInteger count(URI url) {
    return inFlight.computeIfAbsent(url, u -> new AtomicInteger());
  }

  /** A call counted in flight. */
  interface Lease extends AutoCloseable {
    @Override
    void close();
  }
}
