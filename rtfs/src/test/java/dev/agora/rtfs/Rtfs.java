package dev.agora.rtfs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.rtfs.eval.Interpreter;
import java.io.OutputStream;
import java.io.PrintStream;

/** Test helpers: evaluate and print, or evaluate and expect an error. */
public final class Rtfs {

  private Rtfs() {}

  /**
   * Evaluates {@code source} in a fresh interpreter (program output discarded) and returns the
   * printed result.
   */
  public static String run(String source) {
    return Printer.print(quiet().eval(source, "t.rtfs"));
  }

  private static Interpreter quiet() {
    return Interpreter.builder().out(new PrintStream(OutputStream.nullOutputStream())).build();
  }

  /** Evaluates {@code source} expecting an error of {@code kind}; returns it. */
  public static RtfsError fails(String source, ErrorKind kind) {
    try {
      Value v = quiet().eval(source, "t.rtfs");
      throw new AssertionError(
          "expected " + kind + " but got " + Printer.print(v) + " from " + source);
    } catch (RtfsError e) {
      assertThat(e.kind())
          .as("error kind for %s (message: %s)", source, e.getMessage())
          .isEqualTo(kind);
      return e;
    }
  }
}
