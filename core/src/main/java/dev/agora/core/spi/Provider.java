package dev.agora.core.spi;

import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.rtfs.Value;
import java.util.function.Consumer;

/**
 * Executes capabilities of one provider type ({@code local}, {@code http}, {@code mcp} …). Provider
 * modules contribute theirs through {@link java.util.ServiceLoader} ({@code
 * META-INF/services/dev.agora.core.spi.Provider}); core never imports one.
 *
 * <p>The call path has already resolved, authorised and validated the call, and runs {@link
 * #execute} on a virtual thread it interrupts at the deadline, unless {@link #inline} says the call
 * is quick and pure enough to run on the caller's thread, or {@link #keepsDeadline} says the
 * provider enforces the deadline itself. Throw an {@link dev.agora.core.error.AgoraError} to fail
 * with a specific kind; any other exception becomes a {@code ProviderError} carrying its message.
 */
public interface Provider {

  /** The provider type this handles, as written in manifests. */
  String type();

  /**
   * True if it executes capabilities of provider {@code type}: its own {@link #type()}; the plugins
   * module's provider also serves the types plugins add ({@code acme.rpc}) while they are loaded.
   */
  default boolean serves(String type) {
    return type().equals(type);
  }

  /** Executes one call; {@code input} conforms to the manifest's input schema. */
  Value execute(CapabilityManifest manifest, Value input, CallContext call) throws Exception;

  /** True if calls to {@code manifest} may run on the caller's thread (quick, pure, no I/O). */
  default boolean inline(CapabilityManifest manifest) {
    return false;
  }

  /**
   * True if calls to {@code manifest} keep the deadline themselves — they return or throw by {@link
   * CallContext#remaining()}, whatever the remote side does — so they may run on the caller's
   * thread without the hand-over to a watched thread (the HTTP provider: its requests time out at
   * the deadline).
   */
  default boolean keepsDeadline(CapabilityManifest manifest) {
    return false;
  }

  /**
   * Asks to be told, by {@code updated}, each time what {@code manifest} reads at {@code uri}
   * changes (an MCP server's resource: {@code resources/subscribe}), until the returned
   * subscription is closed. {@code updated} runs on whatever thread learns of the change and must
   * not block.
   *
   * @throws AgoraError a ProviderError (the caller's fault) when the capability cannot be watched —
   *     the default — or its upstream refused
   */
  default Subscription subscribe(CapabilityManifest manifest, String uri, Runnable updated) {
    throw AgoraError.ProviderError.refused(
        manifest.id(),
        "its provider ('" + type() + "') cannot tell when what it reads changes",
        null);
  }

  /** A watch on something a capability reads, from {@link #subscribe}. */
  interface Subscription extends AutoCloseable {
    /** Stops the updates; closing twice is harmless. */
    @Override
    void close();
  }

  /**
   * The isolation calls to {@code manifest} get on this host: {@code in-process} unless the
   * provider runs them in a WASM instance or a sandboxed process — and then only if this host
   * offers it (a provider whose sandbox is unavailable says {@code in-process}, so that policy
   * requiring more refuses the capability rather than run it with less).
   */
  default IsolationLevel isolation(CapabilityManifest manifest) {
    return IsolationLevel.IN_PROCESS;
  }

  /**
   * Called when the node serves among others on one store (issue 18), with what it knows of them; a
   * provider that runs calls on peer nodes keeps it.
   */
  default void cluster(Cluster cluster) {}

  /** Called once by the marketplace before any call, with where its messages go (the log). */
  default void start(Consumer<String> log) {}

  /** Releases connections and sessions; called once at shutdown. */
  default void close() {}
}
