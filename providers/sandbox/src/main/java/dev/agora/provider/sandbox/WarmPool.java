package dev.agora.provider.sandbox;

import dev.agora.core.error.AgoraError;
import dev.agora.core.spi.CallContext;
import dev.agora.rtfs.Value;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The warm children of one capability ({@code mode: warm}): each reads one JSON document per line
 * on stdin and answers one per line on stdout, one request at a time. At most {@code pool_size} run
 * at once; a call that finds them all busy waits until its deadline. A child that fails, ends,
 * answers garbage or passes the deadline is killed and replaced by the next call.
 */
final class WarmPool {

  private final String id;
  private final Supplier<Child> spawn;
  private final ProcessOptions options;
  private final Semaphore slots;
  private final ConcurrentLinkedDeque<Child> idle = new ConcurrentLinkedDeque<>();
  private volatile boolean closed;

  WarmPool(String id, Supplier<Child> spawn, ProcessOptions options) {
    this.id = id;
    this.spawn = spawn;
    this.options = options;
    this.slots = new Semaphore(options.poolSize(), true);
  }

  Value call(byte[] json, CallContext call) throws InterruptedException {
    long left = call.remaining().toNanos();
    // no time left: a Timeout whether or not a slot is free (a free slot would run it anyway)
    if (left <= 0 || !slots.tryAcquire(left, TimeUnit.NANOSECONDS)) {
      throw new AgoraError.Timeout(id, call.timeout());
    }
    Child child = idle.pollFirst();
    try {
      if (child == null || !child.alive()) {
        if (child != null) {
          child.close();
        }
        child = spawn.get();
      }
      Value answer = ask(child, json, call);
      if (closed) {
        child.close();
      } else {
        idle.addFirst(child);
      }
      child = null;
      return answer;
    } finally {
      if (child != null) { // failed: never reused
        child.close();
      }
      slots.release();
    }
  }

  private Value ask(Child child, byte[] json, CallContext call) {
    ScheduledFuture<?> deadline = child.deadline(call.remaining());
    try {
      OutputStream in = child.stdin();
      in.write(json);
      in.write('\n');
      in.flush();
      byte[] line = Child.readLine(id, child.stdout(), options.maxOutputBytes());
      if (child.killedAtDeadline()) {
        throw new AgoraError.Timeout(id, call.timeout());
      }
      if (line == null) {
        child.kill();
        int code = child.exitCode();
        throw child.failure("the warm command " + Child.ending(code) + " before answering");
      }
      return ProcessProvider.parse(id, line, child);
    } catch (IOException e) {
      if (child.killedAtDeadline()) {
        throw new AgoraError.Timeout(id, call.timeout());
      }
      throw child.failure("cannot talk to the warm command: " + e.getMessage());
    } finally {
      deadline.cancel(false);
    }
  }

  int size() {
    return idle.size();
  }

  void close() {
    closed = true;
    Child c;
    while ((c = idle.pollFirst()) != null) {
      c.close();
    }
  }
}
