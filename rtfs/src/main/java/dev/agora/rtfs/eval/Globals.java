package dev.agora.rtfs.eval;

import dev.agora.rtfs.EditDistance;
import dev.agora.rtfs.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The global environment: one {@link Cell} per name. The analyzer links a symbol to its cell before
 * the program runs, so a later {@code def} is seen by code analyzed earlier (late binding), and a
 * lookup at run time is one field read.
 */
final class Globals {

  /**
   * A global variable; {@code value} is null until defined. Not volatile: an interpreter is used by
   * one thread at a time, and handing it to another thread (start, join, a queue) publishes it.
   */
  public static final class Cell {
    final String name;
    Value value;

    Cell(String name) {
      this.name = name;
    }
  }

  private final Map<String, Cell> cells = new ConcurrentHashMap<>();

  /** The cell for {@code name}, created unbound if new. */
  Cell cell(String name) {
    return cells.computeIfAbsent(name, Cell::new);
  }

  /** Binds {@code name} to {@code value}. */
  public void define(String name, Value value) {
    cell(name).value = value;
  }

  /** The value bound to {@code name}, or null. */
  public Value get(String name) {
    Cell c = cells.get(name);
    return c == null ? null : c.value;
  }

  /** The bound names. */
  public List<String> names() {
    List<String> out = new ArrayList<>();
    cells.forEach(
        (n, c) -> {
          if (c.value != null) {
            out.add(n);
          }
        });
    out.sort(null);
    return out;
  }

  /**
   * The bound name closest to {@code name}, or null: for "did you mean" hints. Short names get no
   * hint (every one-letter name is one edit from every other); up to 5 characters one edit is
   * allowed, beyond that two.
   */
  public String suggest(String name) {
    if (name.length() < 3) {
      return null;
    }
    String best = null;
    int bestDistance = name.length() <= 5 ? 2 : 3;
    for (String candidate : names()) {
      int d = EditDistance.distance(name, candidate, bestDistance);
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    return best;
  }
}
