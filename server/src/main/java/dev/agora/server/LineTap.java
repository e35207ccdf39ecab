package dev.agora.server;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * An input stream that hands each complete line read through it to {@code lines}, as UTF-8 text
 * without its line end; the bytes themselves pass unchanged. The stdio server looks at each
 * JSON-RPC message this way before the SDK reads it, as the HTTP guard looks at each POST body.
 */
final class LineTap extends FilterInputStream {

  private final Consumer<String> lines;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();

  LineTap(InputStream in, Consumer<String> lines) {
    super(in);
    this.lines = lines;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      take(b);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    for (int i = 0; i < n; i++) {
      take(b[off + i]);
    }
    return n;
  }

  private void take(int b) {
    if (b == '\n') {
      lines.accept(line.toString(StandardCharsets.UTF_8));
      line.reset();
    } else {
      line.write(b);
    }
  }
}
