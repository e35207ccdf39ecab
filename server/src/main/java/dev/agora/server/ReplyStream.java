package dev.agora.server;

import dev.agora.rtfs.Dict;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The answer to one MCP request over HTTP. Plain JSON when nothing else must reach the client
 * first; an event stream ({@code text/event-stream}) as soon as something must — progress, or a
 * question from the upstream — with the answer as its last event. Sends after the answer, or to a
 * client that went away, fail.
 */
final class ReplyStream implements Channel {

  private static final byte[] EVENT = "event: message\ndata: ".getBytes(StandardCharsets.UTF_8);
  private static final byte[] END = "\n\n".getBytes(StandardCharsets.UTF_8);
  private static final byte[] KEEP_ALIVE = ":\n\n".getBytes(StandardCharsets.UTF_8);

  private final HttpServletResponse response;
  private final ReentrantLock lock = new ReentrantLock(); // not a monitor: a probe may not wait
  private boolean streaming;
  private boolean done;

  ReplyStream(HttpServletResponse response) {
    this.response = response;
  }

  @Override
  public boolean send(Dict message) {
    lock.lock();
    try {
      return streamed(Rpc.bytes(message), true);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Writes a keep-alive comment (making the answer an event stream), to learn whether the client is
   * still there: false when the write failed. True once the answer is written, or when nothing
   * could be learnt.
   */
  boolean probe() {
    if (!lock.tryLock()) {
      return true; // something is being written: the next probe will tell
    }
    try {
      return done || streamed(KEEP_ALIVE, false);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Writes {@code bytes} on the event stream — as an event, or as they are — starting the stream if
   * this is the first; false (and nothing more is written) when the client has gone.
   */
  private boolean streamed(byte[] bytes, boolean asEvent) {
    if (done) {
      return false;
    }
    try {
      if (!streaming) {
        streaming = true;
        response.setStatus(200);
        events(response);
      }
      if (asEvent) {
        event(response.getOutputStream(), bytes);
      } else {
        response.getOutputStream().write(bytes);
      }
      response.flushBuffer();
      return true;
    } catch (IOException | IllegalStateException e) {
      done = true;
      return false;
    }
  }

  /** Writes the answer: the last event of a stream, or the whole body with {@code status}. */
  void finish(Dict answer, int status) throws IOException {
    lock.lock();
    try {
      finishLocked(answer, status);
    } finally {
      lock.unlock();
    }
  }

  private void finishLocked(Dict answer, int status) throws IOException {
    if (done) {
      return;
    }
    done = true;
    byte[] bytes = Rpc.bytes(answer);
    if (streaming) {
      event(response.getOutputStream(), bytes);
    } else {
      json(response, status, bytes);
    }
  }

  /** Makes {@code response} an event stream (nothing buffered on the way). */
  static void events(HttpServletResponse response) {
    response.setContentType("text/event-stream");
    response.setCharacterEncoding("UTF-8");
    response.setHeader("Cache-Control", "no-cache");
    response.setHeader("X-Accel-Buffering", "no");
  }

  static void event(OutputStream out, byte[] data) throws IOException {
    out.write(EVENT);
    out.write(data);
    out.write(END);
  }

  static void json(HttpServletResponse response, int status, byte[] body) throws IOException {
    response.setStatus(status);
    response.setContentType("application/json");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }
}
