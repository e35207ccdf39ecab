package dev.agora.rtfs;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;

/**
 * An ordered collection: a {@link Vec} ({@code [1 2]}) or a {@link Lst} ({@code (1 2)}). Both hold
 * their items in an array that is never written after construction. A vector never equals a list,
 * even with the same items.
 */
public abstract sealed class Seq implements Value permits Vec, Lst {

  final Value[] items;

  Seq(Value[] items) {
    Evaluation.charge(Evaluation.seqBytes(items.length));
    this.items = items;
  }

  /** The number of items. */
  public final int size() {
    return items.length;
  }

  public final boolean isEmpty() {
    return items.length == 0;
  }

  /** The item at {@code index}; the caller checks the bounds. */
  public final Value get(int index) {
    return items[index];
  }

  /** A read-only view of the items. */
  public final List<Value> items() {
    return new View(items);
  }

  /** A copy of the items, for building a new collection. */
  public final Value[] toArray() {
    return items.clone();
  }

  /** The same kind of collection with other items (a vector stays a vector). */
  public abstract Seq withItems(Value[] newItems);

  @Override
  public final boolean equals(Object o) {
    return o != null && o.getClass() == getClass() && Arrays.equals(items, ((Seq) o).items);
  }

  @Override
  public final int hashCode() {
    return Arrays.hashCode(items) * 31 + (this instanceof Vec ? 1 : 2);
  }

  @Override
  public final String toString() {
    return Printer.print(this);
  }

  private static final class View extends AbstractList<Value> implements RandomAccess {
    private final Value[] items;

    View(Value[] items) {
      this.items = items;
    }

    @Override
    public Value get(int index) {
      return items[index];
    }

    @Override
    public int size() {
      return items.length;
    }
  }
}
