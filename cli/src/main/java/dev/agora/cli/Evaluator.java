package dev.agora.cli;

import dev.agora.rtfs.RtfsError;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Runs RTFS evaluations on a thread with a 256 MB stack, so programs can recurse as deep as the
 * interpreter's depth limit allows (a level takes up to ~1 KB of stack), and turns errors into the
 * CLI's one-line form.
 */
final class Evaluator {

  private static final long STACK_BYTES = 256L * 1024 * 1024;

  private Evaluator() {}

  /**
   * Runs {@code work} on a big-stack thread and waits; interrupting the caller interrupts the
   * evaluation (which then stops with a Cancelled error).
   */
  static <T> T onBigStack(Callable<T> work) {
    FutureTask<T> task = new FutureTask<>(work);
    Thread t = new Thread(null, task, "rtfs-eval", STACK_BYTES);
    t.setDaemon(true);
    t.start();
    while (true) {
      try {
        return task.get();
      } catch (InterruptedException e) {
        t.interrupt();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException re) {
          throw re;
        }
        throw new IllegalStateException(e.getCause());
      }
    }
  }

  /** {@code error: <Kind> at <file>:<line>:<col>: <message>}. */
  static void printError(RtfsError e, PrintStream err) {
    err.println("error: " + e.describe());
  }
}
