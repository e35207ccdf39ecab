package dev.agora.core.doc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocumentsTest {

  @Test
  void yaml_positions_by_path() {
    Document d =
        Documents.parse("a: 1\nb:\n  c: [x, y]\n  d:\n    - 5\n", "t.yaml", Documents.Format.YAML);
    assertThat(d.line(List.of(Value.keyword("a")))).isEqualTo(1);
    assertThat(d.line(List.of(Value.keyword("b"), Value.keyword("c")))).isEqualTo(3);
    assertThat(d.line(List.of(Value.keyword("b"), Value.keyword("d"), Value.of(0)))).isEqualTo(5);
    assertThat(d.line(List.of(Value.keyword("b"), Value.keyword("nope"))))
        .as("nearest ancestor")
        .isEqualTo(2);
  }

  @Test
  void json_and_rtfs_positions() {
    Document j =
        Documents.parse("{\n \"x\": {\n  \"y\": 2\n }\n}", "t.json", Documents.Format.JSON);
    assertThat(j.line(List.of(Value.keyword("x"), Value.keyword("y")))).isEqualTo(3);
    Document r =
        Documents.parse(";; c\n{:a 1\n :b {:c 2}}\n(x\n y)", "t.rtfs", Documents.Format.RTFS);
    assertThat(r.line(List.of(Value.of(0), Value.keyword("b"), Value.keyword("c")))).isEqualTo(3);
    assertThat(r.line(List.of(Value.of(1), Value.of(1)))).isEqualTo(5);
  }

  @Test
  void bad_files_name_their_line() {
    assertThatThrownBy(() -> Documents.parse("a: [1, 2\nb: 3\n", "t.yaml", Documents.Format.YAML))
        .isInstanceOf(DocumentException.class)
        .hasMessageStartingWith("t.yaml:");
    assertThatThrownBy(() -> Documents.parse("a: 1\na: 2\n", "t.yaml", Documents.Format.YAML))
        .hasMessage("t.yaml:2: the key 'a' appears twice");
    assertThatThrownBy(() -> Documents.parse("(a\n  \"b)", "t.rtfs", Documents.Format.RTFS))
        .hasMessage("t.rtfs:2: unterminated string starting at 2:3");
    assertThatThrownBy(() -> Documents.read(Path.of("x.txt")))
        .hasMessage("x.txt: not a .json, .yaml, .yml or .rtfs file");
  }

  @Test
  void fields_collect_problems_with_lines_and_reject_unknown_keys() {
    Document d =
        Documents.parse(
            "name: 5\ncount: -1\ntimeout: soon\nextra: 1\nlist: [a, 3]\n",
            "c.yaml",
            Documents.Format.YAML);
    List<DocumentProblem> problems = new ArrayList<>();
    Fields f = Fields.of(d, List.of(), d.root(), problems);
    f.string("name", null);
    f.integer("count", 0, 0, 10);
    f.duration("timeout", null);
    f.strings("list");
    f.required("missing");
    f.rejectUnknown();
    assertThat(problems)
        .extracting(DocumentProblem::toString)
        .containsExactly(
            "c.yaml:1: name: expected a string, found 5 (integer)",
            "c.yaml:2: count: expected an integer from 0 to 10, found -1 (integer)",
            "c.yaml:3: timeout: expected a positive duration such as \"500ms\", \"30s\" or \"5m\", found \"soon\" (string)",
            "c.yaml:5: list[1]: expected a string, found 3 (integer)",
            "c.yaml:1: missing required field 'missing'",
            "c.yaml:4: extra: unknown key 'extra'; known keys are name, count, timeout, list, missing");
  }

  @Test
  void durations() {
    assertThat(Fields.parseDuration("250ms")).hasMillis(250);
    assertThat(Fields.parseDuration("30s")).hasSeconds(30);
    assertThat(Fields.parseDuration("5m")).hasMinutes(5);
    assertThat(Fields.parseDuration("PT2S")).hasSeconds(2);
    assertThat(Fields.parseDuration("2 weeks")).isNull();
    assertThat(Fields.parseDuration("99999999999999999999s"))
        .as("found by DocumentFuzzTest")
        .isNull();
    assertThat(Fields.parseDuration("9223372036854775807d")).isNull();
  }

  @Test
  void files_are_read_by_extension_and_unreadable_ones_are_one_problem(@TempDir Path dir)
      throws IOException {
    assertThat(Documents.formatOf(Path.of("a.YML"))).isEqualTo(Documents.Format.YAML);
    assertThat(Documents.formatOf(Path.of("a.Json"))).isEqualTo(Documents.Format.JSON);
    assertThat(Documents.formatOf(Path.of("a.rtfs"))).isEqualTo(Documents.Format.RTFS);
    Path latin1 = Files.write(dir.resolve("l.yaml"), new byte[] {'a', ':', ' ', (byte) 0xe9, '\n'});
    assertThatThrownBy(() -> Documents.read(latin1))
        .isInstanceOf(DocumentException.class)
        .hasMessage(latin1 + ": not UTF-8 text");
    Path folder = Files.createDirectory(dir.resolve("folder.yaml"));
    assertThatThrownBy(() -> Documents.read(folder))
        .isInstanceOf(DocumentException.class)
        .hasMessageStartingWith(folder + ": cannot read: ");
    Path ok = Files.writeString(dir.resolve("ok.yml"), "a: 1\n");
    assertThat(Documents.read(ok).root()).isEqualTo(Dict.of(Value.keyword("a"), Value.of(1)));
  }

  @Test
  void scalars_empty_documents_and_huge_integers() {
    assertThat(Documents.parse("", "e.yaml", Documents.Format.YAML).root()).isEqualTo(Value.NIL);
    assertThat(Documents.parse("  ", "e.json", Documents.Format.JSON).root()).isEqualTo(Value.NIL);
    assertThat(
            Documents.parse(
                    "{\"n\": 123456789012345678901234567890, \"f\": 1.5, \"t\": true, \"x\": false, "
                        + "\"z\": null}",
                    "n.json",
                    Documents.Format.JSON)
                .root())
        .isEqualTo(
            Dict.builder()
                .put("n", Value.of(1.2345678901234568E29))
                .put("f", Value.of(1.5))
                .put("t", Value.TRUE)
                .put("x", Value.FALSE)
                .put("z", Value.NIL)
                .build());
    assertThatThrownBy(() -> Documents.parse("[1, 2", "t.json", Documents.Format.JSON))
        .isInstanceOf(DocumentException.class)
        .hasMessageStartingWith("t.json:1: not valid JSON: ");
    assertThatThrownBy(() -> Documents.parse("(a b", "t.rtfs", Documents.Format.RTFS))
        .isInstanceOf(DocumentException.class)
        .hasMessageStartingWith("t.rtfs:1: ");
  }

  @Test
  void a_lone_surrogate_at_the_yaml_readers_buffer_edge_is_a_problem() {
    // found by a 250,000-input fuzz run (issue 11): snakeyaml-engine threw
    // IndexOutOfBoundsException
    // for a high surrogate at its 1,024-character buffer's edge; walk the surrogate across the edge
    for (int n = 1_000; n < 1_060; n++) {
      String text = "sources: [" + "x".repeat(n) + "\uD800" + "y".repeat(100) + "]\n";
      try {
        Documents.parse(text, "s.yaml", Documents.Format.YAML);
      } catch (DocumentException expected) {
        assertThat(expected.getMessage()).startsWith("s.yaml");
      }
    }
  }
}
