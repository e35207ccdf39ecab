package dev.agora.provider.http;

import static dev.agora.core.json.Json.key;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON Schemas of a parsed OpenAPI document as Agora values, each with its local {@code $ref}s
 * written out in place. A reference back into a schema being written out (a recursive type) becomes
 * {@code {}}, "any", as does a reference the parser left to another file (a cycle across files).
 * The written-out schema is bounded, so that references used many times over cannot multiply it
 * without end.
 */
final class OpenApiSchemas {

  /** At most this many values in one written-out schema. */
  static final int MAX_NODES = 50_000;

  /** At most this deep once written out. */
  static final int MAX_DEPTH = 200;

  private static final String COMPONENT_SCHEMAS = "#/components/schemas/";

  private final OpenAPI api;
  private final ObjectMapper mapper;
  private final Map<String, Value> components = new HashMap<>();
  private Value document; // the whole document, for references elsewhere than its schemas

  OpenApiSchemas(OpenAPI api) {
    this.api = api;
    // the parser's own writers of its model (swagger-core's; it reads with them too)
    this.mapper =
        api.getOpenapi() != null && api.getOpenapi().startsWith("3.1")
            ? Json31.mapper()
            : Json.mapper();
  }

  /** {@code schema} with its references written out; null stays null. */
  Value inline(Schema<?> schema) {
    return schema == null ? null : new Writer().inline(value(mapper.valueToTree(schema)), 0);
  }

  /** A reference written out without cutting a cycle: the same wherever it is used. */
  private record Written(Value value, int nodes, int depth) {}

  private final Map<String, Written> written = new HashMap<>();

  /** Writes out one schema, counting its parts against the bounds. */
  private final class Writer {
    private final Set<String> resolving = new HashSet<>();
    private int nodes;
    private int deepest;
    private int cuts;

    Value inline(Value v, int depth) {
      count(1, depth);
      return switch (v) {
        case Dict d when d.get(key("$ref")) instanceof Value.Str ref -> follow(ref.value(), depth);
        case Dict d -> {
          Dict.Builder b = Dict.builder();
          for (Map.Entry<Value, Value> e : d.asMap().entrySet()) {
            b.put(e.getKey(), inline(e.getValue(), depth + 1));
          }
          yield b.build();
        }
        case Seq s -> {
          List<Value> items = new ArrayList<>(s.items().size());
          for (Value item : s.items()) {
            items.add(inline(item, depth + 1));
          }
          yield Vec.of(items);
        }
        default -> v;
      };
    }

    private Value follow(String ref, int depth) {
      if (!ref.startsWith("#") || resolving.contains(ref)) {
        cuts++;
        return Dict.EMPTY;
      }
      Written w = written.get(ref);
      if (w != null) {
        count(w.nodes(), depth + w.depth());
        return w.value();
      }
      int nodesBefore = nodes;
      int deepestBefore = deepest;
      int cutsBefore = cuts;
      deepest = depth;
      resolving.add(ref);
      Value out = inline(target(ref), depth + 1);
      resolving.remove(ref);
      if (cuts == cutsBefore) {
        written.put(ref, new Written(out, nodes - nodesBefore, deepest - depth));
      }
      deepest = Math.max(deepest, deepestBefore);
      return out;
    }

    private void count(int parts, int depth) {
      nodes += parts;
      deepest = Math.max(deepest, depth);
      if (nodes > MAX_NODES) {
        throw new OpenApi.Unusable(
            "its schema has more than " + MAX_NODES + " parts once its $refs are written out");
      }
      if (depth > MAX_DEPTH) {
        throw new OpenApi.Unusable(
            "its schema nests deeper than " + MAX_DEPTH + " levels once its $refs are written out");
      }
    }
  }

  /** What a local reference points to. */
  private Value target(String ref) {
    if (ref.startsWith(COMPONENT_SCHEMAS) && ref.indexOf('/', COMPONENT_SCHEMAS.length()) < 0) {
      String name = ref.substring(COMPONENT_SCHEMAS.length()).replace("~1", "/").replace("~0", "~");
      Map<String, Schema> schemas =
          api.getComponents() == null ? null : api.getComponents().getSchemas();
      Schema<?> s = schemas == null ? null : schemas.get(name);
      if (s != null) {
        return components.computeIfAbsent(name, n -> value(mapper.valueToTree(s)));
      }
    }
    if (document == null) {
      document = value(mapper.valueToTree(api));
    }
    Value at = OpenApiRefs.find(document, ref.substring(1));
    if (at == null) {
      throw new OpenApi.Unusable("$ref " + ref + " points nowhere");
    }
    return at;
  }

  /** A Jackson 2 tree (the parser's) as an Agora value, keys as Agora's JSON codec makes them. */
  static Value value(JsonNode n) {
    return switch (n.getNodeType()) {
      case OBJECT -> {
        Dict.Builder b = Dict.builder();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
          b.put(key(e.getKey()), value(e.getValue()));
        }
        yield b.build();
      }
      case ARRAY -> {
        List<Value> items = new ArrayList<>(n.size());
        n.forEach(item -> items.add(value(item)));
        yield Vec.of(items);
      }
      case STRING -> Value.of(n.textValue());
      case BOOLEAN -> Value.of(n.booleanValue());
      case NUMBER -> number(n);
      case NULL, MISSING -> Value.NIL;
      case BINARY, POJO -> Value.of(n.asText()); // not made by the parser's model, kept as text
    };
  }

  /** Whole numbers as integers (the parser reads {@code minimum: 1} as a BigDecimal). */
  private static Value number(JsonNode n) {
    if (n.isIntegralNumber() && n.canConvertToLong()) {
      return Value.of(n.longValue());
    }
    if (n.isBigDecimal()) {
      try {
        return Value.of(n.decimalValue().longValueExact());
      } catch (ArithmeticException e) {
        // a fraction, or too large: a double, as Agora's reader makes it
      }
    }
    return Value.of(n.doubleValue());
  }
}
