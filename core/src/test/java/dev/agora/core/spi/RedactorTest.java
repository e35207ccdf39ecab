package dev.agora.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.core.error.AgoraError;
import dev.agora.core.error.Fault;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Lst;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import dev.agora.rtfs.reader.Reader;
import dev.agora.rtfs.types.Problem;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every spelling of a secret becomes its name, wherever it hides; nothing else changes. */
class RedactorTest {

  static final String SECRET = "s3cr3t/with+chars=";
  final Redactor r = Redactor.NONE.with("API_TOKEN", SECRET);

  @Test
  void everySpellingOfTheSecretIsReplacedByItsName() {
    byte[] b = SECRET.getBytes(StandardCharsets.UTF_8);
    for (String spelling :
        new String[] {
          SECRET,
          Base64.getEncoder().encodeToString(b),
          Base64.getEncoder().withoutPadding().encodeToString(b),
          Base64.getUrlEncoder().encodeToString(b),
          Base64.getUrlEncoder().withoutPadding().encodeToString(b),
          URLEncoder.encode(SECRET, StandardCharsets.UTF_8),
          URLEncoder.encode(SECRET, StandardCharsets.UTF_8).replace("+", "%20")
        }) {
      assertThat(r.redact("token=" + spelling + ";"))
          .as(spelling)
          .isEqualTo("token=[redacted:API_TOKEN];");
    }
    assertThat(r.redact("nothing here")).isEqualTo("nothing here");
    assertThat(r.redact((String) null)).isNull();
    assertThat(r.occursIn(null)).isFalse();
  }

  @Test
  void valuesAreRedactedDeeplyAndKeptWhenClean() {
    Value v =
        Dict.builder()
            .put("auth", Value.of("Bearer " + SECRET))
            .put(Value.of(SECRET), Value.TRUE)
            .put("list", Lst.of(Value.of(1), Value.of(SECRET)))
            .put("vec", Vec.of(Vec.of(Value.keyword("safe-word"))))
            .put("n", Value.of(42))
            .build();
    Value out = r.redact(v);
    assertThat(out)
        .isEqualTo(
            Dict.builder()
                .put("auth", Value.of("Bearer [redacted:API_TOKEN]"))
                .put(Value.of("[redacted:API_TOKEN]"), Value.TRUE)
                .put("list", Lst.of(Value.of(1), Value.of("[redacted:API_TOKEN]")))
                .put("vec", Vec.of(Vec.of(Value.keyword("safe-word"))))
                .put("n", Value.of(42))
                .build());
    Value clean = Reader.readValue("{:a [1 \"two\" (3)] :b :kw}");
    assertThat(r.redact(clean)).isSameAs(clean);
    assertThat(Redactor.NONE.redact(v)).isSameAs(v);
    Value keyword = Redactor.NONE.with("K", "kwsecret").redact(Value.keyword("kwsecret"));
    assertThat(keyword).isEqualTo(Value.of("[redacted:K]"));
  }

  @Test
  void shortValuesAreNotSecretsAndRedactorsCombine() {
    assertThat(Redactor.NONE.with("PIN", "123")).isSameAs(Redactor.NONE);
    assertThat(Redactor.NONE.with("NONE", null).isEmpty()).isTrue();
    Redactor both = r.with(Redactor.NONE.with("OTHER", "another-secret"));
    assertThat(both.redact(SECRET + " another-secret"))
        .isEqualTo("[redacted:API_TOKEN] [redacted:OTHER]");
    assertThat(r.with(Redactor.NONE)).isSameAs(r);
    assertThat(Redactor.NONE.with(r)).isSameAs(r);
    assertThat(r.with(r).redact(SECRET)).isEqualTo("[redacted:API_TOKEN]");
    // a longer secret containing a shorter one is replaced whole
    Redactor nested = Redactor.NONE.with("SHORT", "abcd").with("LONG", "abcdefgh");
    assertThat(nested.redact("abcdefgh abcd")).isEqualTo("[redacted:LONG] [redacted:SHORT]");
  }

  @Test
  void errorsLoseTheSecretAndAnyCauseThatHoldsIt() {
    IOException leaky = new IOException("sent " + SECRET);
    AgoraError e = AgoraError.ProviderError.transientFailure("c", "upstream said " + SECRET, leaky);
    AgoraError out = r.redact(e);
    assertThat(out)
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessage("capability 'c' failed: upstream said [redacted:API_TOKEN]")
        .hasNoCause();
    assertThat(((AgoraError.ProviderError) out).isTransient()).isTrue();
    IOException clean = new IOException("reset");
    AgoraError kept = r.redact(new AgoraError.ProviderError("c", SECRET, clean));
    assertThat(kept.getCause()).isSameAs(clean);
    AgoraError.Timeout quiet = new AgoraError.Timeout("c", Duration.ofSeconds(1));
    assertThat(r.redact(quiet)).isSameAs(quiet);
    AgoraError other =
        r.redact(
            new AgoraError.InvalidOutput(
                "c", List.of(new Problem(List.of(), ":int", "\"" + SECRET + "\""))));
    assertThat(other)
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("[redacted:API_TOKEN]");
    // redaction keeps whose fault it was: a circuit breaker counts the same either way (issue 12)
    assertThat(other.fault()).isEqualTo(Fault.PROVIDER);
    AgoraError refused =
        r.redact(AgoraError.ProviderError.refused("c", "HTTP 400: bad " + SECRET, null));
    assertThat(refused.fault()).isEqualTo(Fault.CALLER);
    assertThat(refused).hasMessage("capability 'c' failed: HTTP 400: bad [redacted:API_TOKEN]");
    assertThat(
            r.redact(new AgoraError.AccessDenied("c", "host " + SECRET, "policy.egress")).fault())
        .isEqualTo(Fault.CALLER);
    assertThat(r.clean(new RuntimeException("outer", leaky))).isNull();
    assertThat(r.clean(clean)).isSameAs(clean);
  }
}
