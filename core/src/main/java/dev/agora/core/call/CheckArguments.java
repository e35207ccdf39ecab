package dev.agora.core.call;

import dev.agora.core.approval.Approvals;
import dev.agora.core.call.policy.ArgumentRule;
import dev.agora.core.call.policy.Authorize;
import dev.agora.core.error.AgoraError;
import dev.agora.rtfs.Value;

/**
 * Once the input is known to be valid: the argument-aware rules ({@code policy.rules}) — one that
 * denies the call (or cannot be evaluated) refuses it, and its name goes into the recorded outcome
 * ({@code rule}) as well as the error — then, when a rule or the manifest ({@code approval:
 * required}) asks for it, a human's approval of exactly this call ({@link Approvals#admit}).
 */
final class CheckArguments implements Stage {

  /** What asks for approval when the manifest does. */
  static final String MANIFEST_APPROVAL = "approval: required";

  private final Authorize authorize;
  private final Approvals approvals;

  CheckArguments(Authorize authorize, Approvals approvals) {
    this.authorize = authorize;
    this.approvals = approvals;
  }

  @Override
  public Value apply(Call call, Next next) {
    CallRequest r = call.request;
    ArgumentRule rule;
    try {
      rule = authorize.checkArguments(call.manifest, r.input(), r.caller());
    } catch (AgoraError.AccessDenied e) {
      call.note("rule", Value.of(e.rule()));
      throw e;
    }
    String why =
        rule != null
            ? rule.toString()
            : call.manifest.approvalRequired() ? MANIFEST_APPROVAL : null;
    if (why != null) {
      call.note("approval_for", Value.of(why));
      approvals.admit(
          call.manifest, r.input(), r.caller().identity(), why, call.callId, r.planId());
    }
    return next.invoke(call);
  }
}
