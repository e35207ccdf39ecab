package dev.agora.core.json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Newline-delimited JSON messages read from a stream, each at most {@code max} bytes — the framing
 * of MCP's stdio transport, read by both ends of it. A longer line is never kept whole: it is read
 * to its end and dropped, and what is reported is its size and, found while it was skipped, its
 * top-level {@code "id"} and whether it has a {@code "method"}, so that the request or reply it was
 * can still be answered or failed. A {@code \r} before the line end is dropped too.
 */
public final class JsonLines {

  /** One line of the stream. */
  public sealed interface Line {

    /** A line within the limit, as UTF-8 text without its line end. */
    record Text(String text) implements Line {}

    /**
     * A line over the limit, dropped.
     *
     * @param bytes its length
     * @param id its top-level {@code "id"} (a {@link Long} or a {@link String}); null when it has
     *     none, or one that is neither an integer nor a plain string
     * @param hasMethod whether it has a top-level {@code "method"} (a request or a notification)
     */
    record TooLong(long bytes, Object id, boolean hasMethod) implements Line {}
  }

  private final InputStream in;
  private final int max;
  private final byte[] buf = new byte[8192];
  private int pos;
  private int limit;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();

  public JsonLines(InputStream in, int max) {
    if (max < 1) {
      throw new IllegalArgumentException("a line's limit must be positive, not " + max);
    }
    this.in = in;
    this.max = max;
  }

  /** The next line, or null at the end of the stream. */
  public Line next() throws IOException {
    line.reset();
    long size = 0;
    Scan scan = null;
    while (true) {
      if (pos == limit) {
        int n = in.read(buf);
        pos = 0;
        limit = Math.max(0, n);
        if (n < 0) {
          return size == 0 && scan == null ? null : finish(size, scan);
        }
        continue;
      }
      int nl = pos;
      while (nl < limit && buf[nl] != '\n') {
        nl++;
      }
      int n = nl - pos;
      if (scan == null && size + n > max) {
        scan = new Scan();
        byte[] kept = line.toByteArray();
        scan.feed(kept, 0, kept.length);
        line.reset();
      }
      if (scan != null) {
        scan.feed(buf, pos, n);
      } else {
        line.write(buf, pos, n);
      }
      size += n;
      if (nl < limit) {
        pos = nl + 1;
        return finish(size, scan);
      }
      pos = limit;
    }
  }

  private Line finish(long size, Scan scan) {
    if (scan != null) {
      return new Line.TooLong(size, scan.id(), scan.hasMethod);
    }
    String text = line.toString(StandardCharsets.UTF_8);
    return new Line.Text(text.endsWith("\r") ? text.substring(0, text.length() - 1) : text);
  }

  /**
   * Finds a JSON object's top-level {@code "id"} and {@code "method"} while its bytes pass, keeping
   * no more than a short key or id. Strings with escapes are not decoded: such a key or id is not
   * found.
   */
  private static final class Scan {

    private static final int KEEP = 64;

    private int depth;
    private boolean inString;
    private boolean escaped;
    private boolean object;
    private boolean expectKey;
    private boolean inKey;
    private String key;
    private boolean inValue;
    private boolean idString;
    private final StringBuilder text = new StringBuilder();
    private boolean spoiled;
    private Object id;
    private boolean idSeen;
    boolean hasMethod;

    void feed(byte[] b, int off, int len) {
      for (int i = off; i < off + len; i++) {
        step(b[i]);
      }
    }

    Object id() {
      endValue(); // a line cut short ends its last value
      return id;
    }

    private boolean inId() {
      return depth == 1 && inValue && "id".equals(key);
    }

    private void step(byte c) {
      if (inString) {
        if (c == '"' && !escaped) {
          inString = false;
          endString();
        } else {
          spoiled |= c == '\\' || escaped || c < 0; // not decoded here: not found
          escaped = c == '\\' && !escaped;
          keep(c);
        }
        return;
      }
      switch (c) {
        case '"' -> startString();
        case '{', '[' -> {
          depth++;
          if (depth == 1) {
            object = c == '{';
            expectKey = object;
          } else if (depth == 2 && inValue && "id".equals(key)) {
            spoiled = true; // an object or array is no id
          }
        }
        case '}', ']' -> {
          if (depth == 1) {
            endValue();
          }
          depth--;
        }
        case ':' -> {
          if (depth == 1 && key != null && !inValue) {
            inValue = true;
            text.setLength(0);
            spoiled = false;
          }
        }
        case ',' -> {
          if (depth == 1) {
            endValue();
            expectKey = object;
          }
        }
        default -> {
          if (inId() && c > ' ') {
            keep(c);
          }
        }
      }
    }

    private void startString() {
      inString = true;
      escaped = false;
      if (depth != 1) {
        return;
      }
      if (expectKey) {
        expectKey = false;
        inKey = true;
        text.setLength(0);
        spoiled = false;
      } else if (inId()) {
        idString = true;
      }
    }

    private void keep(byte c) {
      if (inKey || inId()) {
        if (text.length() < KEEP) {
          text.append((char) c);
        } else {
          spoiled = true;
        }
      }
    }

    private void endString() {
      if (inKey) {
        inKey = false;
        key = spoiled ? null : text.toString();
        hasMethod |= "method".equals(key);
      } else if (idString) {
        idString = false;
        idSeen = true;
        id = spoiled ? null : text.toString();
      }
    }

    private void endValue() {
      if (inId() && !idSeen) {
        idSeen = true;
        id = spoiled ? null : integer(text.toString());
      }
      inValue = false;
      key = null;
    }

    private static Long integer(String s) {
      try {
        return Long.valueOf(s);
      } catch (NumberFormatException e) {
        return null; // null, a fraction, or cut off
      }
    }
  }
}
