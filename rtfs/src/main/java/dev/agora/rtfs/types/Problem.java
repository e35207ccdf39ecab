package dev.agora.rtfs.types;

import dev.agora.rtfs.Printer;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.util.List;

/**
 * One way a value fails a type: where (the path of keys and indexes from the top, such as {@code
 * [:user :age]}), what was expected and what was found.
 */
public record Problem(List<Value> path, String expected, String found) {

  public Problem {
    path = List.copyOf(path);
  }

  /** The path in RTFS notation, {@code []} for the value itself. */
  public String pathText() {
    return Printer.print(Vec.of(path));
  }

  /** {@code at [:user :age]: expected :int, found "x" (string)}. */
  public String message() {
    return "at " + pathText() + ": expected " + expected + ", found " + found;
  }

  @Override
  public String toString() {
    return message();
  }
}
