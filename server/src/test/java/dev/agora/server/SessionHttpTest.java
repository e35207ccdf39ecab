package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What {@code /mcp} answers a request that breaks the rules of Streamable HTTP: the wrong content
 * type, an Accept header without both answers, a GET that cannot stream, messages for sessions that
 * are not the caller's — each a JSON-RPC error with its HTTP status; a notification or response
 * outside any session is taken (202) and dropped.
 */
@Timeout(60)
class SessionHttpTest extends AgainstBareGateway {

  private static McpHttp client() {
    return McpHttp.withKey(g.server().url(), KEY);
  }

  /** A POST of {@code body} with only the headers given (name, value, …) and the API key. */
  private static HttpResponse<String> postWith(String body, String session, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(g.server().url())).header("X-API-Key", KEY);
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    if (session != null) {
      b.header("Mcp-Session-Id", session);
    }
    return McpHttp.send(b.POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  @Test
  void aBodyThatIsNotJsonIs415() {
    for (String[] type : new String[][] {{"Content-Type", "text/plain"}, {}}) {
      HttpResponse<String> r =
          postWith(
              McpHttp.INITIALIZE,
              null,
              concat(type, "Accept", "application/json, text/event-stream"));
      assertThat(r.statusCode()).isEqualTo(415);
      assertThat(r.body())
          .contains("\"code\":-32600")
          .contains("Content-Type must be application/json");
    }
  }

  @Test
  void aPostMustAcceptBothJsonAndAnEventStream() {
    String session = client().initialise();
    for (String[] accept :
        new String[][] {{"Accept", "application/json"}, {"Accept", "text/event-stream"}, {}}) {
      for (String s : new String[] {null, session}) {
        HttpResponse<String> r =
            postWith(
                s == null ? McpHttp.INITIALIZE : McpHttp.call("ccos.echo"),
                s,
                concat(accept, "Content-Type", "application/json"));
        assertThat(r.statusCode()).as("%s in %s", String.join(" ", accept), s).isEqualTo(400);
        assertThat(r.body())
            .contains("application/json and text/event-stream required in Accept header");
      }
    }
  }

  @Test
  void notificationsAndResponsesOutsideASessionAreTakenAndDropped() {
    String response = "{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{}}";
    for (String body : new String[] {McpHttp.INITIALIZED, response}) {
      HttpResponse<String> r = client().post(body, null);
      assertThat(r.statusCode()).as(body).isEqualTo(202);
      assertThat(r.body()).isEmpty();
      HttpResponse<String> unknown = client().post(body, "no-such-session");
      assertThat(unknown.statusCode()).as("a session that is not the caller's").isEqualTo(404);
      assertThat(unknown.body())
          .contains("no MCP session with this Mcp-Session-Id for this caller");
    }
    String session = client().initialise();
    assertThat(client().post(response, session).statusCode())
        .as("an answer to a request the session never got")
        .isEqualTo(202);
    assertThat(client().post(McpHttp.call("ccos.echo"), session).body())
        .as("the session still works")
        .contains("\"content\"");
  }

  @Test
  void toolArgumentsMustBeAnObjectOrNull() {
    String session = client().initialise();
    String call =
        "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":"
            + "{\"name\":\"ccos.echo\",\"arguments\":%s}}";
    assertThat(client().post(call.formatted("null"), session).body())
        .as("null: no arguments")
        .contains("\"content\"")
        .doesNotContain("\"error\"");
    assertThat(client().post(call.formatted("[1]"), session).body())
        .contains("\"code\":-32602")
        .contains("params.arguments must be an object");
  }

  @Test
  void aGetNeedsAKnownSessionAndAnEventStream() {
    HttpResponse<String> none = McpHttp.send(client().request(null).GET());
    assertThat(none.statusCode()).isEqualTo(400);
    assertThat(none.body()).contains("Session ID required");
    HttpResponse<String> unknown = McpHttp.send(client().request("no-such-session").GET());
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("no MCP session with this Mcp-Session-Id");
    String session = client().initialise();
    HttpResponse<String> json =
        McpHttp.send(client().request(session).setHeader("Accept", "application/json").GET());
    assertThat(json.statusCode()).isEqualTo(400);
    assertThat(json.body()).contains("Accept must allow text/event-stream");
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = new String[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
