package dev.agora.core.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.core.doc.DocumentProblem;
import dev.agora.core.spi.Redactor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scrub every discovery problem passes before it is logged or recorded (issue 12). */
class ScrubTest {

  @Test
  void knownSecretsBecomeTheirMarks() {
    Redactor env =
        Redactor.ofEnvironment(
            Map.of("API_TOKEN", "tok-123-abc", "HOME", "/home/agora", "DB_PASSWORD", "hunter2"));
    assertThat(Scrub.text("got tok-123-abc and hunter2 in /home/agora", env))
        .isEqualTo("got [redacted:API_TOKEN] and [redacted:DB_PASSWORD] in /home/agora");
  }

  @Test
  void secretLookingTextIsTakenOutEvenWhenUnknown() {
    Redactor none = Redactor.NONE;
    assertThat(
            Scrub.text(
                "x -----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n-----END OPENSSH PRIVATE KEY----- y",
                none))
        .isEqualTo("x [redacted: private key] y");
    assertThat(Scrub.text("-----BEGIN RSA PRIVATE KEY----- MIIE and no end", none))
        .isEqualTo("[redacted: private key]");
    assertThat(Scrub.text("AWS_SECRET=wJalrXUtnFEMI/K7MDENG next", none))
        .isEqualTo("AWS_SECRET=[redacted] next");
    assertThat(Scrub.text("db_password: \"two words\", api_key='x y'", none))
        .isEqualTo("db_password: [redacted], api_key=[redacted]");
    assertThat(Scrub.text("ghp_16C7e42F292c6912E7710c838347Ae178B4a here", none))
        .isEqualTo("[redacted] here");
    // long runs without digits, and paths, stay
    assertThat(Scrub.text("/tmp/junit-14093382686514272003/manifests/a.yaml", none))
        .isEqualTo("/tmp/junit-14093382686514272003/manifests/a.yaml");
    assertThat(Scrub.text("a".repeat(40), none)).isEqualTo("a".repeat(40));
    assertThat(Scrub.text(null, none)).isNull();
  }

  @Test
  void problemsAreCappedAndTheirFieldsScrubbedToo() {
    String long_ = "word ".repeat(100);
    assertThat(Scrub.text(long_, Redactor.NONE)).hasSize(Scrub.MAX_CHARS + 1).endsWith("…");
    DocumentProblem p = new DocumentProblem("f.yaml", 3, "API_TOKEN=abc", "bad: API_TOKEN=abc");
    assertThat(Scrub.problem(p, Redactor.NONE))
        .isEqualTo("f.yaml:3: API_TOKEN=[redacted]: bad: API_TOKEN=[redacted]");
  }
}
