package dev.agora.rtfs.eval;

import java.util.HashMap;
import java.util.Map;

/**
 * A lexical scope during analysis. Blocks ({@code let}, a {@code match} clause, a {@code catch})
 * add names to the frame of the function they are in; a {@code fn} starts a new frame. Resolving a
 * name yields its slot and how many frames out it lives, so running code never looks names up.
 */
final class Scope {

  /** The slots of one frame: a function body, or a top-level form. */
  static final class FrameLayout {
    int size;

    int newSlot() {
      return size++;
    }
  }

  /** Where a local lives: {@code depth} frames out, at {@code slot}. */
  record Resolved(int depth, int slot) {}

  final Scope parent;
  final FrameLayout frame;
  final boolean topLevel;
  private final Map<String, Integer> names = new HashMap<>();

  /** Names of {@code let}-bound functions, visible early so they can call each other (letrec). */
  Map<String, Integer> forward;

  private Scope(Scope parent, FrameLayout frame, boolean topLevel) {
    this.parent = parent;
    this.frame = frame;
    this.topLevel = topLevel;
  }

  /** The scope of a top-level form: {@code def} here defines globals. */
  static Scope top() {
    return new Scope(null, new FrameLayout(), true);
  }

  /** A block inside this scope, sharing its frame. */
  Scope block() {
    return new Scope(this, frame, false);
  }

  /** The body of a function defined in this scope: a new frame. */
  Scope function() {
    return new Scope(this, new FrameLayout(), false);
  }

  /** Declares {@code name} in this scope in a new slot, shadowing outer ones; returns the slot. */
  int declare(String name) {
    int slot = frame.newSlot();
    names.put(name, slot);
    return slot;
  }

  /** Declares {@code name} in an already allocated slot. */
  void declare(String name, int slot) {
    names.put(name, slot);
  }

  /** The innermost binding of {@code name}, or null when it is global. */
  Resolved resolve(String name) {
    int depth = 0;
    for (Scope s = this; s != null; s = s.parent) {
      Integer slot = s.forward != null ? s.forward.get(name) : null;
      if (slot == null) {
        slot = s.names.get(name);
      }
      if (slot != null) {
        return new Resolved(depth, slot);
      }
      if (s.parent != null && s.parent.frame != s.frame) {
        depth++;
      }
    }
    return null;
  }
}
