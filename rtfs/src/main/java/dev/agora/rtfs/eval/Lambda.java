package dev.agora.rtfs.eval;

import dev.agora.rtfs.Builtin;
import dev.agora.rtfs.SourcePos;
import dev.agora.rtfs.types.TypeExpr;

/**
 * The analyzed form of {@code (fn name? [params & rest] :ret? body…)}: everything a call needs
 * except the captured frame.
 */
final class Lambda {

  /** For messages ({@code fn} when anonymous). */
  final String name;

  /** One pattern per fixed parameter. */
  final Pattern[] params;

  /**
   * The parameters' slots when every fixed parameter is a plain name (the common case), else null.
   */
  final int[] simpleSlots;

  /** True when a call needs nothing but storing plain-name parameters: no rest, no self slot. */
  final boolean direct;

  /** The parameter vector as written, for messages. */
  final String paramText;

  /** The {@code & rest} pattern, or null. */
  final Pattern rest;

  /** The slot a named {@code fn} binds itself to, or -1. */
  final int selfSlot;

  /** The slots a call needs: parameters and every local of the body. */
  final int frameSize;

  /** The declared return type, or null. */
  final TypeExpr returnType;

  final Node body;
  final SourcePos pos;

  Lambda(
      String name,
      Pattern[] params,
      String paramText,
      Pattern rest,
      int selfSlot,
      int frameSize,
      TypeExpr returnType,
      Node body,
      SourcePos pos) {
    this.name = name;
    this.params = params;
    this.simpleSlots = slotsIfSimple(params);
    this.direct = simpleSlots != null && rest == null && selfSlot < 0;
    this.paramText = paramText;
    this.rest = rest;
    this.selfSlot = selfSlot;
    this.frameSize = frameSize;
    this.returnType = returnType;
    this.body = body;
    this.pos = pos;
  }

  /** "2 arguments" or "at least 1 argument". */
  String arity() {
    return Builtin.arityText(params.length, rest == null ? params.length : Builtin.VARIADIC);
  }

  private static int[] slotsIfSimple(Pattern[] params) {
    int[] slots = new int[params.length];
    for (int i = 0; i < params.length; i++) {
      if (!(params[i] instanceof Pattern.Bind b)) {
        return null;
      }
      slots[i] = b.slot();
    }
    return slots;
  }
}
