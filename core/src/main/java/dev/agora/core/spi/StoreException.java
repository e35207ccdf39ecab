package dev.agora.core.spi;

/**
 * A store could not be opened, read or written: which store, what operation, and the cause's
 * message.
 */
public final class StoreException extends RuntimeException {

  public StoreException(String message, Throwable cause) {
    super(
        cause == null || cause.getMessage() == null ? message : message + ": " + cause.getMessage(),
        cause);
  }

  public StoreException(String message) {
    super(message);
  }
}
