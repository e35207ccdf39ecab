package dev.agora.provider.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.core.json.Json;
import dev.agora.core.json.JsonLines;
import dev.agora.rtfs.Value;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the 2026-07-28 stdio client reads of a server's output, with over-long messages left out.
 */
class BoundedStdoutTest {

  private final List<JsonLines.Line.TooLong> dropped = new ArrayList<>();

  private BoundedStdout over(String output, int max) {
    return new BoundedStdout(
        new ByteArrayInputStream(output.getBytes(StandardCharsets.UTF_8)), max, dropped::add);
  }

  private static String readAll(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void linesWithinTheLimitPassUnchangedByteByByteOrInBulk() throws IOException {
    String text = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"é\":\"ü\"}}\n\n{\"a\":2}\n";
    try (BoundedStdout in = over(text, 100)) {
      StringBuilder bytes = new StringBuilder();
      assertThat(in.read(new byte[4], 0, 0)).as("nothing asked, nothing read").isZero();
      int first = in.read();
      assertThat(first).isEqualTo('{');
      byte[] rest = in.readAllBytes();
      bytes.append((char) first).append(new String(rest, StandardCharsets.UTF_8));
      assertThat(bytes.toString()).isEqualTo(text);
      assertThat(in.read()).as("the end").isEqualTo(-1);
      assertThat(in.read(new byte[4], 0, 4)).isEqualTo(-1);
    }
    assertThat(dropped).isEmpty();
  }

  @Test
  void anOverLongReplyBecomesAnErrorForItsIdMarkedAsDropped() throws IOException {
    String big = "x".repeat(500);
    String output =
        "{\"jsonrpc\":\"2.0\",\"result\":{\"t\":\"%s\"},\"id\":\"r-7\"}\n{\"jsonrpc\":\"2.0\",\"id\":8,\"result\":{}}\n"
            .formatted(big);
    String[] lines = readAll(over(output, 100)).split("\n");
    assertThat(lines).hasSize(2);
    Value error = Json.parse(lines[0]);
    assertThat(Json.write(error))
        .contains("\"id\":\"r-7\"")
        .contains("\"code\":-32603")
        .contains("is over max_bytes (100)")
        .contains("\"" + StdioTransport.DROPPED + "\":");
    assertThat(lines[1]).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":8,\"result\":{}}");
    assertThat(dropped).singleElement().satisfies(d -> assertThat(d.id()).isEqualTo("r-7"));
  }

  @Test
  void anOverLongNotificationOrRequestFromTheServerIsLeftOut() throws IOException {
    String big = "y".repeat(500);
    String output =
        ("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"d\":\"%s\"}}\n"
                + "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"sampling/createMessage\",\"params\":{\"d\":\"%s\"}}\n"
                + "{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":{}}\n")
            .formatted(big, big);
    assertThat(readAll(over(output, 100)))
        .isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":{}}\n");
    assertThat(dropped).hasSize(2).allSatisfy(d -> assertThat(d.hasMethod()).isTrue());
  }
}
