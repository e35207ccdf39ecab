package dev.agora.provider.wasm;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import run.endive.runtime.Instance;

/**
 * Idle instances of one module function, for reuse: an instance is not thread-safe, so a call takes
 * one for itself (or makes a fresh one when none is idle) and gives it back only if the call ended
 * normally — after a trap, an interrupt or a host-side refusal its state is suspect and it is
 * dropped. At most {@code capacity} instances wait; more in flight are made and then dropped.
 */
final class InstancePool {

  private final ArrayBlockingQueue<Instance> idle;
  private final Supplier<Instance> make;
  private final AtomicLong created = new AtomicLong();

  InstancePool(int capacity, Supplier<Instance> make) {
    this.idle = capacity > 0 ? new ArrayBlockingQueue<>(capacity) : null;
    this.make = make;
  }

  /** An idle instance, or a new one. */
  Instance take() {
    Instance i = idle == null ? null : idle.poll();
    if (i != null) {
      return i;
    }
    created.incrementAndGet();
    return make.get();
  }

  /** Gives back an instance whose call ended normally; dropped when the pool is full. */
  void give(Instance i) {
    if (idle != null) {
      idle.offer(i);
    }
  }

  /** Instances waiting now. */
  int idle() {
    return idle == null ? 0 : idle.size();
  }

  /** Instances made so far. */
  long created() {
    return created.get();
  }
}
