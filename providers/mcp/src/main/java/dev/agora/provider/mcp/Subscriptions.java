package dev.agora.provider.mcp;

import dev.agora.core.spi.Provider;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

/**
 * The resources of one MCP server that Agora's clients watch. A URI is subscribed to on the server
 * ({@code resources/subscribe}) when the first client watches it, unsubscribed when the last one
 * stops, and subscribed to again on each new session (the server forgets with the old one); the
 * server's {@code notifications/resources/updated} for it reaches every watcher, on a thread of its
 * own, so that a slow client never holds up the server's other messages.
 *
 * <p>Changes for one server are made one at a time, each with its request to the server, so that
 * the server hears them in the order they were made.
 */
final class Subscriptions {

  /** What the server is asked; each throws the connection's typed errors. */
  interface Server {
    void subscribe(String uri);

    void unsubscribe(String uri);
  }

  private final String name;
  private final Consumer<String> log;
  private final Object lock = new Object();
  private final Map<String, Set<Watcher>> byUri = new ConcurrentHashMap<>();
  private volatile Server server;

  Subscriptions(String name, Consumer<String> log) {
    this.name = name;
    this.log = log;
  }

  /** Where subscribe and unsubscribe requests go (set once the connection exists). */
  void to(Server s) {
    this.server = s;
  }

  /**
   * Watches {@code uri}: subscribes on the server first if nobody watched it yet; a refusal there
   * leaves nothing behind.
   */
  Provider.Subscription add(String uri, Runnable updated) {
    Watcher w = new Watcher(uri, updated);
    synchronized (lock) {
      Set<Watcher> watchers = byUri.get(uri);
      if (watchers != null) {
        watchers.add(w);
        return w;
      }
      // watched before it is asked for, so that an update sent right after the answer is heard
      byUri.put(uri, new CopyOnWriteArraySet<>(List.of(w)));
      try {
        server.subscribe(uri);
      } catch (RuntimeException e) {
        byUri.remove(uri);
        throw e;
      }
    }
    return w;
  }

  private void remove(Watcher w) {
    synchronized (lock) {
      Set<Watcher> watchers = byUri.get(w.uri);
      if (watchers == null || !watchers.remove(w) || !watchers.isEmpty()) {
        return;
      }
      byUri.remove(w.uri);
      try {
        server.unsubscribe(w.uri);
      } catch (RuntimeException e) { // the server is gone, or forgot: nothing is watched anyway
        log.accept(
            "mcp " + name + ": resources/unsubscribe " + w.uri + " failed: " + e.getMessage());
      }
    }
  }

  /** The server said {@code uri} changed: each of its watchers hears it. */
  void updated(String uri) {
    Set<Watcher> watchers = byUri.get(uri);
    if (watchers == null || watchers.isEmpty()) {
      return; // not (or no longer) watched: a server may tell of others
    }
    List<Watcher> now = List.copyOf(watchers);
    Thread.ofVirtual()
        .name("agora-mcp-updated")
        .start(
            () -> {
              for (Watcher w : now) {
                try {
                  w.updated.run();
                } catch (RuntimeException e) {
                  log.accept("mcp " + name + ": telling a watcher of " + uri + " failed: " + e);
                }
              }
            });
  }

  /** A new session: the server knows none of the subscriptions, so each is made again. */
  void renew() {
    synchronized (lock) {
      byUri.keySet().forEach(this::renewOne);
    }
  }

  /** The subscription to {@code uri} was lost: it is made again, if it is still watched. */
  void renew(String uri) {
    synchronized (lock) {
      if (byUri.containsKey(uri)) {
        renewOne(uri);
      }
    }
  }

  private void renewOne(String uri) {
    try {
      server.subscribe(uri);
    } catch (RuntimeException e) {
      log.accept(
          "mcp "
              + name
              + ": resources/subscribe "
              + uri
              + " failed on the new session ("
              + e.getMessage()
              + "); its watchers hear of no change until it is made again");
    }
  }

  /** The URIs watched now (tests, and whether a new session must {@link #renew}). */
  Set<String> watched() {
    return Set.copyOf(byUri.keySet());
  }

  /** One client's watch on one URI. */
  private final class Watcher implements Provider.Subscription {
    final String uri;
    final Runnable updated;

    Watcher(String uri, Runnable updated) {
      this.uri = uri;
      this.updated = updated;
    }

    @Override
    public void close() {
      remove(this);
    }
  }
}
