package dev.agora.bench.load;

/** The numeric top-level {@code "id"} of a JSON-RPC message, found without a JSON library. */
final class JsonRpcIds {

  private JsonRpcIds() {}

  /** The id, or -1 when the message has no numeric id at its top level (a notification). */
  static long topLevelId(String json) {
    int depth = 0;
    boolean inString = false;
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        depth--;
      } else if (c == '"') {
        if (depth == 1 && json.startsWith("\"id\"", i)) {
          int j = i + 4;
          while (j < json.length() && (json.charAt(j) == ' ' || json.charAt(j) == ':')) {
            j++;
          }
          int k = j;
          while (k < json.length() && Character.isDigit(json.charAt(k))) {
            k++;
          }
          return k > j ? Long.parseLong(json, j, k, 10) : -1;
        }
        inString = true;
      }
    }
    return -1;
  }
}
