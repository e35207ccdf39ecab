package dev.agora.provider.a2a;

import dev.agora.a2a.A2a.Event;
import dev.agora.core.json.Json;
import dev.agora.core.json.JsonException;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An agent's Server-Sent Events stream, read one event at a time with a deadline on each read. The
 * body is split into lines and its {@code data:} lines joined into events here, as its bytes come
 * (the JDK's line subscriber holds a line back until the next one begins, which would keep an event
 * waiting for the one after it); the reader is woken once per whole event, not per line or chunk —
 * each wake-up of a waiting thread costs tens of microseconds. A chunk that completes no event is
 * followed at once by a request for the next; once events wait unread, the next chunk is asked for
 * only when the reader has taken them all — so at most one chunk's events and one partial event
 * wait here. Comments and other fields are skipped. An event or a line larger than {@code max}, an
 * event that is not JSON, or a response that is not an event stream is a {@link Wire.Failure}.
 * Closing cancels the response.
 */
final class Sse implements AutoCloseable, HttpResponse.BodySubscriber<Void> {

  private static final Object END = new Object();

  /** Whole events (their data), then END or the Throwable that ended the body. */
  private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();

  /** Set when a chunk's events were queued without asking for the next chunk. */
  private final AtomicBoolean stalled = new AtomicBoolean();

  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
  private final StringBuilder data = new StringBuilder();
  private final long max;
  private final Wire wire;
  private volatile Flow.Subscription subscription;
  private CompletableFuture<HttpResponse<Void>> response;

  private Sse(long max, Wire wire) {
    this.max = max;
    this.wire = wire;
  }

  /** Sends {@code request} and waits, within {@code within}, for a 2xx event stream to begin. */
  static Sse open(HttpClient http, HttpRequest request, Duration within, long max, Wire wire)
      throws Wire.Failure, InterruptedException, TimeoutException {
    Sse sse = new Sse(max, wire);
    sse.response =
        http.sendAsync(
            request,
            info -> {
              boolean stream =
                  isStream(info.statusCode(), info.headers().firstValue("Content-Type").orElse(""));
              return stream ? sse : HttpResponse.BodySubscribers.<Void>replacing(null);
            });
    HttpResponse<Void> r;
    try {
      r = sse.response.get(Math.max(1, within.toNanos()), TimeUnit.NANOSECONDS);
    } catch (ExecutionException x) {
      throw new Wire.Failure(
          "POST " + Wire.where(request) + ": " + Wire.describe(x.getCause()), true);
    } catch (TimeoutException | InterruptedException x) {
      sse.close();
      throw x;
    }
    String type = r.headers().firstValue("Content-Type").orElse("");
    if (!isStream(r.statusCode(), type)) {
      throw new Wire.Failure(
          "HTTP "
              + r.statusCode()
              + " from "
              + Wire.where(request)
              + ": expected an event stream, got Content-Type '"
              + type
              + "'",
          Wire.transientStatus(r.statusCode()));
    }
    return sse;
  }

  private static boolean isStream(int status, String type) {
    return status / 100 == 2 && type.startsWith("text/event-stream");
  }

  /**
   * The next event, or null when the stream has ended; waits at most {@code within}.
   *
   * @throws TimeoutException when no whole event came in time (the stream stays open)
   */
  Event next(Duration within) throws Wire.Failure, InterruptedException, TimeoutException {
    Object o = take(System.nanoTime() + within.toNanos());
    if (o == null) {
      throw new TimeoutException();
    }
    if (o instanceof String event) {
      return parse(event);
    }
    events.offer(o); // the end stays the end for whoever asks again
    if (o instanceof TooLarge t) {
      throw new Wire.Failure(t.getMessage(), false);
    }
    if (o instanceof Throwable t) {
      throw new Wire.Failure("the agent's event stream broke: " + t.getMessage(), true);
    }
    return null;
  }

  /**
   * The next event, END or Throwable, asking for the next chunk when this takes the last event
   * waiting; null when nothing came by {@code end} (System.nanoTime).
   */
  private Object take(long end) throws InterruptedException {
    Object o = events.poll(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
    if (o instanceof String && events.isEmpty() && stalled.compareAndSet(true, false)) {
      more();
    }
    return o;
  }

  private Event parse(String event) throws Wire.Failure {
    try {
      return wire.event(Json.parse(event));
    } catch (JsonException e) {
      close();
      throw new Wire.Failure(
          "an event in the agent's stream is not JSON: " + e.getMessage(), false);
    }
  }

  /** A line or an event past the cap: the stream is stopped, and that is the caller's failure. */
  private static final class TooLarge extends Exception {
    TooLarge(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Done at once: the client completes the response when its body is, and this body is read as it
   * comes (as the JDK's streaming subscribers do).
   */
  @Override
  public CompletionStage<Void> getBody() {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    s.request(1);
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    List<String> complete = new ArrayList<>();
    for (ByteBuffer b : buffers) {
      while (b.hasRemaining()) {
        byte c = b.get();
        if (c == '\n') {
          byte[] bytes = partial.toByteArray();
          int n =
              bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
          partial.reset();
          String tooLarge = line(new String(bytes, 0, n, StandardCharsets.UTF_8), complete);
          if (tooLarge != null) {
            stop(tooLarge, complete);
            return;
          }
        } else if (partial.size() >= max) {
          stop(
              "the agent's event stream broke: a line longer than " + max + " bytes (max_bytes)",
              complete);
          return;
        } else {
          partial.write(c);
        }
      }
    }
    if (complete.isEmpty()) {
      more(); // nothing for the reader yet: read on
    } else {
      stalled.set(true); // before the events are seen, so that whoever takes the last one asks
      events.addAll(complete);
    }
  }

  /**
   * Takes in one line: a blank line ends an event ({@code complete} gets its data), a {@code data:}
   * line adds to it. Returns why the stream must stop, or null.
   */
  private String line(String line, List<String> complete) {
    if (line.isEmpty()) {
      if (!data.isEmpty()) {
        complete.add(data.toString());
        data.setLength(0);
      }
    } else if (line.startsWith("data:")) {
      String d = line.substring(line.startsWith("data: ") ? 6 : 5);
      if (data.length() + d.length() > max) {
        return "an event in the agent's stream is larger than " + max + " bytes (max_bytes)";
      }
      if (!data.isEmpty()) {
        data.append('\n');
      }
      data.append(d);
    } // comments (":…"), event:, id: and retry: lines are not needed
    return null;
  }

  /**
   * Asks for the next chunk. The reader and {@code onNext} may both ask, and anyone may cancel; a
   * subscription's methods must not be called at once from two threads (Reactive Streams §2.7),
   * hence the lock they all take.
   */
  private void more() {
    synchronized (demand) {
      subscription.request(1);
    }
  }

  private final Object demand = new Object();

  /** Stops the stream: the events before are read, then the failure. */
  private void stop(String why, List<String> complete) {
    synchronized (demand) {
      subscription.cancel();
    }
    events.addAll(complete);
    events.add(new TooLarge(why));
  }

  @Override
  public void onError(Throwable t) {
    events.add(t);
  }

  /** The body ended with an event begun and not finished (SSE discards such an event). */
  private static final class CutShort extends Exception {
    CutShort() {
      super("it ended in the middle of an event", null, false, false);
    }
  }

  @Override
  public void onComplete() {
    events.add(partial.size() > 0 || !data.isEmpty() ? new CutShort() : END);
  }

  /**
   * Reads what is left of the stream — for at most a second, the agent having already said what the
   * call needed — then closes it: a stream read to its end leaves its connection to be used again,
   * where one cancelled midway costs the connection. An agent usually ends its stream right after
   * its answer, so the end is awaited here for a moment ({@code AT_ONCE}: the caller's next call
   * then finds the connection free); a stream that goes on is read on a thread of its own.
   */
  void finish() {
    try {
      if (drain(System.nanoTime() + AT_ONCE.toNanos())) {
        close();
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      return;
    }
    Thread.ofVirtual()
        .name("a2a-sse-finish")
        .start(
            () -> {
              try {
                drain(System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // closed below all the same
              }
              close(); // nothing left to cancel once the stream has ended
            });
  }

  /** How long the caller's thread waits for the end of a stream whose answer it has. */
  private static final Duration AT_ONCE = Duration.ofMillis(2);

  /** Takes events until the stream ends (true) or {@code end} passes (false). */
  private boolean drain(long end) throws InterruptedException {
    Object o = take(end);
    while (o instanceof String) {
      o = take(end);
    }
    if (o != null) {
      events.offer(o); // the end stays the end
    }
    return o != null;
  }

  @Override
  public void close() {
    Flow.Subscription s = subscription;
    if (s != null) {
      synchronized (demand) {
        s.cancel();
      }
    }
    response.cancel(true); // set before anyone can close
  }
}
