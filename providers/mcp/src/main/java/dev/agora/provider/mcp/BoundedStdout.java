package dev.agora.provider.mcp;

import dev.agora.core.json.Json;
import dev.agora.core.json.JsonLines;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A stdio server's output as the SDK's 2026-07-28 client transport reads it, with every message
 * over {@code max_bytes} left out unread. The SDK drops such a line too, but silently: the request
 * it answers would wait for its deadline. Here an over-long reply is replaced by a JSON-RPC error
 * for the same id, marked with {@link StdioTransport#DROPPED}, so that the request fails at once as
 * {@link McpConnection.TooLarge} — the same as over 2025-11-25 ({@link StdioTransport}). An
 * over-long request or notification from the server is left out; the server's own deadline ends its
 * request.
 */
final class BoundedStdout extends InputStream {

  private final InputStream out;
  private final JsonLines lines;
  private final int max;
  private final Consumer<JsonLines.Line.TooLong> dropped;
  private byte[] buf = new byte[0];
  private int pos;

  /**
   * @param dropped told of every message left out, for the log
   */
  BoundedStdout(InputStream out, int max, Consumer<JsonLines.Line.TooLong> dropped) {
    this.out = out;
    this.lines = new JsonLines(out, max);
    this.max = max;
    this.dropped = dropped;
  }

  @Override
  public int read() throws IOException {
    return fill() ? buf[pos++] & 0xff : -1;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (!fill()) {
      return -1;
    }
    int n = Math.min(len, buf.length - pos);
    System.arraycopy(buf, pos, b, off, n);
    pos += n;
    return n;
  }

  /** Whether there is something to read, taking the next line when the last one is read. */
  private boolean fill() throws IOException {
    while (pos == buf.length) {
      JsonLines.Line line = lines.next();
      if (line == null) {
        return false;
      }
      pos = 0;
      buf =
          switch (line) {
            case JsonLines.Line.Text t -> (t.text() + "\n").getBytes(StandardCharsets.UTF_8);
            case JsonLines.Line.TooLong big -> instead(big);
          };
    }
    return true;
  }

  /** What the client reads in place of an over-long message: an error for a reply, else nothing. */
  private byte[] instead(JsonLines.Line.TooLong big) {
    dropped.accept(big);
    if (big.id() == null || big.hasMethod()) {
      return new byte[0];
    }
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", -32603);
    error.put("message", "a message of " + big.bytes() + " bytes is over max_bytes (" + max + ")");
    error.put("data", Map.of(StdioTransport.DROPPED, big.bytes()));
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put("jsonrpc", "2.0");
    reply.put("id", big.id());
    reply.put("error", error);
    return (Json.write(Json.fromJava(reply)) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
