package dev.agora.core.isolation;

import dev.agora.core.spi.IsolationLevel;
import dev.agora.core.spi.IsolationRuntime;

/** The process sandbox as an {@link IsolationRuntime}: {@code bubblewrap}, level PROCESS. */
public final class BubblewrapRuntime implements IsolationRuntime {

  @Override
  public IsolationLevel level() {
    return IsolationLevel.PROCESS;
  }

  @Override
  public String name() {
    return "bubblewrap";
  }

  @Override
  public Support support() {
    return Sandbox.host().support();
  }
}
