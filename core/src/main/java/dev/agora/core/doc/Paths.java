package dev.agora.core.doc;

import dev.agora.rtfs.Value;
import java.util.List;

/** Paths in documents, printed as a person writes them: {@code policy.namespaces.ccos.deny[1]}. */
public final class Paths {

  private Paths() {}

  public static String text(List<Value> path) {
    StringBuilder sb = new StringBuilder();
    for (Value segment : path) {
      switch (segment) {
        case Value.Int i -> sb.append('[').append(i.value()).append(']');
        case Value.Keyword k -> sb.append(sb.isEmpty() ? "" : ".").append(k.name());
        case Value.Str s -> sb.append(sb.isEmpty() ? "" : ".").append(s.value());
        default -> sb.append(sb.isEmpty() ? "" : ".").append(segment);
      }
    }
    return sb.toString();
  }
}
