package dev.agora.chain;

/**
 * Bytes that are not a well-formed chain entry, checkpoint, proof or export: what is wrong and
 * where.
 */
public final class ChainFormatException extends RuntimeException {

  private final int offset;

  public ChainFormatException(String message, int offset) {
    super(offset >= 0 ? message + " (at byte " + offset + ")" : message);
    this.offset = offset;
  }

  public ChainFormatException(String message) {
    this(message, -1);
  }

  /** Where in the input the problem was found; -1 when not about a byte position. */
  public int offset() {
    return offset;
  }
}
