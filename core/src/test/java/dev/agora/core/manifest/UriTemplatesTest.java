package dev.agora.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UriTemplatesTest {

  @Test
  void aUriMatchesTheResourceTemplatesItCanBeExpandedFrom() {
    assertThat(UriTemplates.matches("demo://text/{id}", "demo://text/42")).isTrue();
    assertThat(UriTemplates.matches("demo://text/{id}", "demo://text/4/2")).isFalse();
    assertThat(UriTemplates.matches("demo://text/{id}", "demo://blob/42")).isFalse();
    assertThat(UriTemplates.matches("file:///{+path}", "file:///a/b/c.txt")).isTrue();
    assertThat(UriTemplates.matches("doc://x{#frag}", "doc://x#part")).isTrue();
    assertThat(UriTemplates.matches("s://q{?a,b}", "s://q?a=1&b=2")).isTrue();
    assertThat(UriTemplates.matches("s://q{?a,b}", "s://q")).isTrue();
    assertThat(UriTemplates.matches("s://p{/seg}", "s://p/one/two")).isTrue();
    assertThat(UriTemplates.matches("s://f{.ext}", "s://f.tar.gz")).isTrue();
    assertThat(UriTemplates.matches("s://m{;k}", "s://m;k=1")).isTrue();
    assertThat(UriTemplates.matches("s://lit.(x)", "s://lit.(x)")).isTrue();
    assertThat(UriTemplates.matches("s://lit.(x)", "s://litA(x)"))
        .as("literals are quoted")
        .isFalse();
    assertThat(UriTemplates.matches("s://broken{id", "s://broken{id")).isTrue();
    assertThat(UriTemplates.matches("s://e{}", "s://e")).isTrue();
  }

  @Test
  void aVariableIsOneSegmentAndAnOperatorItsOwnPart() {
    assertThat(UriTemplates.matches("test://r/{id}", "test://r/42")).isTrue();
    assertThat(UriTemplates.matches("test://r/{id}", "test://r/4/2")).isFalse();
    assertThat(UriTemplates.matches("file://{+path}", "file://a/b/c")).isTrue();
    assertThat(UriTemplates.matches("s://x{?q,r}", "s://x?q=1&r=2")).isTrue();
    assertThat(UriTemplates.matches("s://x{?q}", "s://x")).isTrue();
    assertThat(UriTemplates.matches("s://x{/a}", "s://x/1/2")).isTrue();
    assertThat(UriTemplates.matches("s://x{.ext}", "s://x.json")).isTrue();
    assertThat(UriTemplates.matches("s://x{#frag}", "s://x#top")).isTrue();
    assertThat(UriTemplates.matches("s://a.b/{x", "s://a.b/{x"))
        .as("an unclosed brace is text")
        .isTrue();
    assertThat(UriTemplates.matches("s://a.b/{}", "s://a.b/c")).isTrue();
    assertThat(UriTemplates.matches("s://a.b", "s://aXb")).as("literals are literal").isFalse();
  }
}
