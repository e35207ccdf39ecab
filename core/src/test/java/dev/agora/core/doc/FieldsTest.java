package dev.agora.core.doc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Reader;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The typed readers every configuration section uses: each wrong value becomes one problem naming
 * file, line and key, and the reader carries on with the fallback so that everything is reported.
 */
class FieldsTest {

  private final List<DocumentProblem> problems = new ArrayList<>();

  private Fields yaml(String text) {
    Document d = Documents.parse(text, "t.yaml", Documents.Format.YAML);
    return Fields.of(d, List.of(), d.root(), problems);
  }

  private List<String> reported() {
    return problems.stream().map(DocumentProblem::toString).toList();
  }

  @Test
  void stringsAcceptNamesAndReportOtherValues() {
    Fields f = yaml("a: text\nb: 3\nc: null\n");
    assertThat(f.string("a", "x")).isEqualTo("text");
    assertThat(f.string("b", "fallback")).isEqualTo("fallback");
    assertThat(f.string("c", "fallback")).isEqualTo("fallback");
    assertThat(f.string("absent", null)).isNull();
    assertThat(reported()).containsExactly("t.yaml:2: b: expected a string, found 3 (integer)");
    Fields r = Fields.of(f.document(), List.of(), Reader.readValue("{:k :kw :s sym}"), problems);
    assertThat(r.string("k", null)).isEqualTo("kw");
    assertThat(r.string("s", null)).isEqualTo("sym");
  }

  @Test
  void requiredStringsMustBePresentAndNotBlank() {
    Fields f = yaml("name: ' '\nid: x\n");
    assertThat(f.required("id")).isEqualTo("x");
    assertThat(f.required("name")).isNull();
    assertThat(f.required("missing")).isNull();
    assertThat(reported())
        .containsExactly(
            "t.yaml:1: name: must not be empty", "t.yaml:1: missing required field 'missing'");
  }

  @Test
  void numbersAreCheckedAgainstTheirRange() {
    Fields f = yaml("n: 5\nbig: 50\ntext: five\nx: 1.5\ny: 7\nz: -1.0\nw: yes\n");
    assertThat(f.integer("n", 0, 1, 10)).isEqualTo(5);
    assertThat(f.integer("big", 3, 1, 10)).isEqualTo(3);
    assertThat(f.integer("text", 3, 1, 10)).isEqualTo(3);
    assertThat(f.integer("absent", 9, 1, 10)).isEqualTo(9);
    assertThat(f.number("x", 0, 0, 2)).isEqualTo(1.5);
    assertThat(f.number("y", 0, 0, 10)).isEqualTo(7.0);
    assertThat(f.number("z", 0.5, 0, 1)).isEqualTo(0.5);
    assertThat(f.number("w", 0.5, 0, 1)).isEqualTo(0.5);
    assertThat(f.number("absent", 0.25, 0, 1)).isEqualTo(0.25);
    assertThat(reported())
        .containsExactly(
            "t.yaml:2: big: expected an integer from 1 to 10, found 50 (integer)",
            "t.yaml:3: text: expected an integer from 1 to 10, found \"five\" (string)",
            "t.yaml:6: z: expected a number from 0.0 to 1.0, found -1.0 (float)",
            "t.yaml:7: w: expected a number from 0.0 to 1.0, found \"yes\" (string)");
  }

  @Test
  void booleansAreTrueOrFalseOnly() {
    Fields f = yaml("a: true\nb: 'no'\n");
    assertThat(f.bool("a", false)).isTrue();
    assertThat(f.bool("b", true)).isTrue();
    assertThat(f.bool("absent", true)).isTrue();
    assertThat(reported())
        .containsExactly("t.yaml:2: b: expected true or false, found \"no\" (string)");
  }

  @Test
  void listsOfNamesReportEachBadItemWithItsIndex() {
    Fields f = yaml("effects: [network, 3, writes]\nnone: null\nscalar: x\n");
    assertThat(f.strings("effects")).containsExactly("network", "writes");
    assertThat(f.strings("none")).isEmpty();
    assertThat(f.strings("scalar")).isEmpty();
    assertThat(reported())
        .containsExactly(
            "t.yaml:1: effects[1]: expected a string, found 3 (integer)",
            "t.yaml:3: scalar: expected a list, found \"x\" (string)");
  }

  @Test
  void durationsTakeShortFormsAndIsoAndMustBePositive() {
    Fields f =
        yaml(
            "a: 250ms\nb: 30 s\nc: 5m\nd: 1h\ne: 2d\nf: PT1.5S\ng: 0s\nh: soon\ni: 3\n"
                + "j: 99999999999999999999s\nk: 9999999999999999d\nl: null\n");
    assertThat(f.duration("a", null)).isEqualTo(Duration.ofMillis(250));
    assertThat(f.duration("b", null)).isEqualTo(Duration.ofSeconds(30));
    assertThat(f.duration("c", null)).isEqualTo(Duration.ofMinutes(5));
    assertThat(f.duration("d", null)).isEqualTo(Duration.ofHours(1));
    assertThat(f.duration("e", null)).isEqualTo(Duration.ofDays(2));
    assertThat(f.duration("f", null)).isEqualTo(Duration.ofMillis(1500));
    Duration fallback = Duration.ofSeconds(1);
    for (String key : List.of("g", "h", "i", "j", "k", "l", "absent")) {
      assertThat(f.duration(key, fallback)).as(key).isEqualTo(fallback);
    }
    assertThat(reported())
        .hasSize(5)
        .allMatch(p -> p.contains("expected a positive duration such as"));
    assertThat(reported().get(3)).startsWith("t.yaml:10: j:");
  }

  @Test
  void sizesAreBytesOrBinaryUnitsWithinTheirRange() {
    Fields f =
        yaml(
            "a: 65536\nb: 512KiB\nc: 4 mib\nd: 1GiB\ne: 100B\nf: 0\ng: 5MB\nh: lots\n"
                + "i: 999999999999GiB\nj: 2049\nk: null\n");
    assertThat(f.size("a", 1, Long.MAX_VALUE)).isEqualTo(65536);
    assertThat(f.size("b", 1, Long.MAX_VALUE)).isEqualTo(512 << 10);
    assertThat(f.size("c", 1, Long.MAX_VALUE)).isEqualTo(4 << 20);
    assertThat(f.size("d", 1, Long.MAX_VALUE)).isEqualTo(1L << 30);
    assertThat(f.size("e", 1, Long.MAX_VALUE)).isEqualTo(100);
    for (String key : List.of("f", "g", "h", "i", "k", "absent")) {
      assertThat(f.size(key, 7, 1L << 40)).as(key).isEqualTo(7);
    }
    assertThat(f.size("j", 7, 2048)).as("over the maximum").isEqualTo(7);
    assertThat(reported()).hasSize(5).allMatch(p -> p.contains("expected a size from 1 byte to "));
    assertThat(reported().get(0)).startsWith("t.yaml:6: f:");
  }

  @Test
  void urlsMustBeHttpOrHttps() {
    Fields f = yaml("a: https://example.org/x\nb: ftp://example.org\nc: 'http://exa mple'\n");
    assertThat(f.httpUrl("a")).isEqualTo(URI.create("https://example.org/x"));
    assertThat(f.httpUrl("b")).isNull();
    assertThat(f.httpUrl("c")).isNull();
    assertThat(f.httpUrl("absent")).isNull();
    assertThat(reported())
        .containsExactly(
            "t.yaml:2: b: 'ftp://example.org' is not an http(s) URL",
            "t.yaml:3: c: 'http://exa mple' is not a URL: Illegal character in authority");
  }

  @Test
  void nestedMapsAndListsOfMapsKeepTheirPaths() {
    Fields f = yaml("server:\n  port: 80\nitems:\n  - name: a\n  - 7\nscalar: 3\n");
    Fields server = f.map("server");
    assertThat(server.path()).containsExactly(Value.keyword("server"));
    assertThat(server.integer("port", 0, 1, 65535)).isEqualTo(80);
    List<Fields> items = f.items("items");
    assertThat(items).hasSize(2);
    assertThat(items.get(0).string("name", null)).isEqualTo("a");
    assertThat(items.get(1).keys()).isEmpty();
    assertThat(f.map("scalar").keys()).isEmpty();
    assertThat(f.map("absent").keys()).isEmpty();
    assertThat(f.nested("server", Value.of("x")).keys()).isEmpty();
    assertThat(reported())
        .containsExactly(
            "t.yaml:5: items[1]: expected a map, found 7 (integer)",
            "t.yaml:6: scalar: expected a map, found 3 (integer)",
            "t.yaml:1: server: expected a map, found a string of 1 character");
  }

  @Test
  void dashesAndUnderscoresSpellTheSameKeyAndUnknownKeysAreNamed() {
    Fields f = yaml("max-steps: 5\nkeep_alive: true\ntypo: 1\n");
    assertThat(f.has("max_steps")).isTrue();
    assertThat(f.path("max_steps")).containsExactly(Value.keyword("max-steps"));
    assertThat(f.path("other")).containsExactly(Value.keyword("other"));
    assertThat(f.get("keep-alive")).isEqualTo(Value.TRUE);
    assertThat(f.keys()).containsExactly("max-steps", "keep_alive", "typo");
    f.rejectUnknown();
    assertThat(reported())
        .containsExactly(
            "t.yaml:3: typo: unknown key 'typo'; known keys are max_steps, keep_alive");
    f.problem("the whole map is odd");
    assertThat(reported()).last().isEqualTo("t.yaml:1: the whole map is odd");
  }
}
