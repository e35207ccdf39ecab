package dev.agora.rtfs;

import java.util.List;

/** A vector, {@code [1 2 3]}: the everyday RTFS sequence. */
public final class Vec extends Seq {

  public static final Vec EMPTY = new Vec(new Value[0]);

  private Vec(Value[] items) {
    super(items);
  }

  /** A vector of copies of these items. */
  public static Vec of(Value... items) {
    return items.length == 0 ? EMPTY : new Vec(items.clone());
  }

  public static Vec of(List<? extends Value> items) {
    return items.isEmpty() ? EMPTY : new Vec(items.toArray(new Value[0]));
  }

  /** A vector over this array, which the caller hands over and must never write again. */
  public static Vec adopt(Value[] items) {
    return items.length == 0 ? EMPTY : new Vec(items);
  }

  @Override
  public Seq withItems(Value[] newItems) {
    return adopt(newItems);
  }

  @Override
  public String typeName() {
    return "vector";
  }
}
