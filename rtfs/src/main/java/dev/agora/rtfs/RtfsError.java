package dev.agora.rtfs;

/**
 * The one exception RTFS raises: a kind, a message a person understands, the source position (when
 * known) and optional data (the value given to {@code throw}, a capability's error details).
 *
 * <p>Stack traces are not filled in: RTFS errors are part of normal control flow ({@code
 * try}/{@code catch}) and must stay cheap. The position says where in the RTFS source.
 */
public final class RtfsError extends RuntimeException {

  private final ErrorKind kind;
  private final SourcePos pos;
  private final Value data;

  public RtfsError(ErrorKind kind, String message, SourcePos pos, Value data) {
    super(message, null, false, false);
    this.kind = kind;
    this.pos = pos;
    this.data = data == null ? Value.NIL : data;
  }

  public RtfsError(ErrorKind kind, String message, SourcePos pos) {
    this(kind, message, pos, Value.NIL);
  }

  /**
   * An error without a position yet; the evaluator adds the position of the form that raised it.
   */
  public RtfsError(ErrorKind kind, String message) {
    this(kind, message, null, Value.NIL);
  }

  /** What kind of error this is. */
  public ErrorKind kind() {
    return kind;
  }

  /** Where it happened, or null when unknown. */
  public SourcePos pos() {
    return pos;
  }

  /** Extra data carried by the error ({@code nil} when none). */
  public Value data() {
    return data;
  }

  /** This error placed at {@code where}, unless it already has a position. */
  public RtfsError at(SourcePos where) {
    return pos != null || where == null ? this : new RtfsError(kind, getMessage(), where, data);
  }

  /** One line: {@code <Kind> at <source:line:col>: <message>}. */
  public String describe() {
    return kind + (pos == null ? "" : " at " + pos) + ": " + getMessage();
  }

  @Override
  public String toString() {
    return describe();
  }

  // ---- Factories for the common kinds ----

  public static RtfsError type(String message) {
    return new RtfsError(ErrorKind.TypeError, message);
  }

  public static RtfsError arity(String message) {
    return new RtfsError(ErrorKind.ArityError, message);
  }

  public static RtfsError invalid(String message) {
    return new RtfsError(ErrorKind.InvalidArgument, message);
  }

  public static RtfsError limit(String message) {
    return new RtfsError(ErrorKind.LimitExceeded, message);
  }

  public static RtfsError parse(String message, SourcePos pos) {
    return new RtfsError(ErrorKind.ParseError, message, pos);
  }
}
