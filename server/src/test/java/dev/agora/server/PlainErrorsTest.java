package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a caller reads when its JSON-RPC message is malformed: one line, no Java names. */
class PlainErrorsTest {

  @Test
  void messagesLoseClassNamesAndEverythingAfterTheFirstLine() {
    // McpFuzzTest seed 7412077951913: Jackson named the type it wanted
    assertThat(
            PlainErrors.plain(
                "Invalid message format: Cannot deserialize value of type `java.lang.String` from"
                    + " Object value (token `JsonToken.START_OBJECT`)"))
        .isEqualTo(
            "Invalid message format: Cannot deserialize value of type `String` from Object value"
                + " (token `JsonToken.START_OBJECT`)")
        .doesNotContain("java.");
    assertThat(
            PlainErrors.plain(
                "io.modelcontextprotocol.spec.McpError: bad request\n\tat x.y.Z.run(Z.java:1)"))
        .isEqualTo("bad request");
    assertThat(PlainErrors.plain(null)).isEqualTo("invalid message");
  }
}
