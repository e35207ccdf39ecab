package dev.agora.core.spi;

import java.time.Instant;

/**
 * The MCP sessions (2025-11-25 Streamable HTTP) every node on a store can answer (issue 18): what
 * one node learnt at {@code initialize} is kept here, so that a request naming the session reaches
 * any node — the one that opened it may have stopped or been killed — and is answered as if the
 * session had been opened there. What runs on a node (requests in flight, an open event stream) is
 * not kept: it ends with the node.
 */
public interface SessionStore {

  /**
   * One session as the nodes share it.
   *
   * @param id its {@code Mcp-Session-Id}
   * @param caller the identity of the caller that opened it: only that caller may use it
   * @param protocolVersion the version agreed at {@code initialize}
   * @param capabilities what the client declared at {@code initialize}, as JSON
   * @param node the node that last answered it
   * @param seen when it was last heard from — up to a minute late, since nodes say so only now and
   *     then
   */
  record Session(
      String id,
      String caller,
      String protocolVersion,
      String capabilities,
      String node,
      Instant seen) {}

  /** Keeps {@code session}, opened just now. */
  void open(Session session);

  /** Session {@code id}, or null when there is none (never opened, ended, or forgotten). */
  Session find(String id);

  /**
   * Takes session {@code id} up on {@code node} at {@code at} — notes that, as {@link #touch} does
   * — if it was opened by {@code caller} and heard from at or after {@code since}; in one
   * statement.
   *
   * @return the session as it is now, or null when there is no such session of {@code caller} heard
   *     from since then (nothing is noted)
   */
  Session takeUp(String id, String caller, String node, Instant at, Instant since);

  /**
   * Notes that session {@code id} was heard from {@code at} on {@code node}.
   *
   * @return false when the session is not kept any more: it was ended on another node, or forgotten
   */
  boolean touch(String id, String node, Instant at);

  /** Ends session {@code id} on every node: its client ended it. */
  void end(String id);

  /**
   * Forgets the sessions not heard from since {@code before} (their clients left without ending
   * them).
   *
   * @return how many were forgotten
   */
  int forget(Instant before);
}
