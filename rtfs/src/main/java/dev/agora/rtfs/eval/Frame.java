package dev.agora.rtfs.eval;

import dev.agora.rtfs.Value;

/**
 * The local variables of one function activation (or one top-level form): slots assigned by the
 * {@link Analyzer}, and the frame the function was defined in. Closures capture their frame by
 * reference, so later definitions in it are visible (mutual recursion works).
 *
 * <p>The first four slots are fields and only the rest live in an array: most functions have at
 * most four locals, so a call allocates one object instead of two (measured in docs/BENCHMARKS.md).
 */
final class Frame {

  private static final int FIELDS = 4;

  private Value s0;
  private Value s1;
  private Value s2;
  private Value s3;
  private final Value[] more;
  final Frame parent;

  Frame(int size, Frame parent) {
    this.more = size > FIELDS ? new Value[size - FIELDS] : null;
    this.parent = parent;
  }

  /** The value in {@code slot}, null while unassigned. */
  Value get(int slot) {
    // Compares, not a switch: slot 0 and 1 dominate, and a jump table measured slower.
    if (slot == 0) {
      return s0;
    }
    if (slot == 1) {
      return s1;
    }
    if (slot == 2) {
      return s2;
    }
    return slot == 3 ? s3 : more[slot - FIELDS];
  }

  void set(int slot, Value v) {
    if (slot == 0) {
      s0 = v;
    } else if (slot == 1) {
      s1 = v;
    } else if (slot == 2) {
      s2 = v;
    } else if (slot == 3) {
      s3 = v;
    } else {
      more[slot - FIELDS] = v;
    }
  }

  /** The frame {@code depth} levels out. */
  Frame up(int depth) {
    Frame f = this;
    for (int d = depth; d > 0; d--) {
      f = f.parent;
    }
    return f;
  }
}
