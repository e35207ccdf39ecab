package dev.agora.provider.mcp;

import dev.agora.core.spi.Redactor;
import io.modelcontextprotocol.json.McpJsonMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A server's tools, resources and prompts with its secrets taken out. What a server lists becomes
 * manifests — registered, recorded in the Causal Chain, shown to every caller of the gateway — so a
 * server that puts the token it was given into a description or a schema must not publish it (issue
 * 11): each string and map key of an item, as the SDK's JSON mapper sees it, gets {@code
 * [redacted:NAME]} for each spelling of each secret. Items without a secret are returned as they
 * are; without secrets the list is.
 */
final class RedactedListing {

  private RedactedListing() {}

  static <T> List<T> of(List<T> items, Redactor secrets, McpJsonMapper json) {
    if (secrets.isEmpty()) {
      return items;
    }
    List<T> out = new ArrayList<>(items.size());
    for (T item : items) {
      Object tree = json.convertValue(item, Object.class);
      Object clean = redact(tree, secrets);
      @SuppressWarnings("unchecked") // converted back to the item's own class
      T same = clean == tree ? item : (T) json.convertValue(clean, item.getClass());
      out.add(same);
    }
    return out;
  }

  /** The tree with every string redacted; the same object when nothing changed. */
  private static Object redact(Object node, Redactor secrets) {
    return switch (node) {
      case String s -> secrets.redact(s);
      case Map<?, ?> map -> {
        Map<Object, Object> out = new LinkedHashMap<>();
        boolean changed = false;
        for (Map.Entry<?, ?> e : map.entrySet()) {
          Object k = redact(e.getKey(), secrets);
          Object v = redact(e.getValue(), secrets);
          changed |= k != e.getKey() || v != e.getValue();
          out.put(k, v);
        }
        yield changed ? out : map;
      }
      case List<?> list -> {
        List<Object> out = new ArrayList<>(list.size());
        boolean changed = false;
        for (Object item : list) {
          Object r = redact(item, secrets);
          changed |= r != item;
          out.add(r);
        }
        yield changed ? out : list;
      }
      case null, default -> node; // numbers, booleans, null: nothing to hide
    };
  }
}
