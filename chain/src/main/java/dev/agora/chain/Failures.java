package dev.agora.chain;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Failures put into words without hiding the JVM's own errors behind another's message. Some code
 * turns an {@link Error} into an exception: reflection wraps an OutOfMemoryError thrown while a
 * {@code MessageDigest} is constructed in a NoSuchAlgorithmException ("no SHA-256"), and
 * try-with-resources, when the body and {@code close()} both throw the JVM's one shared
 * OutOfMemoryError, fails with IllegalArgumentException "Self-suppression not permitted". Such a
 * message names the wrong problem; these helpers find the Error underneath (issue 12).
 */
public final class Failures {

  private Failures() {}

  /**
   * The first {@link Error} among {@code t}, its causes and what they suppressed, or null when
   * there is none.
   */
  public static Error errorIn(Throwable t) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Throwable> todo = new ArrayDeque<>();
    todo.add(t);
    while (!todo.isEmpty()) {
      Throwable next = todo.poll();
      if (!seen.add(next)) {
        continue;
      }
      if (next instanceof Error e) {
        return e;
      }
      if (next.getCause() != null) {
        todo.add(next.getCause());
      }
      for (Throwable s : next.getSuppressed()) {
        todo.add(s);
      }
    }
    return null;
  }

  /** Throws the Error that {@link #errorIn} finds in {@code t}, if any. */
  public static void rethrowError(Throwable t) {
    Error e = errorIn(t);
    if (e != null) {
      throw e;
    }
  }

  /**
   * What went wrong, in a few words: "out of memory (Java heap space)" when an OutOfMemoryError
   * lies beneath {@code t}, the name and message of any other Error beneath it, else {@code t}'s
   * message (its class name when it has none).
   */
  public static String describe(Throwable t) {
    Error e = errorIn(t);
    if (e instanceof OutOfMemoryError) {
      return "out of memory" + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
    }
    Throwable named = e != null ? e : t;
    if (e != null || named.getMessage() == null) {
      String name = named.getClass().getSimpleName();
      return named.getMessage() == null ? name : name + ": " + named.getMessage();
    }
    return named.getMessage();
  }
}
