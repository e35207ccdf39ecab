package dev.agora.core.error;

import dev.agora.rtfs.Dict;
import dev.agora.rtfs.ErrorKind;
import dev.agora.rtfs.RtfsError;
import dev.agora.rtfs.SourcePos;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import dev.agora.rtfs.types.Problem;
import java.time.Duration;
import java.util.List;

/**
 * Why a capability call failed: one sealed family, each kind with the details a caller needs, and
 * each mapping once onto its RTFS error kind ({@link #toRtfs}) and, in later surfaces, onto MCP
 * {@code isError} results and HTTP statuses. Stack traces are skipped: refusals are routine and
 * must stay cheap; a {@link ProviderError} keeps its cause.
 */
public abstract sealed class AgoraError extends RuntimeException {

  private final String capabilityId;

  AgoraError(String capabilityId, String message, Throwable cause) {
    super(message, cause, false, false);
    this.capabilityId = capabilityId;
  }

  /** The capability the call was for. */
  public String capabilityId() {
    return capabilityId;
  }

  /** The RTFS error kind this becomes in a plan. */
  public abstract ErrorKind kind();

  /**
   * Whose fault the failure is; only {@link Fault#PROVIDER} counts against the capability's circuit
   * breaker.
   */
  public abstract Fault fault();

  /** Structured details, for {@code (:data e)} in RTFS and structured error results elsewhere. */
  public Dict data() {
    return Dict.builder()
        .put("capability", Value.of(capabilityId))
        .put("kind", Value.keyword(kind().name()))
        .build();
  }

  /** This error as an RTFS error raised at {@code pos}. */
  public RtfsError toRtfs(SourcePos pos) {
    return new RtfsError(kind(), getMessage(), pos, data());
  }

  // ---- The kinds ----

  /** No capability has this id (or none matches the version asked for). */
  public static final class NotFound extends AgoraError {
    private final List<String> suggestions;

    public NotFound(String id, String version, List<String> suggestions) {
      super(
          id,
          "no capability '"
              + id
              + "'"
              + (version == null ? "" : " matching version " + version)
              + (suggestions.isEmpty()
                  ? ""
                  : "; did you mean " + String.join(", ", suggestions) + "?"),
          null);
      this.suggestions = List.copyOf(suggestions);
    }

    /** Registered ids close to the one asked for. */
    public List<String> suggestions() {
      return suggestions;
    }

    @Override
    public ErrorKind kind() {
      return ErrorKind.NotFound;
    }

    @Override
    public Fault fault() {
      return Fault.CALLER;
    }

    @Override
    public Dict data() {
      return super.data()
          .assoc(
              Value.keyword("suggestions"), Vec.of(suggestions.stream().map(Value::of).toList()));
    }
  }

  /** The isolation policy refused the call; {@link #rule()} names the rule that did. */
  public static final class AccessDenied extends AgoraError {
    private final String rule;

    public AccessDenied(String id, String rule) {
      super(id, "capability '" + id + "' is denied by " + rule, null);
      this.rule = rule;
    }

    /** Denied by {@code rule} for a reason only known at call time (e.g. where a host resolves). */
    public AccessDenied(String id, String reason, String rule) {
      super(id, "capability '" + id + "' is denied by " + rule + ": " + reason, null);
      this.rule = rule;
    }

    public String rule() {
      return rule;
    }

    @Override
    public ErrorKind kind() {
      return ErrorKind.AccessDenied;
    }

    @Override
    public Fault fault() {
      return Fault.CALLER;
    }

    @Override
    public Dict data() {
      return super.data().assoc(Value.keyword("rule"), Value.of(rule));
    }
  }

  /**
   * The call needs a human's approval (the capability says {@code approval: required}, or a policy
   * rule requires it), which it does not have yet. The message starts {@code approval required:
   * ID}; once an operator approves ID, the same caller retries with the same arguments — once.
   */
  public static final class ApprovalRequired extends AgoraError {
    private final String approvalId;

    public ApprovalRequired(String id, String approvalId, String why) {
      super(
          id,
          "approval required: "
              + approvalId
              + " (capability '"
              + id
              + "' needs a human's approval: "
              + why
              + "; once `agora approvals approve "
              + approvalId
              + "` is run, call again with the same arguments)",
          null);
      this.approvalId = approvalId;
    }

    /** The approval to ask an operator for. */
    public String approvalId() {
      return approvalId;
    }

    @Override
    public ErrorKind kind() {
      return ErrorKind.AccessDenied;
    }

    @Override
    public Fault fault() {
      return Fault.CALLER;
    }

    @Override
    public Dict data() {
      return super.data().assoc(Value.keyword("approval"), Value.of(approvalId));
    }
  }

  /** The caller's security context does not allow this capability. */
  public static final class SecurityViolation extends AgoraError {
    private final String caller;

    public SecurityViolation(String id, String caller, String reason) {
      super(id, "caller '" + caller + "' may not call '" + id + "': " + reason, null);
      this.caller = caller;
    }

    public String caller() {
      return caller;
    }

    @Override
    public ErrorKind kind() {
      return ErrorKind.SecurityViolation;
    }

    @Override
    public Fault fault() {
      return Fault.CALLER;
    }
  }

  /** The arguments do not satisfy the input schema; every problem, each with its path. */
  public static final class InvalidInput extends AgoraError {
    private final List<Problem> problems;

    public InvalidInput(String id, List<Problem> problems) {
      super(id, "invalid input for '" + id + "': " + join(problems), null);
      this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
      return problems;
    }

    @Override
    public ErrorKind kind() {
      return ErrorKind.InvalidInput;
    }

    @Override
    public Fault fault() {
      return Fault.CALLER;
    }

    @Override
    public Dict data() {
      return super.data().assoc(Value.keyword("problems"), problemsValue(problems));
    }
  }

  /** The provider's result does not satisfy the output schema. */
  public static final class InvalidOutput extends AgoraError {
    private final List<Problem> problems;

    public InvalidOutput(String id, List<Problem> problems) {
      super(id, "invalid output from '" + id + "': " + join(problems), null);
      this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
      return problems;
    }

    @Override
    public ErrorKind kind() {
      return ErrorKind.InvalidOutput;
    }

    @Override
    public Fault fault() {
      return Fault.PROVIDER;
    }

    @Override
    public Dict data() {
      return super.data().assoc(Value.keyword("problems"), problemsValue(problems));
    }
  }

  /** The call did not finish within its deadline; the provider was interrupted. */
  public static final class Timeout extends AgoraError {
    private final Duration deadline;

    public Timeout(String id, Duration deadline) {
      super(id, "capability '" + id + "' did not finish within " + millis(deadline), null);
      this.deadline = deadline;
    }

    public Duration deadline() {
      return deadline;
    }

    @Override
    public ErrorKind kind() {
      return ErrorKind.Timeout;
    }

    @Override
    public Fault fault() {
      return Fault.PROVIDER;
    }
  }

  /**
   * The caller gave up on the call while it ran — its thread was interrupted: an MCP client sent
   * {@code notifications/cancelled} or closed its session, or the process is stopping. The provider
   * was interrupted (and told its upstream); the call is the caller's doing, so it never counts
   * against the circuit breaker.
   */
  public static final class Cancelled extends AgoraError {
    public Cancelled(String id, String reason) {
      super(id, "capability '" + id + "' was cancelled: " + reason, null);
    }

    @Override
    public ErrorKind kind() {
      return ErrorKind.Cancelled;
    }

    @Override
    public Fault fault() {
      return Fault.CALLER;
    }
  }

  /** A concurrency limit refused the call. */
  public static final class LimitExceeded extends AgoraError {
    public LimitExceeded(String id, String limit) {
      super(id, "capability '" + id + "' refused: " + limit, null);
    }

    @Override
    public ErrorKind kind() {
      return ErrorKind.LimitExceeded;
    }

    @Override
    public Fault fault() {
      return Fault.AGORA;
    }
  }

  /**
   * The provider failed, or refused the call; the cause is kept for logs (its message is in this
   * error's message). Whether it counts against the provider's circuit breaker is its {@link
   * #fault}, fixed by the factory that made it: the constructor and {@link #transientFailure} are
   * the provider's fault, {@link #refused} the caller's.
   */
  public static final class ProviderError extends AgoraError {
    private final boolean isTransient;
    private final Fault fault;

    /** The provider failed in a way that trying again will not mend (its own fault). */
    public ProviderError(String id, String message, Throwable cause) {
      this(id, "capability '" + id + "' failed: " + message, cause, false, Fault.PROVIDER);
    }

    private ProviderError(
        String id, String message, Throwable cause, boolean isTransient, Fault fault) {
      super(id, message, cause);
      this.isTransient = isTransient;
      this.fault = fault;
    }

    /**
     * A failure that may pass if the same call is made again — a 5xx, a reset or refused
     * connection, an unresolvable host — as opposed to one the caller must fix (a 4xx).
     */
    public static ProviderError transientFailure(String id, String message, Throwable cause) {
      return new ProviderError(
          id, "capability '" + id + "' failed: " + message, cause, true, Fault.PROVIDER);
    }

    /**
     * The provider answered, and refused what the caller sent — an HTTP 4xx, a tool reporting an
     * error, invalid params: the caller must change the call, and the provider is healthy, so it
     * never counts against the circuit breaker (issue 12).
     */
    public static ProviderError refused(String id, String message, Throwable cause) {
      return new ProviderError(
          id, "capability '" + id + "' failed: " + message, cause, false, Fault.CALLER);
    }

    /**
     * A copy whose message a redactor cleaned: {@code message} is taken as it is, prefix included.
     */
    public static ProviderError redacted(
        String id, String message, boolean isTransient, Fault fault, Throwable cause) {
      return new ProviderError(id, message, cause, isTransient, fault);
    }

    /**
     * The capability's circuit breaker is open: calls are refused at once until it lets a probe
     * through.
     */
    public static ProviderError circuitOpen(String id, Duration openFor) {
      return new ProviderError(
          id,
          "capability '"
              + id
              + "' failed: its circuit breaker is open after repeated failures; calls are refused"
              + " for up to "
              + millis(openFor)
              + " (resilience circuit_breaker)",
          null,
          false,
          Fault.AGORA);
    }

    /** Whether trying again may help (retries of idempotent calls look at this). */
    public boolean isTransient() {
      return isTransient;
    }

    @Override
    public Fault fault() {
      return fault;
    }

    @Override
    public ErrorKind kind() {
      return ErrorKind.ProviderError;
    }

    @Override
    public Dict data() {
      return super.data().assoc(Value.keyword("transient"), Value.of(isTransient));
    }
  }

  /**
   * The Causal Chain could not record the call. Before execution the call is refused (nothing
   * unrecorded runs); after it, the result is withheld, since it could not be acknowledged.
   */
  public static final class NotRecorded extends AgoraError {
    public NotRecorded(String id, String message, Throwable cause) {
      super(id, "capability '" + id + "': " + message, cause);
    }

    @Override
    public ErrorKind kind() {
      return ErrorKind.NotRecorded;
    }

    @Override
    public Fault fault() {
      return Fault.AGORA;
    }
  }

  // ---- Helpers ----

  private static String join(List<Problem> problems) {
    return String.join("; ", problems.stream().map(Problem::message).toList());
  }

  private static Value problemsValue(List<Problem> problems) {
    return Vec.of(
        problems.stream()
            .map(
                p ->
                    (Value)
                        Dict.builder()
                            .put("path", Vec.of(p.path()))
                            .put("expected", Value.of(p.expected()))
                            .put("found", Value.of(p.found()))
                            .build())
            .toList());
  }

  private static String millis(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }
}
