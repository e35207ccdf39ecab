package dev.agora.cli;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import java.util.List;

/** A unified diff of two texts, line by line (java-diff-utils), without its file header. */
final class LineDiff {

  private LineDiff() {}

  /**
   * The hunks ({@code @@ … @@}, then {@code -}, {@code +} and context lines) ending in a newline.
   */
  static String unified(String before, String after) {
    List<String> a = before.lines().toList();
    List<String> b = after.lines().toList();
    Patch<String> patch = DiffUtils.diff(a, b);
    List<String> lines = UnifiedDiffUtils.generateUnifiedDiff("pinned", "now", a, patch, 3);
    StringBuilder sb = new StringBuilder();
    lines.stream().skip(2).forEach(l -> sb.append(l).append('\n')); // our own header is printed
    return sb.toString();
  }
}
