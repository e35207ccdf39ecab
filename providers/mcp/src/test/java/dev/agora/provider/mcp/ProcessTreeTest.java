package dev.agora.provider.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Stopping a child with everything it started (issue 13: no orphans), with {@code sh} trees like
 * those {@code npx} makes: the polite way when the child exits at the end of its input, SIGTERM for
 * what outlives it, SIGKILL for what ignores SIGTERM.
 */
@Timeout(60)
class ProcessTreeTest {

  private Process process;

  /** Starts {@code sh -c script} and waits until it has started {@code size - 1} processes. */
  private ProcessHandle start(String script, int size) throws IOException, InterruptedException {
    process = new ProcessBuilder("sh", "-c", script).start();
    // the script announces itself once its background processes are started; what follows the
    // announcement forks nothing (exec, wait), so the tree is whole when it is read
    assertThat(process.getInputStream().read()).as("the script's 'ready'").isEqualTo('r');
    List<ProcessHandle> tree = ProcessTree.tree(process.toHandle());
    assertThat(tree).hasSize(size);
    return process.toHandle();
  }

  private void closeInput() {
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterEach
  void killLeftovers() {
    if (process != null) {
      ProcessTree.kill(process.toHandle());
    }
  }

  /**
   * Every process of {@code tree} ends soon: a SIGKILLed orphan is reaped by its new parent, not by
   * us, and on a busy machine that may take longer than {@link ProcessTree#KILL}.
   */
  private static void assertGone(List<ProcessHandle> tree) {
    assertThat(ProcessTree.allExited(tree, Duration.ofSeconds(30)))
        .as("every process of %s ended", tree)
        .isTrue();
  }

  @Test
  void aChildThatEndsWithItsInputIsStoppedPolitely() throws Exception {
    ProcessHandle root = start("echo r; exec cat", 1);
    List<ProcessHandle> tree = ProcessTree.tree(root);
    long t0 = System.nanoTime();
    assertThat(
            ProcessTree.stop(
                root, this::closeInput, Duration.ofSeconds(30), Duration.ofSeconds(30)))
        .isEqualTo(ProcessTree.Ended.POLITELY);
    System.out.println("polite stop: " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    assertGone(tree);
    assertThat(process.waitFor()).isZero(); // the handle may say gone before Process has reaped it
  }

  @Test
  void aGrandchildThatOutlivesItsParentIsTerminated() throws Exception {
    // the launcher ends with its input; what it started in the background does not
    ProcessHandle root = start("sleep 300 & echo r; exec cat", 2);
    List<ProcessHandle> tree = ProcessTree.tree(root);
    assertThat(ProcessTree.stop(root, this::closeInput, ProcessTree.POLITE, ProcessTree.TERMINATE))
        .isEqualTo(ProcessTree.Ended.TERMINATED);
    assertGone(tree);
  }

  @Test
  void aTreeThatIgnoresSigtermIsKilled() throws Exception {
    ProcessHandle root = start("trap '' TERM; sleep 300 & sleep 300 & echo r; wait", 3);
    List<ProcessHandle> tree = ProcessTree.tree(root);
    // SIGKILL was needed; on a busy machine its processes may outlast the short wait for them
    assertThat(ProcessTree.stop(root, this::closeInput, Duration.ZERO, Duration.ofMillis(50)))
        .isIn(ProcessTree.Ended.KILLED, ProcessTree.Ended.LINGERING);
    assertGone(tree);
  }

  @Test
  void killTakesTheWholeTreeAtOnce() throws Exception {
    ProcessHandle root = start("sleep 300 & sleep 300 & echo r; exec cat", 3);
    List<ProcessHandle> tree = ProcessTree.tree(root);
    assertThat(ProcessTree.kill(root)).isIn(ProcessTree.Ended.KILLED, ProcessTree.Ended.LINGERING);
    assertGone(tree);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.waitFor()).isEqualTo(128 + 9);
  }

  @Test
  void aStopInterruptedGoesStraightOnAndKeepsTheInterrupt() throws Exception {
    ProcessHandle root = start("trap '' TERM; sleep 300 & echo r; wait", 2);
    List<ProcessHandle> tree = ProcessTree.tree(root);
    Thread.currentThread().interrupt();
    long t0 = System.nanoTime();
    ProcessTree.Ended how =
        ProcessTree.stop(root, this::closeInput, Duration.ofMinutes(5), Duration.ofMinutes(5));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(Thread.interrupted()).isTrue();
    System.out.println("interrupted stop: " + how + " in " + ms + " ms");
    assertThat(ms).as("no step waited its five minutes").isLessThan(60_000);
    assertThat(how).isIn(ProcessTree.Ended.KILLED, ProcessTree.Ended.LINGERING);
    assertGone(tree); // the stop sent SIGKILL to the whole tree before it hurried on
  }

  @Test
  void aProcessThatIsGoneIsNotRunning() throws Exception {
    ProcessHandle root = start("echo r", 1);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(ProcessTree.running(root)).isFalse();
    assertThat(ProcessTree.running(ProcessHandle.current())).isTrue();
  }
}
