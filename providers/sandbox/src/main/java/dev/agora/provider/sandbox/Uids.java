package dev.agora.provider.sandbox;

import dev.agora.core.error.AgoraError;
import java.util.BitSet;

/**
 * The uids sandboxed children run as when Agora is root, one per running child: RLIMIT_NPROC counts
 * the processes of a real uid across the host, so children sharing one uid would share one process
 * budget, and a fork bomb in one would starve the others. The range is far above the system's and
 * users' uids and has no passwd entries.
 */
final class Uids {

  static final int FIRST = 620_000;
  static final int COUNT = 4096;

  private static final BitSet taken = new BitSet(COUNT);

  private Uids() {}

  /** A uid no running child has; a LimitExceeded when all {@link #COUNT} are in use. */
  static synchronized int take(String id) {
    int i = taken.nextClearBit(0);
    if (i >= COUNT) {
      throw new AgoraError.LimitExceeded(
          id, COUNT + " sandboxed children are running: no uid left for another");
    }
    taken.set(i);
    return FIRST + i;
  }

  static synchronized void give(int uid) {
    taken.clear(uid - FIRST);
  }

  static synchronized int inUse() {
    return taken.cardinality();
  }
}
