package dev.agora.core.spi;

/**
 * Something that runs capability code at one {@link IsolationLevel}, and says whether this host
 * offers it. Modules contribute theirs through {@link java.util.ServiceLoader} ({@code
 * META-INF/services/dev.agora.core.spi.IsolationRuntime}): core has {@code in-process}, the WASM
 * provider {@code wasm}, the sandbox {@code process}. {@code agora doctor} lists them; a provider
 * reports the level it gives each capability with {@link Provider#isolation}.
 *
 * <p>A microVM runtime (Firecracker, gVisor's runsc) would be one more implementation at a level
 * above {@code process}: {@link #support} probing {@code /dev/kvm} or the runsc binary, and its
 * provider starting the capability's command inside the VM with the same stdin/stdout contract as
 * the process sandbox.
 */
public interface IsolationRuntime {

  /** The level it gives. */
  IsolationLevel level();

  /** A short name ({@code bubblewrap}, {@code endive}). */
  String name();

  /**
   * Whether this host can run it, and what was found (versions, or why not). Probed once and kept
   * for the process's lifetime.
   */
  Support support();

  /** A probe's verdict. */
  record Support(boolean available, String detail) {}
}
