package dev.agora.server;

import dev.agora.chain.ChainKey;
import dev.agora.core.spi.Cluster;
import dev.agora.core.spi.NodeStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * A serving node's place among the nodes on its store (issue 18): it says it is there when it
 * starts, again every heartbeat with the calls it is running, and leaves when it stops. A heartbeat
 * that fails is logged and tried again at the next; the node goes on serving. Each heartbeat also
 * reads the node list, which is what it tells providers of its peers ({@link Cluster}).
 */
final class Membership implements AutoCloseable, Cluster {

  private final NodeStore nodes;
  private final String id;
  private final String url;
  private final ChainKey key;
  private final Duration heartbeat;
  private final Instant started;
  private final IntSupplier inFlight;
  private final Clock clock;
  private final Consumer<String> log;
  private final ScheduledExecutorService timer;
  private final Runnable follow;
  private final AtomicBoolean beatFailing = new AtomicBoolean();
  private final AtomicBoolean followFailing = new AtomicBoolean();
  private volatile List<NodeStore.Node> listed = List.of();
  private final Throttle rereading = new Throttle(1_000);

  private Membership(
      NodeStore nodes,
      String id,
      String url,
      ChainKey key,
      Duration heartbeat,
      IntSupplier inFlight,
      Clock clock,
      Consumer<String> log,
      Runnable follow,
      Duration followEvery) {
    this.nodes = nodes;
    this.id = id;
    this.url = url;
    this.key = key;
    this.heartbeat = heartbeat;
    this.inFlight = inFlight;
    this.clock = clock;
    this.log = log;
    this.follow = follow;
    this.started = clock.instant();
    beat();
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("agora-heartbeat").unstarted(r));
    long ms = heartbeat.toMillis();
    timer.scheduleWithFixedDelay(this::beat, ms, ms, TimeUnit.MILLISECONDS);
    long every = followEvery.toMillis();
    timer.scheduleWithFixedDelay(this::follow, every, every, TimeUnit.MILLISECONDS);
  }

  /**
   * Joins {@code nodes} as {@code id} at {@code url}, saying its {@code key}, and runs {@code
   * follow} (taking in the other nodes' registrations) every {@code followEvery}; null when the
   * store keeps no membership.
   */
  static Membership join(
      NodeStore nodes,
      String id,
      String url,
      ChainKey key,
      Duration heartbeat,
      IntSupplier inFlight,
      Clock clock,
      Consumer<String> log,
      Runnable follow,
      Duration followEvery) {
    return nodes == null
        ? null
        : new Membership(nodes, id, url, key, heartbeat, inFlight, clock, log, follow, followEvery);
  }

  @Override
  public String self() {
    return id;
  }

  @Override
  public byte[] sign(byte[] message) {
    return key.sign(message);
  }

  /** The other nodes, as of this node's last heartbeat. */
  @Override
  public List<NodeStore.Node> peers() {
    return listed.stream().filter(n -> !n.id().equals(id)).toList();
  }

  @Override
  public boolean up(NodeStore.Node n) {
    return n.seen().isAfter(clock.instant().minus(heartbeat.multipliedBy(3)));
  }

  /**
   * The node {@code id} as last listed; for one not listed yet (it joined since this node's last
   * heartbeat) the list is read again — at most once a second, whoever asks for unknown ids.
   */
  @Override
  public NodeStore.Node node(String nodeId) {
    NodeStore.Node n = find(listed, nodeId);
    if (n != null) {
      return n;
    }
    if (!rereading.due(clock.millis())) {
      return null;
    }
    List<NodeStore.Node> all = nodes.all();
    listed = all;
    return find(all, nodeId);
  }

  private static NodeStore.Node find(List<NodeStore.Node> in, String nodeId) {
    for (NodeStore.Node n : in) {
      if (n.id().equals(nodeId)) {
        return n;
      }
    }
    return null;
  }

  /** Says this node is there, with its load, and reads the node list. */
  void beat() {
    quietly(
        () -> {
          nodes.beat(
              new NodeStore.Node(
                  id,
                  url,
                  started,
                  clock.instant(),
                  inFlight.getAsInt(),
                  key.verifier().encoded()));
          listed = nodes.all();
        },
        beatFailing,
        "could not record a heartbeat",
        "heartbeats are recorded again");
  }

  /** Takes in the other nodes' registrations. */
  void follow() {
    quietly(follow, followFailing, "could not follow the registry", "following the registry again");
  }

  /**
   * Runs {@code step}; a failure (the store is away: the next time tries again) is logged once
   * until a step succeeds, and that is logged too. The node goes on serving either way.
   */
  private void quietly(Runnable step, AtomicBoolean failing, String failed, String recovered) {
    try {
      step.run();
      if (failing.getAndSet(false)) {
        log.accept("agora: node " + id + ": " + recovered);
      }
    } catch (RuntimeException e) {
      if (!failing.getAndSet(true)) {
        log.accept("agora: node " + id + ": " + failed + ": " + e.getMessage());
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try { // a heartbeat under way must not put the row back after it is removed
      if (!timer.awaitTermination(10, TimeUnit.SECONDS)) {
        log.accept("agora: node " + id + ": a heartbeat did not end in 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      nodes.leave(id);
    } catch (RuntimeException e) {
      log.accept("agora: node " + id + ": could not leave the node list: " + e.getMessage());
    }
  }
}
