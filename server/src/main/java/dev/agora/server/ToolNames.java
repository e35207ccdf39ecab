package dev.agora.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * MCP tool names for capability ids. MCP names are 1–128 characters of letters, digits, {@code _},
 * {@code -} and {@code .}; most ids already are, and keep their name. A {@code :} or {@code /}
 * (versioned ids) becomes {@code _}; a name that would collide gets {@code _2}, {@code _3} …; one
 * too long is cut and suffixed with a hash of the id. Stable while the process runs.
 */
final class ToolNames {

  private static final int MAX = 128;

  private final Map<String, String> byId = new ConcurrentHashMap<>();
  private final Map<String, String> byName = new ConcurrentHashMap<>();

  /** The tool name of a capability (assigned on first use). */
  synchronized String name(String id) {
    String known = byId.get(id);
    if (known != null) {
      return known;
    }
    String base = id.replace(':', '_').replace('/', '_');
    if (base.length() > MAX) {
      base = base.substring(0, MAX - 9) + "_" + String.format("%08x", id.hashCode());
    }
    String name = base;
    for (int k = 2; byName.containsKey(name); k++) {
      String suffix = "_" + k;
      name =
          (base.length() + suffix.length() > MAX ? base.substring(0, MAX - suffix.length()) : base)
              + suffix;
    }
    byId.put(id, name);
    byName.put(name, id);
    return name;
  }

  /** The capability id behind a tool name, or null. */
  String id(String name) {
    return byName.get(name);
  }
}
