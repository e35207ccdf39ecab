package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.ChainQuery;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway looks for calls to unknown tools without parsing every message twice: only a body
 * that mentions {@code tools/call}, or could spell it with JSON escapes, is parsed. Whatever the
 * spelling, such a call is recorded with its caller.
 */
class UnknownToolRecordingTest {

  @Test
  void everySpellingOfACallToAnUnknownToolIsRecorded(@TempDir Path dir) throws IOException {
    try (BareGateway g = BareGateway.start(dir, "k", "", l -> {})) {
      McpHttp client = McpHttp.withKey(g.server().url(), "k");
      String session = client.initialise();
      List<String> spellings =
          List.of(
              McpHttp.call("no.such.plain"),
              McpHttp.call("no.such.slash").replace("tools/call", "tools\\/call"),
              McpHttp.call("no.such.unicode").replace("tools/call", "\\u0074ools/call"));
      for (String body : spellings) {
        assertThat(client.post(body, session).body()).as(body).contains("-32602");
      }
      assertThat(client.post("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"}", session).body())
          .contains("\"id\":9");
      assertThat(
              g.node().chain().query(ChainQuery.ALL.withType("CapabilityResult")).stream()
                  .map(e -> e.columns().capabilityId())
                  .filter(id -> id.startsWith("no.such."))
                  .sorted()
                  .toList())
          .containsExactly("no.such.plain", "no.such.slash", "no.such.unicode");
    }
  }
}
