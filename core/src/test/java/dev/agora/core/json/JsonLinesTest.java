package dev.agora.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.json.JsonLines.Line;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Lines of JSON up to a size; a longer one dropped unkept, with its id and whether it has a method.
 */
class JsonLinesTest {

  private static List<Line> all(String text, int max) throws IOException {
    return all(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), max);
  }

  private static List<Line> all(InputStream in, int max) throws IOException {
    JsonLines lines = new JsonLines(in, max);
    List<Line> out = new ArrayList<>();
    for (Line l = lines.next(); l != null; l = lines.next()) {
      out.add(l);
    }
    assertThat(lines.next()).isNull();
    return out;
  }

  /** One line over the limit among short ones, its id found wherever it is. */
  private static Line.TooLong tooLong(String json) throws IOException {
    List<Line> lines = all("{\"a\":1}\n" + json + "\n{\"b\":2}", 16);
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).isEqualTo(new Line.Text("{\"a\":1}"));
    assertThat(lines.get(2)).isEqualTo(new Line.Text("{\"b\":2}"));
    assertThat(lines.get(1)).isInstanceOf(Line.TooLong.class);
    Line.TooLong t = (Line.TooLong) lines.get(1);
    assertThat(t.bytes()).isEqualTo(json.getBytes(StandardCharsets.UTF_8).length);
    return t;
  }

  @Test
  void linesAreSplitOnNewlinesWithoutTheirCarriageReturns() throws IOException {
    assertThat(all("{\"é\":1}\r\n\n[2]\nlast", 100))
        .containsExactly(
            new Line.Text("{\"é\":1}"),
            new Line.Text(""),
            new Line.Text("[2]"),
            new Line.Text("last"));
    assertThat(all("", 100)).isEmpty();
    assertThat(all("exactly16bytes!!\n", 16)).containsExactly(new Line.Text("exactly16bytes!!"));
  }

  @Test
  void aLongLineIsReadAcrossManyBuffersAndDroppedWithItsSize() throws IOException {
    String big =
        "{\"result\":{\"text\":\"" + "x".repeat(100_000) + "\"},\"jsonrpc\":\"2.0\",\"id\":42}";
    List<Line> lines = all(big + "\n{}\n", 1000);
    assertThat(lines)
        .containsExactly(new Line.TooLong(big.length(), 42L, false), new Line.Text("{}"));
    assertThat(all(big, 1000)).containsExactly(new Line.TooLong(big.length(), 42L, false));
  }

  @Test
  void theIdIsFoundWhereverItIsAndOnlyAtTheTop() throws IOException {
    assertThat(tooLong("{\"id\":\"req-1\",\"method\":\"tools/call\",\"params\":{\"x\":1}}"))
        .isEqualTo(new Line.TooLong(53, "req-1", true));
    assertThat(
            tooLong(
                    "{ \"params\" : {\"id\": 9, \"method\": \"no\", \"s\": \"\\\"id\\\":3\"} , \"id\" : -7 }")
                .id())
        .isEqualTo(-7L);
    assertThat(tooLong("{\"params\":{\"id\":9,\"method\":\"no\"},\"x\":[{\"id\":1}]}"))
        .satisfies(t -> assertThat(t.id()).isNull())
        .satisfies(t -> assertThat(t.hasMethod()).isFalse());
    assertThat(tooLong("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{}}"))
        .satisfies(t -> assertThat(t.id()).isNull())
        .satisfies(t -> assertThat(t.hasMethod()).isTrue());
  }

  @Test
  void anIdThatIsNoIntegerOrPlainStringIsNotFound() throws IOException {
    for (String id :
        List.of(
            "null",
            "1.5",
            "{\"n\":1}",
            "[1,2]",
            "\"esc\\\"aped\"",
            "\"caf\u00e9\"",
            "\"" + "n".repeat(100) + "\"",
            "99999999999999999999")) {
      assertThat(tooLong("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{}}").id())
          .as(id)
          .isNull();
    }
    // a key with an escape, or one longer than kept, is not "id" or "method"
    assertThat(tooLong("{\"i\\u0064\":1,\"method\\u0020\":2,\"" + "k".repeat(80) + "\":3}"))
        .isEqualTo(new Line.TooLong(115, null, false));
    // cut off in the middle of the id
    assertThat(tooLong("{\"result\":{},\"padding\":\"......\",\"id\":12"))
        .isEqualTo(new Line.TooLong(39, 12L, false));
    // not an object
    assertThat(tooLong("[\"id\",1,\"method\",2,3,4,5,6,7,8,9]").hasMethod()).isFalse();
  }

  @Test
  void aLimitBelowOneIsRefused() {
    assertThatThrownBy(() -> new JsonLines(InputStream.nullInputStream(), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a line's limit must be positive, not 0");
  }
}
