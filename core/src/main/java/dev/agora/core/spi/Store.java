package dev.agora.core.spi;

import dev.agora.chain.ChainStore;
import dev.agora.core.approval.ApprovalStore;
import dev.agora.core.call.policy.QuotaStore;
import dev.agora.core.trust.pins.PinStore;

/**
 * A store for everything that outlives a process: the Causal Chain, the runtime registry and the
 * approvals calls wait for.
 */
public interface Store extends AutoCloseable {

  ChainStore chain();

  /**
   * The manifests registered at run time by the configuration {@code scope} (its file's absolute
   * path; {@code ""} without one): configurations sharing a data directory do not see each other's
   * (issue 11). Rows stored before scopes existed are shared ({@code *}) until removed.
   */
  RegistryStore registry(String scope);

  /** The registry of the configuration-less scope {@code ""}. */
  default RegistryStore registry() {
    return registry("");
  }

  /**
   * The node's approvals: shared by every process on the store, so that {@code agora approvals
   * approve} reaches the server or plan that waits.
   */
  ApprovalStore approvals();

  /**
   * Where the counters of {@code policy.quotas} are kept so that every node on this store shares
   * them (issue 18); null when the store is not shared between nodes, and each node counts in its
   * own memory.
   */
  default QuotaStore quotas() {
    return null;
  }

  /**
   * Where the node keeps the pins it takes itself and its approvals ({@code trust.pinning} tofu),
   * so that a definition pinned or approved on one node is pinned alike on every node on this store
   * (issue 18); null: in the file {@code pins.lock} of the node's data directory.
   */
  default PinStore pins() {
    return null;
  }

  /**
   * The nodes serving from this store and their heartbeats (issue 18); null for a store no other
   * process can see (memory).
   */
  default NodeStore nodes() {
    return null;
  }

  /**
   * Where a serving node keeps its MCP sessions so that any node on this store can answer them
   * (issue 18); null for a store no other process can see (memory): sessions live and die with
   * their node.
   */
  default SessionStore sessions() {
    return null;
  }

  /**
   * What it is, for messages: {@code sqlite .agora/agora.db}, {@code postgres //host/db}, {@code
   * memory}.
   */
  String describe();

  @Override
  void close();
}
