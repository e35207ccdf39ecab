package dev.agora.chain;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventSink;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The Causal Chain's writer: every event the marketplace emits becomes an entry here. Encoding and
 * leaf hashing happen on the caller's thread; numbering, linking and storing happen in batches.
 *
 * <p><b>Group commit.</b> Callers queue up; the first in the queue becomes the leader, writes
 * everything queued (up to {@code maxBatch}) in one store transaction — one fsync — and hands each
 * follower its entry. Alone, a caller writes its own entry at once; under load, one commit serves
 * many. With {@link Durability#DURABLE} {@link #accept} returns only once the entry is committed;
 * with {@link Durability#ASYNC} it returns at once and a background writer commits (a crash loses
 * what was not yet written; {@link #flush} waits for it).
 *
 * <p><b>One commit per call.</b> An event accepted with {@link #acceptWithNext} (a call as it
 * starts) is encoded at once but held, and written in the same commit as the next event accepted
 * (its result, usually, or another caller's): one fsync per call instead of two. Held events come
 * first in that commit, so a call's entry still precedes its result. A crash while a call runs
 * leaves no entry for it, or only the call's (if another commit carried it): nothing was
 * acknowledged. {@link #flush} and {@link #close} write what is held.
 *
 * <p><b>Checkpoints.</b> Every {@code checkpointEvery} entries, and on {@link #close}, the ledger
 * signs a checkpoint of the current size and root with the node's key.
 */
public final class Ledger implements EventSink, AutoCloseable {

  public enum Durability {
    DURABLE,
    ASYNC
  }

  /**
   * How the ledger records.
   *
   * @param checkpointEvery sign a checkpoint after this many new entries (0: only on close and on
   *     request)
   * @param maxBatch the most entries one commit writes
   */
  public record Settings(
      Durability durability, Recording recording, long checkpointEvery, int maxBatch) {
    public static final Settings DEFAULT =
        new Settings(Durability.DURABLE, Recording.DEFAULT, 10_000, 4096);

    public Settings {
      if (checkpointEvery < 0 || maxBatch < 1) {
        throw new IllegalArgumentException("checkpointEvery must be ≥ 0 and maxBatch ≥ 1");
      }
    }
  }

  /** The entry could not be written: the store's failure, with what was being recorded. */
  public static final class WriteFailed extends RuntimeException {
    public WriteFailed(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final ChainStore store;
  private final ChainKey key;
  private final Settings settings;
  private final Consumer<String> log;
  private final String origin;

  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
  private final List<ChainHead.Pending> held = new ArrayList<>(); // under lock; see acceptWithNext
  private final AtomicLong lastCheckpoint = new AtomicLong(-1);
  private final AsyncWriter async;
  private volatile boolean closed;

  public Ledger(ChainStore store, ChainKey key, Settings settings, Consumer<String> log) {
    this.store = store;
    this.key = key;
    this.settings = settings;
    this.log = log;
    this.origin =
        store.origin("agora.local/" + HexFormat.of().toHexDigits(new SecureRandom().nextLong()));
    store.checkpoints().stream().mapToLong(Checkpoint::size).max().ifPresent(lastCheckpoint::set);
    this.async = settings.durability() == Durability.ASYNC ? new AsyncWriter() : null;
  }

  /** The log's identity, the first line of its checkpoints. */
  public String origin() {
    return origin;
  }

  public ChainKey key() {
    return key;
  }

  public ChainStore store() {
    return store;
  }

  /**
   * Records an event; with DURABLE, returns once it is committed. A failed write is a {@link
   * WriteFailed}.
   */
  @Override
  public void accept(Event e) {
    acceptPlaced(e);
  }

  /**
   * {@link #accept}, returning the entry's leaf hash and, with DURABLE, its index (with ASYNC the
   * index is not known yet: {@code -1}).
   */
  @Override
  public Placed acceptPlaced(Event e) {
    if (closed) {
      throw new WriteFailed(
          "the Causal Chain is closed; " + e.type() + " " + e.id() + " was not recorded", null);
    }
    ChainHead.Pending p = prepare(e);
    if (async != null) {
      async.enqueue(p);
      return new Placed(-1, p.leafHash());
    }
    return new Placed(commit(List.of(p)).getFirst().index(), p.leafHash());
  }

  /**
   * With DURABLE, holds the event to write it in the commit of the next one (see the class
   * comment); with ASYNC, the same as {@link #accept}.
   */
  @Override
  public void acceptWithNext(Event e) {
    if (async != null) {
      accept(e);
      return;
    }
    if (closed) {
      throw new WriteFailed(
          "the Causal Chain is closed; " + e.type() + " " + e.id() + " was not recorded", null);
    }
    ChainHead.Pending p = prepare(e);
    lock.lock();
    try {
      held.add(p);
    } finally {
      lock.unlock();
    }
  }

  /** Records an event durably whatever the mode and returns its entry. */
  public Entry append(Event e) {
    return commit(List.of(prepare(e))).getFirst();
  }

  private ChainHead.Pending prepare(Event e) {
    Event recorded = settings.recording().apply(e);
    byte[] body = Canonical.encode(recorded);
    return new ChainHead.Pending(body, Hashes.leaf(body), Entry.Columns.of(recorded));
  }

  // ---- Group commit ----

  private final class Waiter {
    final List<ChainHead.Pending> items;
    final Condition turn =
        lock.newCondition(); // signalled when done, or when it becomes the leader
    List<Entry> entries;
    RuntimeException failure;
    boolean done;

    Waiter(List<ChainHead.Pending> items) {
      this.items = items;
    }
  }

  private List<Entry> commit(List<ChainHead.Pending> items) {
    Waiter w = new Waiter(items);
    List<Waiter> batch;
    List<ChainHead.Pending> carried;
    lock.lock();
    try {
      queue.addLast(w);
      while (!w.done && queue.peekFirst() != w) {
        w.turn.awaitUninterruptibly();
      }
      if (w.done) {
        return result(w);
      }
      batch = takeBatch();
      carried = new ArrayList<>(held);
      held.clear();
    } finally {
      lock.unlock();
    }
    write(carried, batch);
    return result(w);
  }

  /**
   * The first waiters in the queue, up to maxBatch entries (at least one waiter). Under the lock.
   */
  private List<Waiter> takeBatch() {
    List<Waiter> batch = new ArrayList<>();
    int count = 0;
    for (Waiter q : queue) {
      if (!batch.isEmpty() && count + q.items.size() > settings.maxBatch()) {
        break;
      }
      batch.add(q);
      count += q.items.size();
    }
    return batch;
  }

  /**
   * Stores the held events and a batch in one transaction and hands every waiter its entries (or
   * the failure). Held events that fail to be stored are held again, for the next commit.
   */
  private void write(List<ChainHead.Pending> carried, List<Waiter> batch) {
    List<ChainHead.Pending> all = new ArrayList<>(carried);
    batch.forEach(b -> all.addAll(b.items));
    ChainHead.Extension x = null;
    RuntimeException failure = null;
    try {
      x = all.isEmpty() ? null : store.append(head -> head.extend(all));
    } catch (RuntimeException | Error e) {
      // An Error too: the batch must leave the queue and its waiters must hear, or every later
      // write waits forever behind it. Its message names the Error beneath (out of memory), not
      // what the JDK wrapped it in (issue 12).
      failure =
          new WriteFailed(
              "the Causal Chain could not store "
                  + all.size()
                  + " entries: "
                  + Failures.describe(e),
              e);
    }
    lock.lock();
    try {
      if (failure != null) {
        held.addAll(0, carried);
      }
      for (int i = 0; i < batch.size(); i++) {
        queue.removeFirst();
      }
      if (!queue.isEmpty()) {
        queue
            .peekFirst()
            .turn
            .signal(); // the next leader first, so the store is busy again at once
      }
      int at = carried.size();
      for (Waiter b : batch) {
        if (failure == null) {
          b.entries = x == null ? List.of() : x.entries().subList(at, at + b.items.size());
        }
        at += b.items.size();
        b.failure = failure;
        b.done = true;
        b.turn.signal();
      }
    } finally {
      lock.unlock();
    }
    if (x != null) {
      maybeCheckpoint(x.head());
    }
  }

  private static List<Entry> result(Waiter w) {
    if (w.failure != null) {
      throw w.failure;
    }
    return w.entries;
  }

  // ---- Checkpoints ----

  private void maybeCheckpoint(ChainHead head) {
    if (settings.checkpointEvery() > 0
        && head.size() - Math.max(lastCheckpoint.get(), 0) >= settings.checkpointEvery()) {
      addCheckpointIfNewer(head);
    }
  }

  /**
   * Signs and stores a checkpoint of {@code head} unless one as large is stored: under a lock, so
   * checkpoints are stored in order of size even when committers race to sign them.
   */
  private void addCheckpointIfNewer(ChainHead head) {
    synchronized (lastCheckpoint) {
      if (head.size() > Math.max(lastCheckpoint.get(), 0)) {
        store.addCheckpoint(Checkpoint.sign(origin, head.size(), head.root(), key));
        lastCheckpoint.set(head.size());
      }
    }
  }

  /** Signs and stores a checkpoint of the log as it is now (after writing what is queued). */
  public Checkpoint checkpoint() {
    flush();
    synchronized (lastCheckpoint) {
      ChainHead head = store.head();
      Checkpoint c = Checkpoint.sign(origin, head.size(), head.root(), key);
      store.addCheckpoint(c);
      lastCheckpoint.accumulateAndGet(head.size(), Math::max);
      return c;
    }
  }

  /** The newest checkpoint, or a new one if there is none or the log has grown since. */
  public Checkpoint latestCheckpoint() {
    ChainHead head = store.head();
    List<Checkpoint> all = store.checkpoints();
    for (int i = all.size() - 1; i >= 0; i--) {
      Checkpoint c = all.get(i);
      if (c.size() == head.size() && c.origin().equals(origin) && c.signedBy(key.verifier())) {
        return c;
      }
    }
    return checkpoint();
  }

  /**
   * Waits until everything accepted so far is committed: with ASYNC what is queued, with DURABLE
   * what is held ({@link #acceptWithNext}).
   */
  public void flush() {
    if (async != null) {
      async.flush();
      return;
    }
    boolean any;
    lock.lock();
    try {
      any = !held.isEmpty();
    } finally {
      lock.unlock();
    }
    if (any) {
      commit(List.of()); // carries what is held; nothing if another commit took it meanwhile
    }
  }

  /** Writes what is queued and signs a final checkpoint if the log grew. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    flush();
    closed = true;
    if (async != null) {
      async.stop();
    }
    try {
      addCheckpointIfNewer(store.head());
    } catch (RuntimeException e) {
      log.accept("warning: could not sign the closing checkpoint: " + e.getMessage());
    }
  }

  // ---- Async ----

  /** One background thread that drains the queue in batches through the same commit path. */
  private final class AsyncWriter {
    private final ReentrantLock qlock = new ReentrantLock();
    private final Condition changed = qlock.newCondition();
    private final ArrayDeque<ChainHead.Pending> pending = new ArrayDeque<>();
    private final Thread thread;
    private long enqueued;
    private long written;
    private boolean stopping;

    AsyncWriter() {
      thread = Thread.ofPlatform().daemon().name("agora-chain-writer").start(this::run);
    }

    void enqueue(ChainHead.Pending p) {
      qlock.lock();
      try {
        while (pending.size() >= 65_536) { // back-pressure, never a drop
          changed.awaitUninterruptibly();
        }
        pending.addLast(p);
        enqueued++;
        changed.signalAll();
      } finally {
        qlock.unlock();
      }
    }

    private void run() {
      while (true) {
        List<ChainHead.Pending> batch = new ArrayList<>();
        qlock.lock();
        try {
          while (pending.isEmpty() && !stopping) {
            changed.awaitUninterruptibly();
          }
          if (pending.isEmpty()) {
            return;
          }
          while (!pending.isEmpty() && batch.size() < settings.maxBatch()) {
            batch.add(pending.pollFirst());
          }
        } finally {
          qlock.unlock();
        }
        writeUntilStored(batch);
        qlock.lock();
        try {
          written += batch.size();
          changed.signalAll();
        } finally {
          qlock.unlock();
        }
      }
    }

    /**
     * Nothing accepted is dropped: a failing store is retried, with a warning, until it works or we
     * stop.
     */
    private void writeUntilStored(List<ChainHead.Pending> batch) {
      for (int attempt = 1; ; attempt++) {
        try {
          commit(batch);
          return;
        } catch (WriteFailed e) {
          log.accept(
              "warning: Causal Chain write failed (attempt "
                  + attempt
                  + "), retrying: "
                  + e.getMessage());
          if (attempt >= 10) {
            log.accept("error: giving up on " + batch.size() + " Causal Chain entries");
            return;
          }
          LockSupport.parkNanos(100_000_000L * attempt); // back off before retrying
        }
      }
    }

    void flush() {
      qlock.lock();
      try {
        long target = enqueued;
        while (written < target) {
          changed.awaitUninterruptibly();
        }
      } finally {
        qlock.unlock();
      }
    }

    void stop() {
      qlock.lock();
      try {
        stopping = true;
        changed.signalAll();
      } finally {
        qlock.unlock();
      }
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
