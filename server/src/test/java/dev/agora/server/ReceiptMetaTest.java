package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.Receipt;
import java.nio.file.Path;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** An MCP tools/call result carries the call's receipt in _meta (issue 14), unless they are off. */
class ReceiptMetaTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String ADD =
      McpHttp.request(
          7, "tools/call", "{\"name\":\"ccos.math.add\",\"arguments\":{\"input\":[1,2]}}");

  @TempDir Path dir;

  /** The JSON-RPC answer in {@code body}, whether plain JSON or one server-sent event. */
  private static JsonNode answer(String body) {
    int data = body.indexOf("data:");
    return JSON.readTree(data < 0 ? body : body.substring(data + 5).strip());
  }

  /** The result of {@code ccos.math.add [1 2]} in a new session of {@code g}. */
  private static JsonNode add(BareGateway g) {
    McpHttp client = McpHttp.withKey(g.server().url(), "k");
    return answer(client.post(ADD, client.initialise()).body()).get("result");
  }

  /** The receipt object as its file: canonical JSON (keys sorted, no whitespace) and a newline. */
  private static String file(JsonNode receipt) {
    TreeMap<String, JsonNode> sorted = new TreeMap<>();
    receipt.propertyNames().forEach(k -> sorted.put(k, receipt.get(k)));
    return JSON.writeValueAsString(sorted) + "\n";
  }

  @Test
  void aToolsResultCarriesItsReceiptGoodOnceCompleted() throws Exception {
    try (BareGateway g = BareGateway.start(dir, "k", "", l -> {})) {
      JsonNode result = add(g);
      Receipt r = Receipt.parse(file(result.get("_meta").get(Tools.RECEIPT)));
      assertThat(r.signature()).isNull(); // batched, the default
      assertThat(r.verify(g.node().ledger().key().verifier()).valid()).isFalse();
      assertThat(g.node().complete(r).verify(g.node().ledger().key().verifier()).valid()).isTrue();
    }
  }

  @Test
  void aToolsResultCarriesItsSignedReceipt() throws Exception {
    try (BareGateway g = BareGateway.start(dir, "k", "receipts: {mode: immediate}\n", l -> {})) {
      JsonNode result = add(g);
      assertThat(result.get("content").get(0).get("text").asString()).isEqualTo("3");
      JsonNode meta = result.get("_meta").get(Tools.RECEIPT);
      Receipt r = Receipt.parse(file(meta));
      assertThat(r.capability()).isEqualTo("ccos.math.add");
      assertThat(r.verify(g.node().ledger().key().verifier()).valid()).isTrue();
      assertThat(g.node().chain().get(r.action())).isPresent();
    }
  }

  @Test
  void withReceiptsOffAResultHasNone() throws Exception {
    try (BareGateway g = BareGateway.start(dir, "k", "receipts: {mode: off}\n", l -> {})) {
      JsonNode result = add(g);
      assertThat(result.get("content").get(0).get("text").asString()).isEqualTo("3");
      assertThat(result.has("_meta")).isFalse();
    }
  }
}
