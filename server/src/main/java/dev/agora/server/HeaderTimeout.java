package dev.agora.server;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * {@code server.header_timeout}: a connection that has not finished sending a request's line and
 * headers within the timeout is closed — however slowly it trickles them in (issue 12: 200 slow
 * connections stayed open; Jetty's idle timeout restarts with every byte). Each connection is
 * looked at once per timeout; one found waiting for a request head twice in a row with no request
 * in between is closed, so a head gets at least the timeout and at most twice it. A connection busy
 * with a request (a long call, an event stream) is left alone.
 */
final class HeaderTimeout implements Connection.Listener {

  private final long millis;
  private final Scheduler scheduler;

  HeaderTimeout(Duration timeout, Scheduler scheduler) {
    this.millis = timeout.toMillis();
    this.scheduler = scheduler;
  }

  @Override
  public void onOpened(Connection connection) {
    if (connection instanceof HttpConnection http) {
      watch(http, http.getMessagesIn());
    }
  }

  private void watch(HttpConnection http, long requestsBefore) {
    scheduler.schedule(() -> check(http, requestsBefore), millis, TimeUnit.MILLISECONDS);
  }

  private void check(HttpConnection http, long requestsBefore) {
    if (!http.getEndPoint().isOpen()) {
      return;
    }
    HttpParser parser = http.getParser();
    long requests = http.getMessagesIn();
    if ((parser.isStart() || parser.inHeaderState()) && requests == requestsBefore) {
      http.getEndPoint().close();
    } else {
      watch(http, requests);
    }
  }
}
