package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpError;
import java.nio.charset.StandardCharsets;
import java.util.Map;
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

  @Test
  void theMapperWritesAnMcpErrorAsAJsonRpcErrorAndReadsLikeTheSdks() throws Exception {
    PlainErrors mapper = new PlainErrors(McpJsonDefaults.getMapper());
    McpError error =
        McpError.builder(-32600).message("java.lang.IllegalStateException: bad\nmore").build();
    String expected =
        "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"bad\"}}";
    assertThat(mapper.writeValueAsString(error)).isEqualTo(expected);
    assertThat(new String(mapper.writeValueAsBytes(error), StandardCharsets.UTF_8))
        .isEqualTo(expected);
    assertThat(mapper.writeValueAsString(Map.of("a", 1))).isEqualTo("{\"a\":1}");
    byte[] bytes = expected.getBytes(StandardCharsets.UTF_8);
    TypeRef<Map<String, Object>> map = new TypeRef<>() {};
    assertThat(mapper.readValue(expected, Map.class)).containsEntry("jsonrpc", "2.0");
    assertThat(mapper.readValue(bytes, Map.class)).containsEntry("id", null);
    assertThat(mapper.readValue(expected, map)).containsKey("error");
    assertThat(mapper.readValue(bytes, map)).containsKey("error");
    assertThat(mapper.convertValue(Map.of("code", 1), Map.class)).containsEntry("code", 1);
    assertThat(mapper.convertValue(Map.of("code", 1), map)).containsEntry("code", 1);
  }
}
