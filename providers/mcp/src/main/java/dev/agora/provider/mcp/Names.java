package dev.agora.provider.mcp;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Capability ids for one server's tools, resources and prompts, stable and unique: a name keeps its
 * characters if they are letters, digits, {@code _} or {@code -}, any other becomes {@code _}; a
 * name that lands on an id already taken (in this listing) gets {@code _2}, {@code _3} …, in the
 * server's order. Over-long names are cut and suffixed with a hash of the original.
 */
final class Names {

  private static final int MAX = dev.agora.core.manifest.Ids.MAX_LENGTH;

  private final String prefix;
  private final Set<String> taken = new HashSet<>();
  private final Map<String, String> byName = new HashMap<>();

  /** Ids under {@code prefix}, e.g. {@code mcp.everything.} or {@code mcp.everything.resource.}. */
  Names(String prefix) {
    this.prefix = prefix;
  }

  /** The id for {@code name} (the same one when asked again). */
  String id(String name) {
    return byName.computeIfAbsent(
        name,
        n -> {
          String base = prefix + clean(n);
          if (base.length() > MAX - 12) {
            base = base.substring(0, MAX - 12) + "_" + Integer.toHexString(n.hashCode());
          }
          String id = base;
          for (int k = 2; !taken.add(id); k++) {
            id = base + "_" + k;
          }
          return id;
        });
  }

  static String clean(String name) {
    StringBuilder sb = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      sb.append(c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '-') ? c : '_');
    }
    return sb.isEmpty() ? "_" : sb.toString();
  }
}
