package dev.agora.core.spi;

import java.util.List;

/**
 * What a node serving among others knows of them (issue 18), handed by the server to every provider
 * ({@link Provider#cluster}) once it has joined: who it is, how it signs, and which of its peers
 * are up now.
 */
public interface Cluster {

  /** This node's id, as {@code agora nodes} lists it. */
  String self();

  /** Signs {@code message} with this node's key (its {@code chain-key}). */
  byte[] sign(byte[] message);

  /**
   * The other nodes on this node's store, as they last reported themselves — their URLs, load and
   * keys, up ({@link #up}) or not.
   */
  List<NodeStore.Node> peers();

  /** Whether {@code node} is up: seen within three heartbeats. */
  boolean up(NodeStore.Node node);

  /** The node {@code id} as last reported, if listed (up or not), else null: for its key. */
  NodeStore.Node node(String id);
}
