package dev.agora.server;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The MCP SDK's JSON mapper, except that an {@link McpError} is written as a JSON-RPC error
 * response ({@code {"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"…"}}}). The SDK's
 * servlet transport answers a malformed message by serialising the exception object itself: its
 * class, cause and whole stack trace went to the caller (found by McpFuzzTest). The message keeps
 * its first line, without the exception class names the SDK puts in front.
 */
record PlainErrors(McpJsonMapper delegate) implements McpJsonMapper {

  private static final Pattern EXCEPTION_NAME =
      Pattern.compile("\\b(?:[a-zA-Z_]\\w*\\.)+\\w*(?:Exception|Error): ");

  private static final Pattern QUALIFIED_NAME =
      Pattern.compile("\\b(?:[a-z_][a-z0-9_]*\\.)+([A-Z][\\w$]*)");

  private Object plain(Object value) {
    if (!(value instanceof McpError e)) {
      return value;
    }
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", e.getJsonRpcError().code());
    error.put("message", plain(e.getJsonRpcError().message()));
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("jsonrpc", McpSchema.JSONRPC_VERSION);
    response.put(
        "id", null); // the SDK's JSONRPCResponse refuses a null id, which JSON-RPC prescribes here
    response.put("error", error);
    return response;
  }

  /**
   * The first line of a message, without the Java exception class names the SDK prefixes it with.
   */
  static String plain(String message) {
    if (message == null) {
      return "invalid message";
    }
    int nl = message.indexOf('\n');
    String line =
        EXCEPTION_NAME.matcher(nl < 0 ? message : message.substring(0, nl)).replaceAll("");
    // Jackson names the Java types it expected (`java.lang.String`): say String
    return QUALIFIED_NAME.matcher(line).replaceAll("$1").strip();
  }

  @Override
  public String writeValueAsString(Object value) throws IOException {
    return delegate.writeValueAsString(plain(value));
  }

  @Override
  public byte[] writeValueAsBytes(Object value) throws IOException {
    return delegate.writeValueAsBytes(plain(value));
  }

  @Override
  public <T> T readValue(String content, Class<T> type) throws IOException {
    return delegate.readValue(content, type);
  }

  @Override
  public <T> T readValue(byte[] content, Class<T> type) throws IOException {
    return delegate.readValue(content, type);
  }

  @Override
  public <T> T readValue(String content, TypeRef<T> type) throws IOException {
    return delegate.readValue(content, type);
  }

  @Override
  public <T> T readValue(byte[] content, TypeRef<T> type) throws IOException {
    return delegate.readValue(content, type);
  }

  @Override
  public <T> T convertValue(Object value, Class<T> type) {
    return delegate.convertValue(value, type);
  }

  @Override
  public <T> T convertValue(Object value, TypeRef<T> type) {
    return delegate.convertValue(value, type);
  }
}
