package dev.agora.core.local;

import dev.agora.core.call.CallRequest;
import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.spi.CallContext;
import dev.agora.rtfs.ErrorKind;
import dev.agora.rtfs.Fn;
import dev.agora.rtfs.Host;
import dev.agora.rtfs.Limits;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.RtfsError;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.eval.Interpreter;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * A local capability written in RTFS inside its manifest: {@code provider: {type: local,
 * implementation: "(fn [input] …)"}} (in an RTFS manifest the {@code fn} form itself). The function
 * is compiled once and applied to each call's input, under the call's deadline, a step budget and
 * the memory budget of agora.yaml's {@code rtfs.max_memory_bytes}.
 *
 * <p>Its {@code (call …)}s go through the call path like any other, under <em>context
 * inheritance</em>: the caller's security context narrowed to the capability's declared effects and
 * permissions ({@link dev.agora.core.call.policy.SecurityContext#within}), as children of the call,
 * within its deadline, at most {@link #MAX_DEPTH} deep.
 */
final class RtfsImplementation {

  /** Steps one call may take. */
  static final long MAX_STEPS = 10_000_000;

  /** How deep capabilities implemented in RTFS may call each other. */
  static final int MAX_DEPTH = 16;

  /**
   * The call an implementation is running for, on the thread running it (for its nested calls), and
   * the last nested call's error with the RTFS error it became (to give it back as itself).
   */
  private static final class Running {
    final CapabilityManifest manifest;
    final CallContext call;
    final int depth;
    RtfsError raised;
    AgoraError cause;

    Running(CapabilityManifest manifest, CallContext call, int depth) {
      this.manifest = manifest;
      this.call = call;
      this.depth = depth;
    }
  }

  private static final ThreadLocal<Running> RUNNING = new ThreadLocal<>();

  private final CapabilityManifest manifest;
  private final String capabilityId;
  private final Interpreter rtfs;
  private final Fn fn;
  private final Limits limits;

  private RtfsImplementation(CapabilityManifest manifest, Interpreter rtfs, Fn fn, Limits limits) {
    this.manifest = manifest;
    this.capabilityId = manifest.id();
    this.rtfs = rtfs;
    this.fn = fn;
    this.limits = limits;
  }

  /**
   * Compiles the manifest's {@code implementation}, whose calls may each make {@code maxMemory}
   * bytes of values; a bad one is a ProviderError naming the problem.
   */
  static RtfsImplementation compile(
      CapabilityManifest m,
      Value implementation,
      long maxMemory,
      Function<CallRequest, Value> calls) {
    String source =
        implementation instanceof Value.Str s ? s.value() : Printer.print(implementation);
    Limits limits = Limits.DEFAULT.withMaxSteps(MAX_STEPS).withMaxMemory(maxMemory);
    Interpreter rtfs = Interpreter.builder().host(c -> nested(c, calls)).limits(limits).build();
    Value v;
    try {
      v = rtfs.eval(source, m.id() + " implementation");
    } catch (RtfsError e) {
      throw new AgoraError.ProviderError(
          m.id(), "its RTFS implementation does not load: " + e.describe(), e);
    }
    if (!(v instanceof Fn f)) {
      throw new AgoraError.ProviderError(
          m.id(),
          "its RTFS implementation is "
              + Printer.describe(v)
              + ", not a function such as (fn [input] …)",
          null);
    }
    return new RtfsImplementation(m, rtfs, f, limits);
  }

  /** Applies the function to the input within the call's remaining time. */
  Value apply(Value input, CallContext call) {
    return apply(input, call, 0);
  }

  /**
   * The same, for a call that came from another node already {@code from} deep in implementations
   * calling each other (issue 18: the depth limit holds across nodes).
   */
  Value apply(Value input, CallContext call, int from) {
    Duration left = call.remaining();
    if (left.isNegative() || left.isZero()) {
      throw new AgoraError.Timeout(capabilityId, Duration.ZERO);
    }
    // Concurrent calls share the compiled function safely: each apply is its own evaluation, and
    // applying a defined function only reads the interpreter's globals.
    Running outer = RUNNING.get();
    int depth = Math.max(from, outer == null ? 0 : outer.depth) + 1;
    if (depth > MAX_DEPTH) {
      throw new AgoraError.LimitExceeded(
          capabilityId,
          "capabilities implemented in RTFS call each other more than "
              + MAX_DEPTH
              + " deep, across nodes");
    }
    Running running = new Running(manifest, call, depth);
    RUNNING.set(running);
    try {
      return rtfs.apply(fn, List.of(input), limits.withTimeout(left));
    } catch (RtfsError e) {
      if (e == running.raised) { // a nested call's refusal or failure, not the implementation's
        throw running.cause;
      }
      throw new AgoraError.ProviderError(capabilityId, e.describe(), e);
    } finally {
      RUNNING.set(outer);
    }
  }

  /** How deep the implementation running on this thread is (0: none runs). */
  static int depth() {
    Running r = RUNNING.get();
    return r == null ? 0 : r.depth;
  }

  /** A {@code (call …)} of the implementation running on this thread. */
  private static Value nested(Host.CapabilityCall c, Function<CallRequest, Value> calls) {
    Running r = RUNNING.get();
    if (r.depth >= MAX_DEPTH) {
      throw new RtfsError(
          ErrorKind.LimitExceeded,
          "capabilities implemented in RTFS call each other more than "
              + MAX_DEPTH
              + " deep (at '"
              + c.id()
              + "')",
          c.pos());
    }
    CallRequest request =
        new CallRequest(
            c.id(),
            null,
            c.input(),
            r.call.caller().within(r.manifest),
            r.call.callId(),
            r.call.planId(),
            r.call.remaining());
    try {
      return calls.apply(request);
    } catch (AgoraError e) {
      r.cause = e;
      r.raised = e.toRtfs(c.pos());
      throw r.raised;
    }
  }
}
