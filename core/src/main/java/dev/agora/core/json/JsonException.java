package dev.agora.core.json;

/** JSON that cannot be read, or a value that has no JSON form; the message says which and where. */
public final class JsonException extends RuntimeException {
  public JsonException(String message) {
    super(message, null, false, false);
  }
}
