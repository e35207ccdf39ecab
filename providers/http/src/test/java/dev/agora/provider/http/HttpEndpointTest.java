package dev.agora.provider.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.doc.Documents;
import dev.agora.core.manifest.Manifests;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import dev.agora.rtfs.reader.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A manifest's http section: what is accepted, and what each wrong one is told. */
class HttpEndpointTest {

  @TempDir Path dir;

  /** The endpoint of a manifest whose provider section is {@code {type: http, <fields>}}. */
  static HttpEndpoint endpoint(String fields) {
    Manifests.LoadResult r =
        Manifests.parse(
            Documents.parse(
                "- {id: t.x, provider: {type: http, " + fields + "}}",
                "t.yaml",
                Documents.Format.YAML));
    assertThat(r.problems()).isEmpty();
    return HttpEndpoint.of((ProviderSpec.Http) r.manifests().getFirst().provider());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          url: "http://h/x", headers: [a]                         | headers must be a map of header names to values
          url: "http://h/x", headers: {A: [1]}                    | headers must be text
          url: "http://h/x", query: a                             | query must be a list of argument names
          url: "http://h/x", query: [{a: 1}]                      | query must be text
          url: "http://h/x", body: [a]                            | body must be text
          url: "http://h/x", response: {max_bytes: 0}             | response.max_bytes must be a positive integer
          url: "http://h/x", response: {max_bytes: "10"}          | response.max_bytes must be a positive integer
          url: "http://h/x", response: {as: xml}                  | response.as must be json or text
          url: "http://h/x", auth: bearer                         | auth must be a map such as {type: bearer, token_env: NAME}
          url: "http://h/x", auth: {token_env: T}                 | auth.type must be bearer, api_key or basic
          url: "http://h/x", auth: {type: [bearer]}               | auth.type must be text
          url: "http://h/x", auth: {type: bearer, key: k}         | secrets do not belong in manifests
          url: "http://h/x", auth: {type: basic, password: p}     | secrets do not belong in manifests
          url: "http://h/x", auth: {type: bearer}                 | auth needs exactly one of token_env (an environment variable) and token_file (a file holding the secret)
          url: "http://h/x", auth: {type: bearer, token_env: A, token_file: b} | auth needs exactly one of token_env
          url: "http://h/x", auth: {type: api_key, key_env: K}    | an api_key auth names either the header or the query parameter that carries the key
          url: "http://h/x", auth: {type: api_key, header: H, query: q, key_env: K} | an api_key auth names either the header or the query parameter
          url: "http://h/x", auth: {type: basic, password_env: P} | a basic auth needs user
          url: "http://h/x", auth: {type: basic, user: [u], password_env: P} | auth.user must be text
          """)
  void aWrongSectionSaysWhichFieldAndWhy(String fields, String message) {
    assertThatThrownBy(() -> endpoint(fields))
        .isInstanceOf(HttpEndpoint.Invalid.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void whatAWellFormedSectionGives() {
    HttpEndpoint e =
        endpoint(
            "method: patch, url: \"https://h/{id}\", headers: {X-N: 7, X-K: kw}, query: [a, 3],"
                + " body: payload, response: {max_bytes: 10, as: text},"
                + " auth: {type: api_key, query: key, key_file: k.txt}");
    assertThat(e.method()).isEqualTo("PATCH");
    assertThat(e.sendsBody()).isTrue();
    assertThat(e.headers()).isEqualTo(Map.of("X-N", "7", "X-K", "kw"));
    assertThat(e.query()).containsExactly("a", "3");
    assertThat(e.bodyArgument()).isEqualTo("payload");
    assertThat(e.maxBytes()).isEqualTo(10);
    assertThat(e.responseAs()).isEqualTo("text");
    assertThat(e.auth())
        .isEqualTo(
            new HttpEndpoint.Auth.ApiKey(
                null, "key", new HttpEndpoint.Secret(null, Path.of("k.txt"))));
    assertThat(
            endpoint("url: \"http://h/\", auth: {type: basic, user: ada, password_env: P}").auth())
        .isEqualTo(new HttpEndpoint.Auth.Basic("ada", new HttpEndpoint.Secret("P", null)));
    assertThat(endpoint("url: \"http://h/\", auth: null").auth())
        .isEqualTo(new HttpEndpoint.Auth.None());
    assertThat(endpoint("url: \"http://h/\", method: HEAD").sendsBody()).isFalse();
  }

  @Test
  void secretsThatCannotBeReadSaySoWithoutAValue() throws Exception {
    HttpEndpoint.Secret env = new HttpEndpoint.Secret("TOKEN", null);
    assertThat(env.name()).isEqualTo("TOKEN");
    assertThat(env.resolve(Map.of("TOKEN", "t")::get)).isEqualTo("t");
    assertThatThrownBy(() -> env.resolve(name -> ""))
        .isInstanceOf(HttpEndpoint.Invalid.class)
        .hasMessage("the environment variable TOKEN (a secret of this capability) is not set");
    Path file = dir.resolve("token.txt");
    Files.writeString(file, "  s3cret\n");
    HttpEndpoint.Secret inFile = new HttpEndpoint.Secret(null, file);
    assertThat(inFile.name()).isEqualTo("token.txt");
    assertThat(inFile.resolve(name -> null)).isEqualTo("s3cret");
    HttpEndpoint.Secret missing = new HttpEndpoint.Secret(null, dir.resolve("nope.txt"));
    assertThatThrownBy(() -> missing.resolve(name -> null))
        .isInstanceOf(HttpEndpoint.Invalid.class)
        .hasMessage(
            "cannot read the secret file " + dir.resolve("nope.txt") + ": NoSuchFileException");
  }

  @Test
  void argumentsBecomeTextForUrlsAndHeaders() {
    assertThat(HttpEndpoint.scalar(Value.of(1.5), "x")).isEqualTo("1.5");
    assertThat(HttpEndpoint.scalar(Value.TRUE, "x")).isEqualTo("true");
    assertThat(HttpEndpoint.scalar(Reader.readValue(":kw"), "x")).isEqualTo("kw");
    assertThatThrownBy(() -> HttpEndpoint.scalar(Vec.of(), "x"))
        .isInstanceOf(HttpEndpoint.Invalid.class)
        .hasMessage(
            "the argument 'x' must be a string, number, keyword or boolean to go into a URL or"
                + " header");
    assertThat(HttpEndpoint.encode("a b/é~")).isEqualTo("a%20b%2F%C3%A9~");
    Dict args = (Dict) Reader.readValue("{:id 7 :none nil}");
    assertThat(HttpEndpoint.header("{none}", args)).isNull();
    assertThat(HttpEndpoint.header("{absent}", args)).isNull();
    assertThat(HttpEndpoint.header("{absent}", null)).isNull();
    assertThat(HttpEndpoint.header("id {id}", args)).isEqualTo("id 7");
    assertThatThrownBy(() -> HttpEndpoint.header("x {none}", args))
        .isInstanceOf(HttpEndpoint.Invalid.class)
        .hasMessage("the argument 'none' that the template 'x {none}' needs is missing");
    assertThatThrownBy(() -> HttpEndpoint.expand("/{id}", null, true))
        .hasMessage("the argument 'id' that the template '/{id}' needs is missing");
  }
}
