package dev.agora.provider.mcp;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The requests Agora sends on a session itself, past the SDK's client (over stdio: {@link
 * TrackingTransport#exchange}), each waited for by the thread that sent it. The thread that reads
 * the server's output hands a reply straight to its waiter — one wake-up, where the SDK's session
 * takes a Reactor chain, its own timeout on a shared scheduler, and a timed wait on the JDK's timer
 * thread. A waiter parks without a timeout; its deadline is watched by {@link Deadlines}, which
 * wakes it once it has passed.
 */
final class Replies {

  /** How the ids of Agora's own requests begin: never one of the SDK's (a UUID prefix). */
  static final String PREFIX = "agora-";

  /** One request waiting for its reply. */
  static final class Waiter extends Deadlines.Waiter {
    private volatile McpSchema.JSONRPCResponse reply;

    private Waiter(long deadline) {
      super(deadline);
    }
  }

  private final Map<Object, Waiter> waiting = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();

  /** A fresh id for a request of Agora's own. */
  String nextId() {
    return PREFIX + ids.incrementAndGet();
  }

  /** Registers the calling thread as the waiter for the reply to {@code id}, before it is sent. */
  Waiter expect(Object id, long deadlineNanos) {
    Waiter w = new Waiter(deadlineNanos);
    waiting.put(id, w);
    return w;
  }

  /**
   * Hands {@code reply} to the thread waiting for it; false when nobody waits (a reply to one of
   * the SDK's requests, or to one of ours that was given up).
   */
  boolean answer(McpSchema.JSONRPCResponse reply) {
    Waiter w = waiting.remove(reply.id()); // the SDK allows no reply without an id
    if (w == null) {
      return false;
    }
    w.reply = reply;
    LockSupport.unpark(w.thread);
    return true;
  }

  /**
   * Waits for the reply to {@code id}.
   *
   * @throws TimeoutException its deadline passed first
   * @throws InterruptedException the thread was interrupted first (its caller gave up)
   */
  McpSchema.JSONRPCResponse await(Object id, Waiter w)
      throws InterruptedException, TimeoutException {
    Deadlines.watch(w);
    try {
      for (McpSchema.JSONRPCResponse r = w.reply; ; r = w.reply) {
        if (r != null) {
          return r;
        }
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
        if (w.overdue(System.nanoTime())) {
          throw new TimeoutException();
        }
        LockSupport.park(this);
      }
    } finally {
      Deadlines.forget(w);
      waiting.remove(id, w);
    }
  }

  /** Stops waiting for the reply to {@code id}: its request could not be sent. */
  void forget(Object id, Waiter w) {
    waiting.remove(id, w);
  }
}
