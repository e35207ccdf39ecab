package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lines seen on their way through, whichever way the stream is read; the bytes unchanged. */
class LineTapTest {

  @Test
  void everyCompleteLineIsSeenOnceAndTheBytesPassUnchanged() throws IOException {
    byte[] text = "{\"é\":1}\n\nlast, unfinished".getBytes(StandardCharsets.UTF_8);
    List<String> seen = new ArrayList<>();
    InputStream tap = new LineTap(new ByteArrayInputStream(text), seen::add);
    int first = tap.read();
    byte[] rest = tap.readAllBytes();
    assertThat(tap.read()).isEqualTo(-1);
    assertThat((byte) first).isEqualTo(text[0]);
    assertThat(rest).hasSize(text.length - 1);
    assertThat(new String(rest, StandardCharsets.UTF_8)).isEqualTo("\"é\":1}\n\nlast, unfinished");
    assertThat(seen).containsExactly("{\"é\":1}", "");
  }
}
