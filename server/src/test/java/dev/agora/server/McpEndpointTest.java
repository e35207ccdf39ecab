package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.ChainQuery;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * /mcp with requests a well-behaved client does not send — a wrong Content-Type or Accept, no
 * session, an unknown or ended one, chunked and oversized bodies — and the event stream a session
 * opens with GET. Every refusal is an HTTP error whose body, when there is one, is a JSON-RPC error
 * without Java names.
 */
@Timeout(120)
class McpEndpointTest extends AgainstGateway {

  private static McpHttp ops() {
    return McpHttp.withKey(g.url(), GatewayFixture.OPS_KEY);
  }

  private static long recorded(String capability) {
    return g.node
        .chain()
        .query(
            ChainQuery.ALL
                .withType("CapabilityResult")
                .withCapability(capability)
                .withCaller("operator/ops-key"))
        .size();
  }

  @Test
  void aChunkedCallToAnUnknownToolIsRecordedWithTheCaller() {
    // a body without Content-Length (chunked) went to the SDK unread: its unknown tool left no
    // trace
    String session = ops().initialise();
    byte[] body = McpHttp.call("chunked.unknown").getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> r =
        McpHttp.send(
            ops()
                .request(session)
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(body))));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("Unknown tool");
    assertThat(recorded("chunked.unknown")).isEqualTo(1);
  }

  @Test
  void aCallToAnUnknownToolInALargeBodyIsRecordedWithTheCaller() {
    // a body over 1 MiB went to the SDK unread
    String session = ops().initialise();
    String call = McpHttp.call("large.unknown");
    String padded = call.substring(0, call.length() - 1) + " ".repeat(2 << 20) + "}";
    HttpResponse<String> r = ops().post(padded, session);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("Unknown tool");
    assertThat(recorded("large.unknown")).isEqualTo(1);
  }

  @Test
  void aBodyOverTheLimitIsRefusedBeforeItIsRead() throws Exception {
    McpHttp.Raw r =
        McpHttp.rawPost(
            g.server.port(), "Content-Length: " + (ServerSettings.DEFAULT.maxBody() + 1), "");
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.body())
        .isEqualTo(
            "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32000,\"message\":\"the request"
                + " body is larger than 4194304 bytes (server.max_body)\"}}");
  }

  @Test
  void aChunkedBodyOverTheLimitIsRefused() throws Exception {
    String session = ops().initialise();
    byte[] spaces = " ".repeat(1 << 20).getBytes(StandardCharsets.US_ASCII);
    InputStream endless = new InputStream() { // 5 MiB of blanks, a megabyte at a time
          int left = 5;
          int at = spaces.length;

          @Override
          public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0];
          }

          @Override
          public int read(byte[] b, int off, int len) {
            if (at == spaces.length) {
              if (left-- == 0) {
                return -1;
              }
              at = 0;
            }
            int n = Math.min(len, spaces.length - at);
            System.arraycopy(spaces, at, b, off, n);
            at += n;
            return n;
          }
        };
    // a client of its own: the server closes this connection mid-body, and a shared pool could
    // hand the dead connection to the next test
    try (HttpClient own = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      HttpResponse<String> r =
          own.send(
              ops()
                  .request(session)
                  .POST(HttpRequest.BodyPublishers.ofInputStream(() -> endless))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(413);
      assertThat(r.body()).contains("larger than 4194304 bytes (server.max_body)");
    }
  }

  @Test
  void requestsTheTransportCannotTakeAreRefusedWithJsonRpcErrors() {
    String session = ops().initialise();
    HttpResponse<String> text =
        McpHttp.send(
            ops()
                .request(session)
                .setHeader("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(McpHttp.call("ccos.echo"))));
    assertThat(text.statusCode()).isEqualTo(415);
    assertThat(text.body())
        .contains("\"code\":-32600")
        .contains("Content-Type must be application/json");
    HttpResponse<String> noStream =
        McpHttp.send(
            ops()
                .request(session)
                .setHeader("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(McpHttp.call("ccos.echo"))));
    assertThat(noStream.statusCode()).isEqualTo(400);
    assertThat(noStream.body()).contains("text/event-stream required in Accept header");
    HttpResponse<String> noSession = ops().post(McpHttp.call("ccos.echo"), null);
    assertThat(noSession.statusCode()).isEqualTo(400);
    assertThat(noSession.body()).contains("Session ID required");
    assertThat(ops().post(McpHttp.call("ccos.echo"), "no-such-session").statusCode())
        .isEqualTo(404);
  }

  @Test
  void aDeletedSessionIsGone() {
    String session = ops().initialise();
    assertThat(ops().post(McpHttp.call("ccos.echo"), session).statusCode()).isEqualTo(200);
    assertThat(McpHttp.send(ops().request(session).DELETE()).statusCode()).isEqualTo(200);
    assertThat(ops().post(McpHttp.call("ccos.echo"), session).statusCode()).isEqualTo(404);
    HttpResponse<String> noSession = McpHttp.send(ops().request(null).DELETE());
    assertThat(noSession.statusCode()).isEqualTo(400);
    assertThat(noSession.body()).contains("Session ID required");
  }

  @Test
  void theEventStreamOfASessionCarriesToolListChanges() throws Exception {
    String session = ops().initialise();
    assertThat(McpHttp.send(ops().request(null).GET()).statusCode()).isEqualTo(400);
    assertThat(
            McpHttp.send(ops().request(session).setHeader("Accept", "application/json").GET())
                .statusCode())
        .isEqualTo(400);
    assertThat(McpHttp.send(ops().request("no-such-session").GET()).statusCode()).isEqualTo(404);
    HttpResponse<InputStream> stream =
        McpHttp.HTTP.send(
            ops().request(session).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
    try (BufferedReader events =
        new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
      g.node
          .marketplace()
          .register(GatewayFixture.rtfs("demo.streamed", ":int", ":int", "(fn [x] x)"), "test");
      String line;
      do {
        line = events.readLine();
      } while (line != null && !line.contains("notifications/tools/list_changed"));
      assertThat(line).startsWith("data:").contains("\"jsonrpc\":\"2.0\"");
    }
  }

  @Test
  void deletingASessionEndsItsEventStream() throws Exception {
    String session = ops().initialise();
    HttpResponse<InputStream> stream =
        McpHttp.HTTP.send(
            ops().request(session).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(McpHttp.send(ops().request(session).DELETE()).statusCode()).isEqualTo(200);
    try (InputStream events = stream.body()) {
      assertThat(events.readAllBytes()).as("the stream ends, nothing more on it").isEmpty();
    }
  }
}
