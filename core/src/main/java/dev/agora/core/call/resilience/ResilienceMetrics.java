package dev.agora.core.call.resilience;

/** Where the resilience stage counts what it did: the call path's meters. */
public interface ResilienceMetrics {

  /** The state values of {@code agora_circuit_state}. */
  int CLOSED = 0;

  int OPEN = 1;
  int HALF_OPEN = 2;

  void retried(String id, String provider);

  void cacheHit(String id, String provider);

  void fallback(String id, String provider);

  void circuit(String id, String provider, int state);
}
