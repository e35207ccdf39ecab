package dev.agora.core.error;

/**
 * Whose fault a failed call is. Only {@link #PROVIDER} faults count against a capability's circuit
 * breaker: before issue 12 any provider error did, so twenty calls whose input made the upstream
 * answer 400 opened the circuit for every caller for 30 s. Which kind an error is, is decided where
 * it is made, by its type and factory — never by reading its message.
 */
public enum Fault {
  /**
   * The provider, or the way to it, failed: an HTTP 5xx, 408 or 429, a timeout, a refused or reset
   * connection, an unresolvable host, an answer that is not what it claims to be.
   */
  PROVIDER,
  /**
   * What the caller asked for was refused: the input schema, the policy, or the upstream itself (an
   * HTTP 4xx, a tool that reports an error, invalid-params). The provider is healthy; the caller
   * must change the call.
   */
  CALLER,
  /**
   * Agora refused or failed on its own: an open circuit, a full limit, the chain not recording. It
   * says nothing about the provider either.
   */
  AGORA;

  /** Whether this failure is evidence that the provider is unhealthy (what a breaker counts). */
  public boolean countsAgainstProvider() {
    return this == PROVIDER;
  }
}
