package dev.agora.core.call.resilience;

import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.rtfs.Value;
import java.time.Duration;

/**
 * What the resilience stage needs of a call on the call path: what is called and by whom, the time
 * left, a way to run the rest of the path (again, for a retry) and to call a fallback through the
 * whole path, and notes for the call's result record.
 */
public interface GuardedCall {

  CapabilityManifest manifest();

  Value input();

  /**
   * The id of the call's {@code CapabilityCall} action: the parent of its retries and fallbacks.
   */
  String callId();

  String planId();

  /** Who is calling (the security context's identity). */
  String caller();

  /** Time left before the deadline (zero or negative once it has passed). */
  Duration remaining();

  /** How long the call has been on the path. */
  Duration elapsed();

  /** Runs the rest of the path — the provider — once more. */
  Value proceed();

  /** Calls {@code id} with this call's input, as this call's caller, through the whole path. */
  Value fallback(String id, Duration timeout);

  /** Notes {@code key} on the call's result record ({@code :cache :hit}, {@code :attempts 3} …). */
  void note(String key, Value value);
}
