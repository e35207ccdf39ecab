package dev.agora.core.local;

import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.spi.CallContext;
import dev.agora.rtfs.Fn;
import dev.agora.rtfs.Limits;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.RtfsError;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.eval.Interpreter;
import java.time.Duration;
import java.util.List;

/**
 * A local capability written in RTFS inside its manifest: {@code provider: {type: local,
 * implementation: "(fn [input] …)"}} (in an RTFS manifest the {@code fn} form itself). The function
 * is compiled once and applied to each call's input, under the call's deadline, a step budget and
 * the memory budget of agora.yaml's {@code rtfs.max_memory_bytes}. It runs with no capability host:
 * an implementation computes, it does not call other capabilities.
 */
final class RtfsImplementation {

  /** Steps one call may take. */
  static final long MAX_STEPS = 10_000_000;

  private final String capabilityId;
  private final Interpreter rtfs;
  private final Fn fn;
  private final Limits limits;

  private RtfsImplementation(String capabilityId, Interpreter rtfs, Fn fn, Limits limits) {
    this.capabilityId = capabilityId;
    this.rtfs = rtfs;
    this.fn = fn;
    this.limits = limits;
  }

  /**
   * Compiles the manifest's {@code implementation}, whose calls may each make {@code maxMemory}
   * bytes of values; a bad one is a ProviderError naming the problem.
   */
  static RtfsImplementation compile(CapabilityManifest m, Value implementation, long maxMemory) {
    String source =
        implementation instanceof Value.Str s ? s.value() : Printer.print(implementation);
    Limits limits = Limits.DEFAULT.withMaxSteps(MAX_STEPS).withMaxMemory(maxMemory);
    Interpreter rtfs = Interpreter.builder().limits(limits).build();
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
    return new RtfsImplementation(m.id(), rtfs, f, limits);
  }

  /** Applies the function to the input within the call's remaining time. */
  Value apply(Value input, CallContext call) {
    Duration left = call.remaining();
    if (left.isNegative() || left.isZero()) {
      throw new AgoraError.Timeout(capabilityId, Duration.ZERO);
    }
    try {
      // Concurrent calls share the compiled function safely: each apply is its own evaluation, and
      // applying a defined function only reads the interpreter's globals.
      return rtfs.apply(fn, List.of(input), limits.withTimeout(left));
    } catch (RtfsError e) {
      throw new AgoraError.ProviderError(capabilityId, e.describe(), e);
    }
  }
}
