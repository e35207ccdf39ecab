package dev.agora.core.manifest;

import dev.agora.rtfs.Value;
import dev.agora.rtfs.types.TypeExpr;

/**
 * A capability's input or output schema: always an RTFS {@link TypeExpr} (what is validated), and
 * the JSON Schema it was given as, when it came as one (MCP tools bring theirs; it travels along so
 * it can be handed on unchanged). {@link #jsonSchema()} converts when there is none.
 */
public record Schema(TypeExpr type, Value originalJsonSchema) {

  public static Schema of(TypeExpr type) {
    return new Schema(type, null);
  }

  /** The JSON Schema: the original, or one converted from the type. */
  public Value jsonSchema() {
    return originalJsonSchema != null ? originalJsonSchema : JsonSchemas.fromType(type);
  }

  /** The type in RTFS syntax. */
  public String show() {
    return type.show();
  }
}
