package dev.agora.provider.wasm;

import dev.agora.core.spi.IsolationLevel;
import dev.agora.core.spi.IsolationRuntime;
import run.endive.wasm.Version;

/**
 * The {@code wasm} isolation level as this module gives it: Endive, a pure-Java WebAssembly
 * interpreter, so it is available wherever the JVM runs.
 */
public final class EndiveRuntime implements IsolationRuntime {

  @Override
  public IsolationLevel level() {
    return IsolationLevel.WASM;
  }

  @Override
  public String name() {
    return "endive";
  }

  @Override
  public Support support() {
    return new Support(true, "Endive " + Version.version() + ", in the JVM");
  }
}
