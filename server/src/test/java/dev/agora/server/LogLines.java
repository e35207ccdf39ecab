package dev.agora.server;

import java.util.concurrent.CopyOnWriteArrayList;

/** A node's log as the tests see it: each line added wakes whoever {@linkplain #await waits}. */
final class LogLines extends CopyOnWriteArrayList<String> {

  @Override
  public boolean add(String line) {
    boolean added = super.add(line);
    synchronized (this) {
      notifyAll();
    }
    return added;
  }

  /** Waits up to {@code seconds} for a line containing {@code fragment}. */
  synchronized boolean await(String fragment, int seconds) throws InterruptedException {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    while (stream().noneMatch(l -> l.contains(fragment))) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(left / 1_000_000 + 1);
    }
    return true;
  }
}
