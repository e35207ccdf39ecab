package dev.agora.core.doc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.rtfs.Lst;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Reader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a problem may quote of a file (issue 12): short key names, never the file's text. */
class QuotingTest {

  @Test
  void onlyShortIdentifierLikeKeysAreQuotable() {
    assertThat(Quoting.quotable("colour")).isTrue();
    assertThat(Quoting.quotable("AWS_SECRET_ACCESS_KEY")).isTrue();
    assertThat(Quoting.quotable("input-schema")).isTrue();
    assertThat(Quoting.quotable("v2")).isTrue();
    assertThat(Quoting.quotable("a".repeat(32))).isTrue();
    assertThat(Quoting.quotable("a".repeat(33))).as("too long").isFalse();
    assertThat(Quoting.quotable("AKIA1234567890123456")).as("token-like").isFalse();
    assertThat(Quoting.quotable("DB_PASSWORD=hunter2")).isFalse();
    assertThat(Quoting.quotable("root:x:0:0")).isFalse();
    assertThat(Quoting.quotable("two words")).isFalse();
    assertThat(Quoting.quotable("")).isFalse();
    assertThat(Quoting.quotable("1st")).isFalse();
  }

  @Test
  void aValueIsDescribedByItsShapeNumbersAsTheyAre() {
    assertThat(Quoting.shape(Value.of("hunter2"))).isEqualTo("a string of 7 characters");
    assertThat(Quoting.shape(Value.of("x"))).isEqualTo("a string of 1 character");
    assertThat(Quoting.shape(Reader.readValue("[1 2 3]"))).isEqualTo("a vector of 3 items");
    assertThat(Quoting.shape(Lst.of(List.of(Value.of(1))))).isEqualTo("a list of 1 item");
    assertThat(Quoting.shape(Reader.readValue("{:a 1}"))).isEqualTo("a map of 1 key");
    assertThat(Quoting.shape(Reader.readValue("{}"))).isEqualTo("a map of 0 keys");
    assertThat(Quoting.shape(Value.of(42))).isEqualTo("42 (integer)");
    assertThat(Quoting.shape(Value.of(1.5))).isEqualTo("1.5 (float)");
    assertThat(Quoting.shape(Value.TRUE)).isEqualTo("true (boolean)");
    assertThat(Quoting.shape(Value.NIL)).isEqualTo("nil (nil)");
    assertThat(Quoting.shape(Value.keyword("secret"))).isEqualTo("a keyword");
  }

  @Test
  void parserMessagesLoseWhatTheyQuoteAndTheirSnippetLines() {
    assertThat(
            Quoting.parserMessage(
                "Unrecognized token 'hunter2': was expecting (JSON String or 'null')"))
        .isEqualTo("Unrecognized token …: was expecting (JSON String or …)");
    assertThat(
            Quoting.parserMessage(
                "mapping values are not allowed here\n in reader, line 1:\n    root:x:0:0:secret"))
        .isEqualTo("mapping values are not allowed here");
    assertThat(Quoting.parserMessage("duplicate map key \"tok3n\""))
        .isEqualTo("duplicate map key …");
    assertThat(Quoting.parserMessage("unterminated 'hunter2 and more")).isEqualTo("unterminated …");
    assertThat(Quoting.parserMessage("bad `x` here")).isEqualTo("bad … here");
    assertThat(Quoting.parserMessage(null)).isEqualTo("the parser gave no reason");
    assertThat(Quoting.parserMessage("  ")).isEqualTo("the parser gave no reason");
    assertThat(Quoting.parserMessage("x".repeat(500)))
        .hasSize(Quoting.MAX_PARSER_MESSAGE + 1)
        .endsWith("…");
  }
}
