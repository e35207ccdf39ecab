package dev.agora.core.isolation;

import dev.agora.core.spi.IsolationLevel;
import dev.agora.core.spi.IsolationRuntime;

/**
 * The {@code in-process} level: Java and RTFS capabilities run in Agora's own JVM, kept apart only
 * by the language (RTFS's step and memory limits, the call's deadline). Always available.
 */
public final class InProcess implements IsolationRuntime {

  @Override
  public IsolationLevel level() {
    return IsolationLevel.IN_PROCESS;
  }

  @Override
  public String name() {
    return "jvm";
  }

  @Override
  public Support support() {
    return new Support(
        true,
        "Java "
            + Runtime.version()
            + " ("
            + System.getProperty("java.vm.vendor", "unknown vendor")
            + "); RTFS limits and call deadlines only");
  }
}
