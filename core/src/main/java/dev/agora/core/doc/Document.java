package dev.agora.core.doc;

import dev.agora.rtfs.Value;
import java.util.List;
import java.util.Map;

/**
 * A parsed file: its content as an RTFS value and the line of every value in it, by path (the keys
 * and indexes from the root). Manifest and configuration readers use the positions to name the line
 * of a bad field.
 */
public record Document(String file, Value root, Map<List<Value>, Integer> lines) {

  /** The line of the value at {@code path}, or of its nearest ancestor; 0 if unknown. */
  public int line(List<Value> path) {
    for (int n = path.size(); n >= 0; n--) {
      Integer line = lines.get(path.subList(0, n));
      if (line != null) {
        return line;
      }
    }
    return 0;
  }

  /** A problem at {@code path}, naming its line and field. */
  public DocumentProblem problem(List<Value> path, String message) {
    return new DocumentProblem(file, line(path), Paths.text(path), message);
  }
}
