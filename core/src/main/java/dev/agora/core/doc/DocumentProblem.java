package dev.agora.core.doc;

/**
 * One thing wrong with a file: where (file, line — 0 when unknown), which field or key (its dotted
 * path, empty for the file itself), and what.
 */
public record DocumentProblem(String file, int line, String field, String message) {

  /** {@code agora.yaml:12: policy.deny[1]: 'ccos..x' is not a valid pattern}. */
  @Override
  public String toString() {
    return file
        + (line > 0 ? ":" + line : "")
        + ": "
        + (field.isEmpty() ? "" : field + ": ")
        + message;
  }
}
