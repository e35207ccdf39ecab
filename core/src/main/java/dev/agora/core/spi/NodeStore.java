package dev.agora.core.spi;

import java.time.Instant;
import java.util.List;

/**
 * Which nodes serve from a store (issue 18): each serving node says it is there, and keeps saying
 * so (a heartbeat); {@code agora nodes} lists them with their health and load.
 */
public interface NodeStore {

  /**
   * One node as it last reported itself.
   *
   * @param id the node's name, unique on the store
   * @param url where its peers and load balancer reach it (its MCP endpoint)
   * @param started when it started serving
   * @param seen its last heartbeat
   * @param inFlight the calls it was running then
   * @param key its public key (the verifier key of its {@code chain-key}), with which its peers
   *     check what it signs; null if it did not say
   */
  record Node(String id, String url, Instant started, Instant seen, int inFlight, String key) {

    /** A node that has not said its key. */
    public Node(String id, String url, Instant started, Instant seen, int inFlight) {
      this(id, url, started, seen, inFlight, null);
    }
  }

  /** Adds {@code self}, or updates it if it is there: a heartbeat. */
  void beat(Node self);

  /** Removes the node {@code id}: it stopped. */
  void leave(String id);

  /** Every node that has not left, by id. */
  List<Node> all();
}
