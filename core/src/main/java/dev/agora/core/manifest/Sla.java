package dev.agora.core.manifest;

import java.time.Duration;

/**
 * What the provider promises: the cost of a call (in the operator's currency unit), the expected
 * latency, and how confident the provider is in both (0..1).
 */
public record Sla(double costPerCall, Duration expectedLatency, double confidence) {

  /** No promise: free, unknown latency, no confidence. */
  public static final Sla NONE = new Sla(0, null, 0);
}
