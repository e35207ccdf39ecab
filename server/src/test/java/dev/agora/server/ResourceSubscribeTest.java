package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.json.Json;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code resources/subscribe} through the gateway to server-everything, which sends {@code
 * notifications/resources/updated} for the resources its client subscribed to once its {@code
 * toggle-subscriber-updates} tool is called: the update reaches the client that subscribed (on
 * stdout, as {@code agora mcp} writes it), unsubscribing and leaving end the upstream subscription,
 * and what a caller may not read cannot be subscribed to.
 */
@Timeout(120)
class ResourceSubscribeTest extends AgainstGateway {

  private static final String UPDATED = "\"method\":\"notifications/resources/updated\"";

  /**
   * Sends a request and reads until its answer and, when {@code also} is not null, a line
   * containing {@code also} have both come; returns every line read, the answer last of those two.
   */
  private static List<String> until(StdioPipe s, int id, String request, String also)
      throws IOException {
    s.send(request);
    List<String> lines = new ArrayList<>();
    boolean answered = false;
    boolean seen = also == null;
    while (!(answered && seen)) {
      String line = s.fromServer.readLine();
      assertThat(line).as("the session ended; read so far: " + lines).isNotNull();
      lines.add(line);
      answered |= line.contains("\"id\":" + id + ",");
      seen |= also != null && line.contains(also);
    }
    return lines;
  }

  private static String firstUri(StdioPipe s) throws IOException {
    Dict listed =
        (Dict)
            ((Dict) Json.parse(s.ask(7, McpHttp.request(7, "resources/list", "{}")))).get("result");
    return ((Value.Str) ((Dict) ((Seq) listed.get("resources")).items().getFirst()).get("uri"))
        .value();
  }

  @Test
  void anUpdateReachesTheClientThatSubscribed() throws Exception {
    try (StdioPipe s = new StdioPipe(g.node, SecurityContext.full("op"))) {
      String uri = firstUri(s);
      String subscribe = McpHttp.request(8, "resources/subscribe", "{\"uri\":\"" + uri + "\"}");
      assertThat(s.ask(8, subscribe)).contains("\"result\":{}");
      assertThat(s.ask(9, subscribe.replace("\"id\":8", "\"id\":9")))
          .as("subscribing twice is subscribing once")
          .contains("\"result\":{}");

      List<String> lines =
          until(
              s,
              10,
              McpHttp.request(
                  10,
                  "tools/call",
                  "{\"name\":\"mcp.everything.toggle-subscriber-updates\",\"arguments\":{}}"),
              UPDATED);
      assertThat(lines.stream().filter(l -> l.contains(UPDATED)).findFirst().orElseThrow())
          .contains("\"uri\":\"" + uri + "\"");

      assertThat(
              s.ask(11, McpHttp.request(11, "resources/unsubscribe", "{\"uri\":\"" + uri + "\"}")))
          .contains("\"result\":{}");
      assertThat(
              s.ask(12, McpHttp.request(12, "resources/unsubscribe", "{\"uri\":\"" + uri + "\"}")))
          .as("unsubscribing from what is not subscribed to is no error")
          .contains("\"result\":{}");
      until(
          s,
          13,
          McpHttp.request(
              13,
              "tools/call",
              "{\"name\":\"mcp.everything.toggle-subscriber-updates\",\"arguments\":{}}"),
          null);
    }
  }

  @Test
  void leavingEndsTheSubscriptionUpstream() throws Exception {
    String uri;
    try (StdioPipe s = new StdioPipe(g.node, SecurityContext.full("op"))) {
      uri = firstUri(s);
      assertThat(s.ask(8, McpHttp.request(8, "resources/subscribe", "{\"uri\":\"" + uri + "\"}")))
          .contains("\"result\":{}");
    }
    assertThat(g.awaitLog("Received Unsubscribe Resource request: " + uri, 30)).isTrue();
  }

  @Test
  void whatTheCallerMayNotReadCannotBeSubscribedTo() throws Exception {
    String uri;
    try (StdioPipe op = new StdioPipe(g.node, SecurityContext.full("op"))) {
      uri = firstUri(op);
      assertThat(op.ask(8, McpHttp.request(8, "resources/subscribe", "{}")))
          .contains("\"code\":-32602", "params.uri must be a string");
      assertThat(op.ask(9, McpHttp.request(9, "resources/subscribe", "{\"uri\":\"test://none\"}")))
          .contains("\"code\":-32002", "Resource not found: test://none");
    }
    try (StdioPipe agent =
        new StdioPipe(g.node, SecurityContext.controlled("agent", "mcp.everything.echo"))) {
      assertThat(
              agent.ask(8, McpHttp.request(8, "resources/subscribe", "{\"uri\":\"" + uri + "\"}")))
          .contains("\"code\":-32002", "Resource not found: " + uri);
    }
  }
}
