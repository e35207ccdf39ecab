package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.agora.chain.ChainQuery;
import dev.agora.chain.Entry;
import dev.agora.chain.event.EventSink;
import dev.agora.core.AgoraNode;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ConfigLoader;
import dev.agora.core.json.Json;
import dev.agora.rtfs.Value;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * W3C trace context through the server with tracing on (a real OTLP/HTTP receiver on loopback): a
 * REST call carrying a {@code traceparent} joins that trace — the upstream HTTP capability it calls
 * receives the same trace id in its own {@code traceparent}, the Causal Chain records the trace id,
 * and the exported spans carry it.
 */
@Timeout(120)
class TracePropagationTest {

  @Test
  void aCallersTraceReachesTheUpstreamTheChainAndTheCollector(@TempDir Path dir) throws Exception {
    List<String> upstreamSaw = new CopyOnWriteArrayList<>();
    List<byte[]> exported = new CopyOnWriteArrayList<>();
    HttpServer peers = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    peers.createContext(
        "/echo",
        x -> {
          upstreamSaw.add(String.valueOf(x.getRequestHeaders().getFirst("traceparent")));
          byte[] body = x.getRequestBody().readAllBytes();
          x.getResponseHeaders().add("Content-Type", "application/json");
          x.sendResponseHeaders(200, body.length);
          x.getResponseBody().write(body);
          x.close();
        });
    peers.createContext(
        "/v1/traces",
        x -> {
          ByteArrayOutputStream b = new ByteArrayOutputStream();
          x.getRequestBody().transferTo(b);
          exported.add(b.toByteArray());
          x.sendResponseHeaders(200, -1);
          x.close();
        });
    peers.start();
    String peer = "http://127.0.0.1:" + peers.getAddress().getPort();
    Path file = dir.resolve("agora.yaml");
    Files.writeString(
        file,
        """
        contexts: {operator: {level: full}}
        default_context: operator
        policy:
          egress: {allow: ["*"], private: ["127.0.0.1"]}
        telemetry: {traces: otlp, endpoint: "%s/v1/traces"}
        server:
          port: 0
          api_keys: [{name: k, context: operator, sha256: "%s"}]
        """
            .formatted(peer, GatewayFixture.sha("k")));
    AgoraConfig cfg = ConfigLoader.load(file).withStorage(AgoraConfig.Storage.MEMORY);
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    try (AgoraNode node = AgoraNode.open(cfg, EventSink.NONE, l -> {});
        AgoraServer server = AgoraServer.start(node, cfg, l -> {})) {
      node.marketplace().bootstrap();
      String api = server.url().replace("/mcp", "/api/v1/capabilities");
      String manifest =
          """
          {"id": "up.echo", "version": "1.0.0", "input_schema": ":any", "output_schema": ":any",
           "provider": {"type": "http", "method": "POST", "url": "%s/echo"}}
          """
              .formatted(peer);
      HttpResponse<String> added =
          McpHttp.send(
              HttpRequest.newBuilder(URI.create(api))
                  .header("X-API-Key", "k")
                  .POST(HttpRequest.BodyPublishers.ofString(manifest)));
      assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
      HttpResponse<String> called =
          McpHttp.send(
              HttpRequest.newBuilder(URI.create(api + "/up.echo/call"))
                  .header("X-API-Key", "k")
                  .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"hello\": \"trace\"}")));
      assertThat(called.body()).as(called.body()).contains("\"hello\":\"trace\"");
      assertThat(upstreamSaw).hasSize(1);
      assertThat(upstreamSaw.get(0))
          .startsWith("00-" + traceId + "-")
          .doesNotContain("00f067aa0ba902b7"); // a span of Agora's own as the parent
      node.ledger().flush();
      Entry call =
          node.chain()
              .query(ChainQuery.ALL.withType("CapabilityCall").withCapability("up.echo"))
              .getFirst();
      assertThat(call.action().metadata().get(Json.key("trace_id"))).isEqualTo(Value.of(traceId));
      node.marketplace().telemetry().flush();
      byte[] id = HexFormat.of().parseHex(traceId);
      assertThat(exported)
          .as("the collector got spans of the caller's trace")
          .anyMatch(
              body ->
                  indexOf(body, id) >= 0
                      && new String(body, StandardCharsets.ISO_8859_1)
                          .contains("agora.call up.echo"));
    } finally {
      peers.stop(0);
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
