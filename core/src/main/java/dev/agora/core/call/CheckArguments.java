package dev.agora.core.call;

import dev.agora.core.call.policy.ArgumentRule;
import dev.agora.core.call.policy.Authorize;
import dev.agora.core.error.AgoraError;
import dev.agora.rtfs.Value;

/**
 * The argument-aware rules ({@code policy.rules}), once the input is known to be valid: a rule that
 * denies the call (or cannot be evaluated) refuses it, and its name goes into the recorded outcome
 * ({@code rule}) as well as the error.
 */
final class CheckArguments implements Stage {

  private final Authorize authorize;

  CheckArguments(Authorize authorize) {
    this.authorize = authorize;
  }

  @Override
  public Value apply(Call call, Next next) {
    ArgumentRule approval;
    try {
      approval =
          authorize.checkArguments(call.manifest, call.request.input(), call.request.caller());
    } catch (AgoraError.AccessDenied e) {
      call.note("rule", Value.of(e.rule()));
      throw e;
    }
    if (approval != null) {
      call.note("rule", Value.of(approval.toString()));
      throw new AgoraError.AccessDenied(
          call.manifest.id(),
          "it needs a human's approval, which this node cannot ask for yet",
          approval.toString());
    }
    return next.invoke(call);
  }
}
