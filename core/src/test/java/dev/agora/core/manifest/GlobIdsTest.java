package dev.agora.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GlobIdsTest {

  @ParameterizedTest
  @CsvSource({
    "ccos.math.*, ccos.math.add, true",
    "ccos.math.*, ccos.math.trig.sin, true",
    "ccos.math.*, evil.ccos.math.add, false",
    "ccos.math.*, ccosXmathYadd, false",
    "ccos.math.*, ccos.math, false",
    "*, anything.at.all, true",
    "ccos.echo, ccos.echo, true",
    "ccos.echo, ccos.echo2, false",
    "ccos.?cho, ccos.echo, true",
    "*.add, ccos.math.add, true",
    "a*b*c, aXXbYYc, true",
    "a*b*c, aXXbYY, false",
    "mcp.*.read_*, mcp.files.read_text, true"
  })
  void globs_are_anchored_on_the_whole_id(String pattern, String id, boolean matches) {
    assertThat(Glob.of(pattern).matches(id)).isEqualTo(matches);
  }

  @Test
  void glob_prefix_and_bad_patterns() {
    assertThat(Glob.of("ccos.math.*").literalPrefix()).isEqualTo("ccos.math.");
    assertThat(Glob.of("ccos.echo").isLiteral()).isTrue();
    assertThatThrownBy(() -> Glob.of("ccos.(math)")).hasMessageContaining("contains '('");
    assertThatThrownBy(() -> Glob.of("")).hasMessage("a pattern must not be empty");
  }

  @ParameterizedTest
  @CsvSource({
    "ccos.math.add, ccos, true",
    "ccos.math.add, ccos.math, true",
    "ccosx.tool, ccos, false",
    "ccos, ccos, true",
    "com.acme.db:v1.0:q, com.acme.db, true",
    "ns:v1/b, ns, true",
    "anything, '', true"
  })
  void namespaces_nest_on_segment_boundaries(String id, String ns, boolean inside) {
    assertThat(Ids.inNamespace(id, ns)).isEqualTo(inside);
  }

  @Test
  void namespace_of_an_id() {
    assertThat(Ids.namespace("ccos.math.add")).isEqualTo("ccos.math");
    assertThat(Ids.namespace("echo")).isEmpty();
    assertThat(Ids.namespace("com.acme.db:v1.0:sales-query")).isEqualTo("com.acme.db");
  }

  @Test
  void id_rules() {
    assertThat(Ids.problem("ccos.math.add")).isNull();
    assertThat(Ids.problem("com.acme:v1.0/foo")).isNull();
    assertThat(Ids.problem("mcp.server-everything.get_sum")).isNull();
    assertThat(Ids.problem("a.")).isEqualTo("'a.' ends with a separator");
    assertThat(Ids.problem("a b")).contains("contains ' '");
    assertThat(Ids.problem("é.x")).contains("starts with an ASCII letter");
    assertThat(Ids.problem("a".repeat(201))).isEqualTo("an id is at most 200 characters");
  }
}
