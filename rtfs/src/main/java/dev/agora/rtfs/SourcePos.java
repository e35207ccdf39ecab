package dev.agora.rtfs;

/**
 * Where a piece of RTFS source came from: a source name (a file path, {@code <expr>}, {@code
 * <repl>}) and a 1-based line and column. Every form, node and error carries one.
 */
public record SourcePos(String source, int line, int column) {

  /** {@code source:line:column}, the form the CLI prints. */
  @Override
  public String toString() {
    return source + ":" + line + ":" + column;
  }

  /** {@code line:column}, for messages that already name the source. */
  public String lineColumn() {
    return line + ":" + column;
  }
}
