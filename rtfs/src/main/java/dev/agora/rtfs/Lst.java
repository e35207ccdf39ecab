package dev.agora.rtfs;

import java.util.List;

/**
 * A list, {@code (1 2 3)} as data. Evaluated code meets lists as {@code & rest} arguments of
 * functions and as data read with {@code Reader.readValue}; an empty {@code ()} evaluates to {@code
 * []}.
 */
public final class Lst extends Seq {

  public static final Lst EMPTY = new Lst(new Value[0]);

  private Lst(Value[] items) {
    super(items);
  }

  public static Lst of(Value... items) {
    return items.length == 0 ? EMPTY : new Lst(items.clone());
  }

  public static Lst of(List<? extends Value> items) {
    return items.isEmpty() ? EMPTY : new Lst(items.toArray(new Value[0]));
  }

  /** A list over this array, which the caller hands over and must never write again. */
  public static Lst adopt(Value[] items) {
    return items.length == 0 ? EMPTY : new Lst(items);
  }

  @Override
  public Seq withItems(Value[] newItems) {
    return adopt(newItems);
  }

  @Override
  public String typeName() {
    return "list";
  }
}
