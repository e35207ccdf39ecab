package dev.agora.rtfs;

/**
 * Bytes that {@link Binary#decode} cannot read: truncated, malformed or over a limit. The message
 * says what is wrong and ends with the byte offset where it was found ({@code … at byte 7}).
 */
public final class BinaryFormatException extends RuntimeException {

  private final int offset;

  public BinaryFormatException(String problem, int offset) {
    super(problem + " at byte " + offset);
    this.offset = offset;
  }

  /** The offset in the input of the byte where the problem was found. */
  public int offset() {
    return offset;
  }
}
