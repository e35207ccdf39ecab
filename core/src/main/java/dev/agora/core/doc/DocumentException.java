package dev.agora.core.doc;

import java.util.List;

/** A file that cannot be used: every problem found, each with file, line and field. */
public final class DocumentException extends RuntimeException {

  private final List<DocumentProblem> problems;

  public DocumentException(List<DocumentProblem> problems) {
    super(
        String.join("\n", problems.stream().map(DocumentProblem::toString).toList()),
        null,
        false,
        false);
    this.problems = List.copyOf(problems);
  }

  public DocumentException(DocumentProblem problem) {
    this(List.of(problem));
  }

  public List<DocumentProblem> problems() {
    return problems;
  }
}
