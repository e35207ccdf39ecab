package dev.agora.core.call;

import dev.agora.core.call.resilience.GuardedCall;
import dev.agora.core.call.resilience.Resilience;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.rtfs.Value;
import java.time.Duration;
import java.util.function.Function;

/**
 * The Resilience stage: asks {@link Resilience} for the capability's guards and, only when some
 * apply, runs the call through them — a retry runs the rest of the path again, a fallback goes
 * through the whole path as a call of its own. Without guards the call passes on with nothing
 * allocated.
 */
final class Guarded implements Stage {

  private final Resilience resilience;
  private final Function<CallRequest, Value> path;

  Guarded(Resilience resilience, Function<CallRequest, Value> path) {
    this.resilience = resilience;
    this.path = path;
  }

  @Override
  public Value apply(Call call, Next next) {
    Resilience.Guards g = resilience.guards(call.manifest);
    return g == null ? next.invoke(call) : g.apply(new Attempt(call, next));
  }

  /** The call as the guards see it. */
  private final class Attempt implements GuardedCall {
    private final Call call;
    private final Next next;

    Attempt(Call call, Next next) {
      this.call = call;
      this.next = next;
    }

    @Override
    public CapabilityManifest manifest() {
      return call.manifest;
    }

    @Override
    public Value input() {
      return call.request.input();
    }

    @Override
    public String callId() {
      return call.callId;
    }

    @Override
    public String planId() {
      return call.request.planId();
    }

    @Override
    public String caller() {
      return call.request.caller().identity();
    }

    @Override
    public Duration remaining() {
      return call.remaining();
    }

    @Override
    public Duration elapsed() {
      return Duration.ofNanos(call.elapsed());
    }

    @Override
    public Value proceed() {
      return next.invoke(call);
    }

    @Override
    public Value fallback(String id, Duration timeout) {
      CallRequest r = call.request;
      return path.apply(
          new CallRequest(
              id, null, r.input(), r.caller(), call.callId, r.planId(), timeout, r.downstream()));
    }

    @Override
    public void note(String key, Value value) {
      call.note(key, value);
    }
  }
}
