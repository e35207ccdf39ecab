package dev.agora.rtfs;

/**
 * An error as a value: what {@code (catch … e …)} binds, and what {@code (Exception. "msg")}
 * builds. {@code (:message e)}, {@code (:type e)} (a keyword such as {@code :DivisionByZero}) and
 * {@code (:data e)} read it; {@code (throw e)} raises it again.
 */
public record Err(ErrorKind kind, String message, Value data, SourcePos pos) implements Value {

  public Err {
    java.util.Objects.requireNonNull(kind);
    java.util.Objects.requireNonNull(message);
    data = data == null ? Value.NIL : data;
  }

  /** The value of a caught error. */
  public static Err of(RtfsError e) {
    return new Err(e.kind(), e.getMessage(), e.data(), e.pos());
  }

  /** The error to raise again. */
  public RtfsError toError() {
    return new RtfsError(kind, message, pos, data);
  }

  /**
   * Reads {@code :message}, {@code :type}, {@code :data} and {@code :line}/{@code :column}; null
   * otherwise.
   */
  public Value field(String name) {
    return switch (name) {
      case "message" -> Value.of(message);
      case "type" -> Value.keyword(kind.name());
      case "data" -> data;
      case "line" -> pos == null ? Value.NIL : Value.of(pos.line());
      case "column" -> pos == null ? Value.NIL : Value.of(pos.column());
      default -> null;
    };
  }

  @Override
  public String typeName() {
    return "error";
  }

  @Override
  public String toString() {
    return Printer.print(this);
  }
}
