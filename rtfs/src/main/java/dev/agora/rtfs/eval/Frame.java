package dev.agora.rtfs.eval;

import dev.agora.rtfs.Value;

/**
 * The local variables of one function activation (or one top-level form): a fixed array of slots
 * assigned by the {@link Analyzer}, and the frame the function was defined in. Closures capture
 * their frame by reference, so later definitions in it are visible (mutual recursion works).
 */
public final class Frame {

  final Value[] slots;
  final Frame parent;

  Frame(int size, Frame parent) {
    this(new Value[size], parent);
  }

  /** A frame over an array the caller hands over (a call's argument array, reused as its slots). */
  Frame(Value[] slots, Frame parent) {
    this.slots = slots;
    this.parent = parent;
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
