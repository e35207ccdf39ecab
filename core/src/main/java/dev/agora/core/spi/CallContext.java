package dev.agora.core.spi;

import dev.agora.core.call.policy.Egress;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.rtfs.Value;
import java.time.Duration;

/** What a provider may know about the call it is executing. */
public interface CallContext {

  /** The id of this call's {@code CapabilityCall} event. */
  String callId();

  /** The capability being called. */
  String capabilityId();

  /** Who is calling. */
  SecurityContext caller();

  /** The plan this call belongs to, or null. */
  String planId();

  /** The time left before the deadline (zero or negative once it has passed). */
  Duration remaining();

  /** The whole time the call was given (for Timeout errors). */
  default Duration timeout() {
    return remaining();
  }

  /** Where remote providers may send this call's requests: check every target and redirect hop. */
  default Egress egress() {
    return Egress.DEFAULT;
  }

  /**
   * Tells the call path which secrets this call carries (a token, a key, an MCP server's env and
   * headers): whatever leaves the provider — its result, its error — shows {@code [redacted:name]}
   * instead, before it is cached, validated, recorded or returned. A provider must declare every
   * secret it sends, since an upstream may echo it back.
   */
  default void usedSecrets(Redactor secrets) {}

  /**
   * The client that made this call, to pass on progress and the upstream's requests of it ({@link
   * Downstream#NONE} when there is none).
   */
  default Downstream downstream() {
    return Downstream.NONE;
  }

  /**
   * Adds {@code key} → {@code value} to the metadata of this call's {@code CapabilityResult} in the
   * Causal Chain: what the provider did besides answering (e.g. the requests an MCP upstream made
   * of the caller during the call). Never a secret.
   */
  default void note(String key, Value value) {}
}
