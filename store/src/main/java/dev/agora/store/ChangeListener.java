package dev.agora.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * PostgreSQL's LISTEN on one channel, on a connection of its own (issue 18): runs {@code onChange}
 * when a notification carries the payload it waits for. Another node's change is then taken in at
 * once rather than at the next periodic look. A lost connection is opened again after {@link
 * #RETRY}; what was notified meanwhile is missed, which the periodic look (a fingerprint of the
 * rows) catches — notifications speed following up, they are not what makes it correct.
 */
final class ChangeListener implements AutoCloseable {

  /** How long after a lost connection it listens again. */
  static final Duration RETRY = Duration.ofSeconds(1);

  /** How often it checks that its connection still answers. */
  static final Duration PROBE = Duration.ofSeconds(15);

  private final ChainWriter.Opener opener;
  private final String channel;
  private final String payload;
  private final Runnable onChange;
  private final Consumer<String> log;
  private final Thread thread;
  private volatile boolean closed;
  private volatile Connection connection;

  ChangeListener(
      ChainWriter.Opener opener,
      String channel,
      String payload,
      Runnable onChange,
      Consumer<String> log) {
    this.opener = opener;
    this.channel = channel;
    this.payload = payload;
    this.onChange = onChange;
    this.log = log;
    this.thread = Thread.ofVirtual().name("agora-listen-" + channel).start(this::run);
  }

  private void run() {
    boolean failing = false;
    while (!closed) {
      try (Connection c = opener.open()) {
        connection = c;
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN " + channel);
        }
        if (failing) {
          log.accept("agora: listening for changes again");
          failing = false;
        }
        onChange.run(); // whatever changed while it was not listening
        PGConnection pg = c.unwrap(PGConnection.class);
        long probeAt = System.nanoTime() + PROBE.toNanos();
        while (!closed) {
          PGNotification[] got = pg.getNotifications(1_000);
          if (got != null && matches(got)) {
            onChange.run();
          }
          if (System.nanoTime() - probeAt > 0) { // a connection that died silently says so here
            try (Statement s = c.createStatement()) {
              s.execute("SELECT 1");
            }
            probeAt = System.nanoTime() + PROBE.toNanos();
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          return;
        }
        if (!failing) {
          log.accept(
              "agora: not listening for changes (the periodic look goes on): " + e.getMessage());
          failing = true;
        }
        try {
          TimeUnit.MILLISECONDS.sleep(RETRY.toMillis()); // a back-off, not a synchronisation
        } catch (InterruptedException stop) {
          return;
        }
      }
    }
  }

  private boolean matches(PGNotification[] got) {
    for (PGNotification n : got) {
      if (payload.equals(n.getParameter())) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    Connection c = connection;
    if (c != null) {
      try {
        c.close(); // ends a wait for notifications at once
      } catch (SQLException ignored) {
        // closing anyway
      }
    }
    try {
      thread.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
