package dev.agora.provider.remote;

import dev.agora.core.call.policy.Egress;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.spi.CallContext;
import dev.agora.rtfs.Value;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** One call: its ids, a deadline on the wall clock, its egress policy, and the notes it got. */
class TestCall implements CallContext {

  /** Loopback allowed as a private host, as {@code policy.egress.private: [127.0.0.1]} says. */
  static final Egress LOOPBACK = new Egress(List.of("*"), List.of("127.0.0.1"));

  final String callId = "call-" + UUID.randomUUID();
  final String capabilityId;
  final Duration timeout;
  final Instant deadline;
  final Egress egress;
  private final List<Map.Entry<String, Value>> notes = new ArrayList<>();

  TestCall(String capabilityId, Duration timeout, Egress egress) {
    this.capabilityId = capabilityId;
    this.timeout = timeout;
    this.deadline = Instant.now().plus(timeout);
    this.egress = egress;
  }

  TestCall(String capabilityId) {
    this(capabilityId, Duration.ofSeconds(20), Egress.DEFAULT);
  }

  @Override
  public String callId() {
    return callId;
  }

  @Override
  public String capabilityId() {
    return capabilityId;
  }

  @Override
  public SecurityContext caller() {
    return SecurityContext.full("t");
  }

  @Override
  public String planId() {
    return "plan-7";
  }

  @Override
  public Duration remaining() {
    return Duration.between(Instant.now(), deadline);
  }

  @Override
  public Duration timeout() {
    return timeout;
  }

  @Override
  public Egress egress() {
    return egress;
  }

  @Override
  public synchronized void note(String key, Value value) {
    notes.add(Map.entry(key, value));
  }

  /** The notes, in the order they were made. */
  synchronized List<Map.Entry<String, Value>> notes() {
    return List.copyOf(notes);
  }

  /** The last value noted under {@code key}, or null. */
  synchronized Value note(String key) {
    Value v = null;
    for (Map.Entry<String, Value> e : notes) {
      if (e.getKey().equals(key)) {
        v = e.getValue();
      }
    }
    return v;
  }
}
