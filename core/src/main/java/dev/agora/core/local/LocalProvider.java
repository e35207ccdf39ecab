package dev.agora.core.local;

import dev.agora.core.call.CallRequest;
import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.core.spi.CallContext;
import dev.agora.core.spi.Provider;
import dev.agora.rtfs.Value;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The {@code local} provider: Java functions in this process, by handler name (a manifest's {@code
 * handler}, or its id), and functions written in RTFS in the manifest itself ({@code
 * implementation}, see {@link RtfsImplementation}). A pure function runs inline on the caller's
 * thread unless it was registered as slow; anything with effects runs on a virtual thread under its
 * deadline. A pure RTFS implementation runs inline too: the evaluator itself enforces the deadline.
 */
public final class LocalProvider implements Provider {

  /** A registered function and whether it may run inline. */
  private record Handler(LocalFunction fn, boolean inline) {}

  private final Map<String, Handler> handlers = new ConcurrentHashMap<>();

  /** Compiled RTFS implementations, by manifest (id, version and content hash). */
  private final Map<String, RtfsImplementation> compiled = new ConcurrentHashMap<>();

  /** The memory budget of each call to an RTFS implementation, in bytes. */
  private final long maxMemory;

  /** Where RTFS implementations' own calls go: the marketplace's call path, once it is set. */
  private volatile Function<CallRequest, Value> calls =
      r -> {
        throw new AgoraError.NotFound(r.capabilityId(), r.version(), List.of());
      };

  /** A provider whose RTFS implementations may each make {@code maxMemory} bytes of values. */
  public LocalProvider(long maxMemory) {
    this.maxMemory = maxMemory;
  }

  /** Sends the calls RTFS implementations make to {@code calls} (the call path). */
  public void calls(Function<CallRequest, Value> calls) {
    this.calls = calls;
  }

  @Override
  public String type() {
    return "local";
  }

  /**
   * Registers {@code fn} under {@code name}; {@code inline} only for quick, pure, non-blocking
   * code.
   */
  public void register(String name, LocalFunction fn, boolean inline) {
    handlers.put(name, new Handler(fn, inline));
  }

  public void unregister(String name) {
    handlers.remove(name);
  }

  /** True if a function is registered under {@code name}. */
  public boolean has(String name) {
    return handlers.containsKey(name);
  }

  @Override
  public boolean inline(CapabilityManifest m) {
    Handler h = handlers.get(handlerName(m));
    return m.isPure() && (h != null ? h.inline() : implementation(m) != null);
  }

  @Override
  public Value execute(CapabilityManifest m, Value input, CallContext call) throws Exception {
    Handler h = handlers.get(handlerName(m));
    if (h != null) {
      return h.fn().apply(input, call);
    }
    Value impl = implementation(m);
    if (impl == null) {
      throw new AgoraError.ProviderError(
          m.id(),
          "no local function named '"
              + handlerName(m)
              + "' is registered, and the manifest has no RTFS implementation",
          null);
    }
    return runRtfs(m, impl, input, call);
  }

  /**
   * Runs the RTFS implementation of a {@code remote-rtfs} manifest on this node, for the peer that
   * sent it the call (issue 18): as a local one runs, its calls through this node's call path.
   */
  public Value runRemote(CapabilityManifest m, Value input, CallContext call, int depth) {
    if (!(m.provider() instanceof ProviderSpec.RemoteRtfs r)) {
      throw new AgoraError.ProviderError(m.id(), "its provider is not remote-rtfs", null);
    }
    return compiled(m, r.implementation()).apply(input, call, depth);
  }

  /**
   * How deep, on this thread, capabilities implemented in RTFS are calling each other: what a call
   * sent to another node carries, so that the limit holds across nodes.
   */
  public static int depth() {
    return RtfsImplementation.depth();
  }

  private Value runRtfs(CapabilityManifest m, Value impl, Value input, CallContext call) {
    return compiled(m, impl).apply(input, call);
  }

  private RtfsImplementation compiled(CapabilityManifest m, Value impl) {
    String key =
        m.id()
            + "@"
            + m.version()
            + "#"
            + (m.provenance() == null ? "" : m.provenance().contentHash());
    RtfsImplementation fn = compiled.get(key);
    if (fn == null) {
      fn = RtfsImplementation.compile(m, impl, maxMemory, r -> calls.apply(r));
      compiled.put(key, fn);
    }
    return fn;
  }

  private static Value implementation(CapabilityManifest m) {
    return m.provider() instanceof ProviderSpec.Local l ? l.options().get("implementation") : null;
  }

  /** The handler a manifest names: its {@code handler}, or its id. */
  public static String handlerName(CapabilityManifest m) {
    return m.provider() instanceof ProviderSpec.Local l && l.handler() != null
        ? l.handler()
        : m.id();
  }
}
