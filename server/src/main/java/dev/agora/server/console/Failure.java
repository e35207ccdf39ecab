package dev.agora.server.console;

/** A request the console answers with an error page: its status and a message for the caller. */
final class Failure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;

  Failure(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  int status() {
    return status;
  }

  static Failure notFound(String what) {
    return new Failure(404, what + " is not here, or not for you to see");
  }
}
