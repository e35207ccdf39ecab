package dev.agora.provider.mcp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Stops a child process and every process it started, in bounded time. Launchers such as {@code
 * npx} or {@code sh -c} run the real server as a grandchild, which outlives its parent when only
 * the parent is stopped; so the whole tree is taken, as it is at the start of stopping (a process
 * whose parent exits is no longer found among the child's descendants).
 *
 * <p>Politely first — the child's input is closed, as MCP asks of a stdio client — then SIGTERM to
 * what is left, then SIGKILL; each step waits at most its own bound.
 */
final class ProcessTree {

  /** How it ended: which step stopped the last process of the tree. */
  enum Ended {
    /** The child and everything it started exited once its input was closed. */
    POLITELY,
    /** SIGTERM was needed. */
    TERMINATED,
    /** SIGKILL was needed. */
    KILLED,
    /** Even SIGKILL did not end every process in time (they may still be exiting). */
    LINGERING
  }

  /** How long a child has to exit after its input closed, and then after SIGTERM. */
  static final Duration POLITE = Duration.ofMillis(300);

  static final Duration TERMINATE = Duration.ofMillis(300);

  /** How long a SIGKILLed tree is waited for. */
  static final Duration KILL = Duration.ofMillis(500);

  private ProcessTree() {}

  /**
   * Stops {@code root} and its descendants: runs {@code closeInput}, waits up to {@code polite};
   * sends SIGTERM to whatever is alive and waits up to {@code terminate}; then SIGKILL.
   */
  static Ended stop(ProcessHandle root, Runnable closeInput, Duration polite, Duration terminate) {
    List<ProcessHandle> tree = tree(root);
    closeInput.run();
    if (allExited(tree, polite)) {
      return Ended.POLITELY;
    }
    tree = alive(tree, root);
    tree.forEach(ProcessHandle::destroy);
    if (allExited(tree, terminate)) {
      return Ended.TERMINATED;
    }
    return kill(alive(tree, root));
  }

  /**
   * SIGKILLs {@code root} and its descendants at once, and waits (a little) until they are gone.
   */
  static Ended kill(ProcessHandle root) {
    return kill(tree(root));
  }

  private static Ended kill(List<ProcessHandle> tree) {
    tree.forEach(ProcessHandle::destroyForcibly);
    return allExited(tree, KILL) ? Ended.KILLED : Ended.LINGERING;
  }

  /** {@code root} and all its descendants now, the root first. */
  static List<ProcessHandle> tree(ProcessHandle root) {
    List<ProcessHandle> all = new ArrayList<>();
    all.add(root);
    root.descendants().forEach(all::add);
    return all;
  }

  /**
   * Those of {@code known} that are alive, with any descendant of a live one started since they
   * were listed.
   */
  private static List<ProcessHandle> alive(List<ProcessHandle> known, ProcessHandle root) {
    Set<ProcessHandle> all = new LinkedHashSet<>();
    for (ProcessHandle p : known) {
      if (running(p)) {
        all.add(p);
        p.descendants().forEach(all::add);
      }
    }
    if (running(root)) {
      all.addAll(tree(root));
    }
    return new ArrayList<>(all);
  }

  /**
   * Waits, at most {@code limit}, until every process of {@code tree} has exited. Only the root is
   * Agora's child; the others cannot be waited for, only looked at, every {@link #LOOK}.
   */
  static boolean allExited(List<ProcessHandle> tree, Duration limit) {
    long end = System.nanoTime() + limit.toNanos();
    while (tree.stream().anyMatch(ProcessTree::running)) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      try {
        Thread.sleep(Math.min(LOOK.toMillis(), Math.max(1, left / 1_000_000)));
      } catch (InterruptedException e) { // in a hurry: the next step follows at once
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /** How often the processes being stopped are looked at. */
  static final Duration LOOK = Duration.ofMillis(10);

  /**
   * Whether {@code p} still runs: a process that exited but was not yet reaped by its new parent (a
   * zombie; an orphan's new parent may reap it late) is not running, though the JDK calls it alive.
   */
  static boolean running(ProcessHandle p) {
    return p.isAlive() && !zombie(p.pid());
  }

  private static boolean zombie(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      int i = stat.lastIndexOf(')'); // "pid (command) state ...": the command may hold anything
      return i > 0 && i + 2 < stat.length() && stat.charAt(i + 2) == 'Z';
    } catch (IOException | RuntimeException e) { // gone, or no /proc (not Linux)
      return false;
    }
  }
}
