package dev.agora.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A raw JSON-RPC client of an MCP server on a child process's stdin/stdout: one thread writes
 * {@code tools/call} lines while at most {@code inFlight} are unanswered (pipelining), one reads
 * the answers and matches them by id. No SDK on the client side, so the baseline (the client
 * straight to the server) costs the client as little as possible and the gateway's share shows.
 */
final class StdioPeer implements AutoCloseable {

  private final String name;
  private final Process process;
  private final OutputStream in;
  private final BufferedReader out;
  private final String tool;
  private final String argument;
  private long nextId = 1;

  StdioPeer(
      String name,
      List<String> command,
      Path dir,
      Map<String, String> env,
      String tool,
      String argument)
      throws IOException {
    this.name = name;
    this.tool = tool;
    this.argument = argument;
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().putAll(env);
    pb.redirectError(dir.resolve("stderr.log").toFile());
    process = pb.start();
    in = process.getOutputStream();
    out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    send(
        """
        {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}""");
    String answer = answerTo(0);
    if (!answer.contains("\"result\"")) {
      throw new IllegalStateException(name + ": initialize failed: " + answer);
    }
    send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
  }

  long pid() {
    return process.pid();
  }

  private void send(String line) throws IOException {
    in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  private String answerTo(long id) throws IOException {
    for (String line; (line = out.readLine()) != null; ) {
      if (JsonRpcIds.topLevelId(line) == id) {
        return line;
      }
    }
    throw new IOException(name + " closed its stdout; see its stderr.log");
  }

  private String call(long id) {
    return "{\"jsonrpc\":\"2.0\",\"id\":"
        + id
        + ",\"method\":\"tools/call\",\"params\":{\"name\":\""
        + tool
        + "\",\"arguments\":{\"message\":\""
        + argument
        + "\"}}}";
  }

  /** The calls of one run: when each was sent, and the latencies of those measured. */
  private static final class Phase {
    final long start;
    final long end;
    final long[] samples = new long[1 << 20];
    int count;
    final Semaphore slots;

    Phase(int inFlight, long start, long end) {
      this.slots = new Semaphore(inFlight);
      this.start = start;
      this.end = end;
    }

    synchronized void answered(long sentAt, long now) {
      if (sentAt >= start && now <= end && count < samples.length) {
        samples[count++] = now - sentAt;
      }
      slots.release();
    }
  }

  private static final int CAPACITY = 1 << 16; // more than can be in flight

  private final long[] sentAt = new long[CAPACITY];
  private volatile Phase phase;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private Thread reader;

  private void read() {
    try {
      for (String line; (line = out.readLine()) != null; ) {
        long id = JsonRpcIds.topLevelId(line);
        if (id <= 0) {
          continue; // a notification
        }
        long now = System.nanoTime();
        check(line);
        phase.answered(sentAt[(int) (id % CAPACITY)], now);
      }
      throw new IOException(name + " closed its stdout; see its stderr.log");
    } catch (Throwable t) {
      failure.compareAndSet(null, t);
      Phase p = phase;
      if (p != null) {
        p.slots.release(CAPACITY);
      }
    }
  }

  private void check(String answer) {
    if (!answer.contains(argument)
        || answer.contains("\"isError\":true")
        || answer.contains("\"error\"")) {
      throw new IllegalStateException(name + ": the call failed: " + answer);
    }
  }

  /** One call after another, {@code calls} of them: for warming up and for counting hand-offs. */
  void serial(int calls) throws Exception {
    run(1, 0, Long.MAX_VALUE / 4, calls);
  }

  /**
   * Keeps {@code inFlight} calls unanswered for {@code warmupNanos + measureNanos}; returns the
   * latencies of the calls sent after the warm-up and answered before the end.
   */
  Latencies load(int inFlight, long warmupNanos, long measureNanos) throws Exception {
    return run(inFlight, warmupNanos, measureNanos, Long.MAX_VALUE);
  }

  private Latencies run(int inFlight, long warmupNanos, long measureNanos, long maxCalls)
      throws Exception {
    if (reader == null) {
      reader = Thread.ofPlatform().daemon().name("reader-" + name).start(this::read);
    }
    long start = System.nanoTime() + warmupNanos;
    long end = start + measureNanos;
    Phase p = new Phase(inFlight, start, end);
    phase = p;
    for (long n = 0; n < maxCalls && System.nanoTime() < end && failure.get() == null; n++) {
      p.slots.acquire();
      long id = nextId++;
      sentAt[(int) (id % CAPACITY)] = System.nanoTime();
      send(call(id));
    }
    if (!p.slots.tryAcquire(inFlight, 30, TimeUnit.SECONDS)) {
      throw new IllegalStateException(
          name
              + " stalled: "
              + (inFlight - p.slots.availablePermits())
              + " calls unanswered after 30 s");
    }
    if (failure.get() != null) {
      throw new IllegalStateException(name + " failed", failure.get());
    }
    synchronized (p) {
      return new Latencies(name, Arrays.copyOf(p.samples, p.count), measureNanos / 1e9);
    }
  }

  @Override
  public void close() throws Exception {
    in.close();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroy();
      process.waitFor(5, TimeUnit.SECONDS);
    }
  }
}
