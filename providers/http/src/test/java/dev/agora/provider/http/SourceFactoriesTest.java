package dev.agora.provider.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.core.doc.Document;
import dev.agora.core.doc.DocumentProblem;
import dev.agora.core.doc.Documents;
import dev.agora.core.doc.Fields;
import dev.agora.core.spi.DiscoverySource;
import dev.agora.core.spi.SourceFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry: and openapi: entries of agora.yaml's sources, read by their factories. */
class SourceFactoriesTest {

  @TempDir Path dir;

  /** What {@code factory} makes of one source entry, and the problems it found. */
  record Made(DiscoverySource source, List<String> problems) {}

  Made make(SourceFactory factory, String yaml) {
    Document doc = Documents.parse(yaml, "agora.yaml", Documents.Format.YAML);
    List<DocumentProblem> problems = new ArrayList<>();
    DiscoverySource s =
        factory.create("company", Fields.of(doc, List.of(), doc.root(), problems), dir);
    if (s != null) {
      s.close();
    }
    return new Made(s, problems.stream().map(p -> p.field() + ": " + p.message()).toList());
  }

  @Test
  void aRegistrySourceNeedsAUrlAndNoToken() {
    RegistrySourceFactory f = new RegistrySourceFactory();
    assertThat(f.type()).isEqualTo("registry");
    Made ok = make(f, "{url: \"https://reg.example.com/v1\", token_env: REG, attempts: 2}");
    assertThat(ok.problems()).isEmpty();
    assertThat(ok.source()).isInstanceOf(RegistrySource.class);
    assertThat(ok.source().name()).isEqualTo("company");

    Made none = make(f, "{refresh: 10s}");
    assertThat(none.source()).isNull();
    assertThat(none.problems())
        .containsExactly(": a registry source needs 'url': the registry's base URL");

    Made bad = make(f, "{url: \"ftp://x\", token: abc, attempts: 99, colour: red}");
    assertThat(bad.source()).isNull();
    assertThat(bad.problems())
        .contains(
            "url: 'ftp://x' is not an http(s) URL",
            "token: tokens do not belong in agora.yaml; name the environment variable holding it"
                + " with token_env")
        .anyMatch(p -> p.startsWith("attempts: "))
        .anyMatch(p -> p.startsWith("colour: unknown key 'colour'"));
  }

  @Test
  void anOpenApiSourceNeedsAPathOrAUrlAndNoSecrets() {
    OpenApiSourceFactory f = new OpenApiSourceFactory();
    assertThat(f.type()).isEqualTo("openapi");
    Made file =
        make(
            f,
            "{path: specs/api.yaml, prefix: pay, server: \"http://127.0.0.1:1\","
                + " auth: {token_env: T, key_env: K, user: u, password_env: P}, refresh: 5s}");
    assertThat(file.problems()).isEmpty();
    assertThat(file.source()).isInstanceOf(OpenApiSource.class);
    Made url =
        make(
            f,
            "{url: \"https://api.example.com/openapi.json\", server: \"https://api.example.com\"}");
    assertThat(url.problems()).isEmpty();
    assertThat(url.source()).isNotNull();

    String either =
        ": an openapi source needs either 'path' (a file) or 'url' (where the document is served)";
    assertThat(make(f, "{prefix: p}").problems()).containsExactly(either);
    Made both = make(f, "{path: a.yaml, url: \"https://x/a.yaml\"}");
    assertThat(both.source()).isNull();
    assertThat(both.problems()).containsExactly(either);

    for (String secret : List.of("key", "password")) {
      assertThat(make(f, "{path: a.yaml, auth: {" + secret + ": s}}").problems())
          .singleElement()
          .asString()
          .startsWith("auth: secrets do not belong in agora.yaml");
    }
    Made badUrl = make(f, "{url: \"file:///etc/passwd\"}");
    assertThat(badUrl.source()).isNull();
    assertThat(badUrl.problems())
        .containsExactly("url: 'file:///etc/passwd' is not an http(s) URL");

    Made bad =
        make(
            f,
            "{path: a.yaml, prefix: \"9 lives\", server: \"ftp://x\", auth: {token: t, colour: red}}");
    assertThat(bad.problems())
        .contains(
            "server: 'ftp://x' is not an http(s) URL",
            "auth: secrets do not belong in agora.yaml; name environment variables: token_env,"
                + " key_env, password_env")
        .anyMatch(p -> p.startsWith("prefix: '9 lives' cannot start capability ids: "))
        .anyMatch(p -> p.startsWith("auth.colour: unknown key 'colour'"));
  }
}
