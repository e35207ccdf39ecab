package dev.agora.core.call;

import dev.agora.chain.Receipt;
import dev.agora.core.call.policy.Egress;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.spi.CallContext;
import dev.agora.core.spi.Downstream;
import dev.agora.core.spi.Redactor;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.time.Duration;
import java.util.function.LongSupplier;

/** The state of one call as it passes the stages: what each stage found out for the next. */
final class Call implements CallContext {

  final CallRequest request;
  final LongSupplier ticker;
  final long started;
  String callId;
  CapabilityManifest manifest;

  /** The deadline on the ticker's scale, and the length it was derived from. */
  long deadline = Long.MAX_VALUE;

  Duration timeout;

  /** What the resilience stage noted (cache hit, attempts, fallback …), for the result's record. */
  private Dict.Builder notes;

  /** The policy's egress rules at the time the call was governed. */
  Egress egress = Egress.DEFAULT;

  /** Whether the surface asked for a receipt, and the receipt made for it (issue 14). */
  boolean wantsReceipt;

  Receipt receipt;

  /** The secrets the provider said this call carries (set on the provider's thread). */
  private volatile Redactor secrets = Redactor.NONE;

  Call(CallRequest request, LongSupplier ticker) {
    this.request = request;
    this.ticker = ticker;
    this.started = ticker.getAsLong();
  }

  @Override
  public String callId() {
    return callId;
  }

  @Override
  public String capabilityId() {
    return request.capabilityId();
  }

  @Override
  public SecurityContext caller() {
    return request.caller();
  }

  @Override
  public String planId() {
    return request.planId();
  }

  @Override
  public Duration remaining() {
    return Duration.ofNanos(deadline - ticker.getAsLong());
  }

  @Override
  public Duration timeout() {
    return timeout == null ? remaining() : timeout;
  }

  @Override
  public Downstream downstream() {
    return request.downstream();
  }

  @Override
  public Egress egress() {
    return egress;
  }

  @Override
  public synchronized void usedSecrets(Redactor more) {
    secrets = secrets.with(more);
  }

  /** What must not leave the provider. */
  Redactor secrets() {
    return secrets;
  }

  @Override
  public synchronized void note(String key, Value value) {
    if (notes == null) {
      notes = Dict.builder();
    }
    notes.put(key, value);
  }

  /** The notes, or null when there are none. */
  synchronized Dict notes() {
    return notes == null ? null : notes.build();
  }

  /** Nanoseconds since the call entered the path. */
  long elapsed() {
    return ticker.getAsLong() - started;
  }
}
