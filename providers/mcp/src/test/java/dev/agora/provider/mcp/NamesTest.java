package dev.agora.provider.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Ids for a server's names: kept, cleaned, made unique in the server's order, cut when long. */
class NamesTest {

  @Test
  void aNameIsKeptOrCleanedAndTheSameNameGetsTheSameId() {
    Names names = new Names("mcp.s.");
    assertThat(names.id("get-sum_2")).isEqualTo("mcp.s.get-sum_2");
    assertThat(names.id("a.b c/é")).isEqualTo("mcp.s.a_b_c__");
    assertThat(names.id("")).isEqualTo("mcp.s._");
    assertThat(names.id("a.b c/é")).isEqualTo("mcp.s.a_b_c__");
  }

  @Test
  void namesThatCleanToOneIdGetSuffixesInTheServersOrder() {
    Names names = new Names("mcp.s.");
    assertThat(names.id("a.b")).isEqualTo("mcp.s.a_b");
    assertThat(names.id("a b")).isEqualTo("mcp.s.a_b_2");
    assertThat(names.id("a_b")).isEqualTo("mcp.s.a_b_3");
    assertThat(names.id("a_b_2")).isEqualTo("mcp.s.a_b_2_2");
  }

  @Test
  void aLongNameIsCutAndSuffixedWithItsHash() {
    Names names = new Names("mcp.s.");
    String longer = "n".repeat(250);
    String id = names.id(longer);
    assertThat(id)
        .hasSize(188 + 1 + Integer.toHexString(longer.hashCode()).length())
        .startsWith("mcp.s.nnn")
        .endsWith("_" + Integer.toHexString(longer.hashCode()));
    assertThat(names.id("n".repeat(251))).isNotEqualTo(id).hasSizeLessThanOrEqualTo(200);
  }
}
