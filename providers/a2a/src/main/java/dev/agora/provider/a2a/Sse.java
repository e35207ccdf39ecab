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
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An agent's Server-Sent Events stream, read one event at a time with a deadline on each read. The
 * body is split into lines here, as its bytes come (the JDK's line subscriber holds a line back
 * until the next one begins, which would keep an event waiting for the one after it); the next
 * chunk of the body is asked for only once every line of the last one has been read, and a line
 * longer than {@code max} bytes stops the stream — so at most one chunk and one line wait here.
 * {@code data:} lines are joined until a blank line ends the event; comments and other fields are
 * skipped. An event larger than {@code max}, one that is not JSON, or a response that is not an
 * event stream is a {@link Wire.Failure}. Closing cancels the response.
 */
final class Sse implements AutoCloseable, HttpResponse.BodySubscriber<Void> {

  private static final Object END = new Object();

  /** Follows the lines of each chunk: whoever takes it asks for the next chunk. */
  private static final Object CHUNK = new Object();

  /** Lines, then END or the Throwable that ended the body. */
  private final BlockingQueue<Object> lines = new LinkedBlockingQueue<>();

  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
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
      Throwable c = x.getCause();
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
    long end = System.nanoTime() + within.toNanos();
    StringBuilder data = new StringBuilder();
    while (true) {
      Object o = take(end);
      if (o == null) {
        throw new TimeoutException();
      }
      if (o == END || o instanceof Throwable) {
        lines.offer(o); // the end stays the end for whoever asks again
        if (o instanceof Throwable t) {
          throw new Wire.Failure(
              "the agent's event stream broke: " + t.getMessage(), !(t instanceof TooLong));
        }
        return data.isEmpty() ? null : parse(data);
      }
      String line = (String) o;
      if (line.isEmpty()) {
        if (!data.isEmpty()) {
          return parse(data);
        }
      } else if (line.startsWith("data:")) {
        String d = line.substring(line.startsWith("data: ") ? 6 : 5);
        if (data.length() + d.length() > max) {
          close();
          throw new Wire.Failure(
              "an event in the agent's stream is larger than " + max + " bytes (max_bytes)", false);
        }
        if (!data.isEmpty()) {
          data.append('\n');
        }
        data.append(d);
      } // comments (":…"), event:, id: and retry: lines are not needed
    }
  }

  /**
   * The next line, END or Throwable, asking for the next chunk whenever every line of the last has
   * been taken; null when nothing came by {@code end} (System.nanoTime).
   */
  private Object take(long end) throws InterruptedException {
    while (true) {
      Object o = lines.poll(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (o != CHUNK) {
        return o;
      }
      subscription.request(1);
    }
  }

  private Event parse(StringBuilder data) throws Wire.Failure {
    try {
      return wire.event(Json.parse(data.toString()));
    } catch (JsonException e) {
      close();
      throw new Wire.Failure(
          "an event in the agent's stream is not JSON: " + e.getMessage(), false);
    }
  }

  /** A line past the cap. */
  private static final class TooLong extends Exception {
    TooLong(long max) {
      super("a line longer than " + max + " bytes (max_bytes)", null, false, false);
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
    for (ByteBuffer b : buffers) {
      while (b.hasRemaining()) {
        byte c = b.get();
        if (c == '\n') {
          byte[] bytes = partial.toByteArray();
          int n =
              bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
          lines.add(new String(bytes, 0, n, StandardCharsets.UTF_8));
          partial.reset();
        } else if (partial.size() >= max) {
          subscription.cancel();
          onError(new TooLong(max));
          return;
        } else {
          partial.write(c);
        }
      }
    }
    lines.add(CHUNK); // the next chunk is asked for once these lines are taken
  }

  @Override
  public void onError(Throwable t) {
    lines.add(t);
  }

  @Override
  public void onComplete() {
    if (partial.size() > 0) {
      lines.add(new String(partial.toByteArray(), StandardCharsets.UTF_8));
    }
    lines.add(END);
  }

  /**
   * Reads what is left of the stream on a thread of its own — for at most a second, the agent
   * having already said what the call needed — then closes it: a stream read to its end leaves its
   * connection to be used again, where one cancelled midway costs the connection.
   */
  void finish() {
    Thread.ofVirtual()
        .name("a2a-sse-finish")
        .start(
            () -> {
              long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
              try {
                Object o = take(end);
                while (o instanceof String) {
                  o = take(end);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // closed below all the same
              }
              close(); // nothing left to cancel once the stream has ended
            });
  }

  @Override
  public void close() {
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
    response.cancel(true); // set before anyone can close
  }
}
