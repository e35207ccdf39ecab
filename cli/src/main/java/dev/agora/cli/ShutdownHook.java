package dev.agora.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How a long-running command ({@code serve}, {@code mcp}) stops on SIGTERM: a JVM shutdown hook
 * tells the command to stop, then waits, at most {@code closing}, until the command says it has
 * closed everything ({@link #close()}). Without the wait the JVM halts as soon as its hooks return,
 * mid-close: a stopped server's last actions had no checkpoint and {@code agora chain verify}
 * failed (issue 12's attack checklist).
 */
final class ShutdownHook implements AutoCloseable {

  private final CountDownLatch closed = new CountDownLatch(1);
  private final Thread hook;

  private ShutdownHook(String name, Runnable stop, Duration closing) {
    this.hook =
        new Thread(
            () -> {
              stop.run();
              awaitClosed(closing);
            },
            name);
  }

  /**
   * Installs a hook that runs {@code stop}, then waits up to {@code closing} for {@link #close}.
   */
  static ShutdownHook install(String name, Runnable stop, Duration closing) {
    ShutdownHook h = new ShutdownHook(name, stop, closing);
    Runtime.getRuntime().addShutdownHook(h.hook);
    return h;
  }

  private void awaitClosed(Duration closing) {
    try {
      closed.await(closing.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The command has closed everything: a hook that is waiting lets the JVM exit, and a hook that
   * has not run is removed (in-process use, or the command ended on its own).
   */
  @Override
  public void close() {
    closed.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the JVM is exiting: the hook is running or has run
    }
  }
}
