package dev.agora.provider.remote;

import dev.agora.chain.ChainKey;
import dev.agora.core.spi.Cluster;
import dev.agora.core.spi.NodeStore;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The cluster a test node sees: its id and key, the peers on its node list, which of them are down,
 * and every node it knows the key of (peers, and nodes that are listed but not peers).
 */
final class TestCluster implements Cluster {

  final String self;
  final ChainKey key;
  final List<NodeStore.Node> peers = new CopyOnWriteArrayList<>();
  final Map<String, NodeStore.Node> known = new ConcurrentHashMap<>();
  final Set<String> down = ConcurrentHashMap.newKeySet();

  TestCluster(String self) {
    this.self = self;
    this.key = ChainKey.generate(self);
  }

  /** Adds {@code node} to the peers (and to the nodes known). */
  TestCluster peer(NodeStore.Node node) {
    peers.add(node);
    known.put(node.id(), node);
    return this;
  }

  /** Lists {@code node} (its key known) without making it a peer. */
  TestCluster know(NodeStore.Node node) {
    known.put(node.id(), node);
    return this;
  }

  @Override
  public String self() {
    return self;
  }

  @Override
  public byte[] sign(byte[] message) {
    return key.sign(message);
  }

  @Override
  public List<NodeStore.Node> peers() {
    return List.copyOf(peers);
  }

  @Override
  public boolean up(NodeStore.Node node) {
    return !down.contains(node.id());
  }

  @Override
  public NodeStore.Node node(String id) {
    return known.get(id);
  }
}
