package dev.agora.core.call;

import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.spi.Downstream;
import dev.agora.rtfs.Value;
import java.time.Duration;
import java.util.Objects;

/**
 * One capability call, as every surface — an RTFS {@code (call …)}, the CLI, the MCP endpoint, the
 * REST API — hands it to the {@link CallPath}.
 *
 * @param capabilityId the id to resolve
 * @param version a version or range ({@code 1.2.0}, {@code ^1.2}), or null for the highest
 * @param input the arguments (checked against the input schema)
 * @param caller who is calling
 * @param parentId the enclosing event (a plan step), or null
 * @param planId the plan this call belongs to, or null
 * @param timeout this call's own deadline, or null (narrower deadlines still apply)
 * @param downstream the client that made the call, if it can take part in it (an MCP session)
 */
public record CallRequest(
    String capabilityId,
    String version,
    Value input,
    SecurityContext caller,
    String parentId,
    String planId,
    Duration timeout,
    Downstream downstream) {

  public CallRequest {
    Objects.requireNonNull(capabilityId, "capabilityId");
    Objects.requireNonNull(caller, "caller");
    input = input == null ? Value.NIL : input;
    downstream = downstream == null ? Downstream.NONE : downstream;
  }

  /** A call without a client that can take part in it. */
  public CallRequest(
      String capabilityId,
      String version,
      Value input,
      SecurityContext caller,
      String parentId,
      String planId,
      Duration timeout) {
    this(capabilityId, version, input, caller, parentId, planId, timeout, Downstream.NONE);
  }

  /** A call with no version, parent, plan or own deadline. */
  public static CallRequest of(String id, Value input, SecurityContext caller) {
    return new CallRequest(id, null, input, caller, null, null, null);
  }

  public CallRequest withTimeout(Duration t) {
    return new CallRequest(capabilityId, version, input, caller, parentId, planId, t, downstream);
  }

  /** This call, made by {@code client} (progress and its requests go there). */
  public CallRequest withDownstream(Downstream client) {
    return new CallRequest(capabilityId, version, input, caller, parentId, planId, timeout, client);
  }
}
