package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.ChainQuery;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.modern.McpSchema;
import io.modelcontextprotocol.modern.client.McpClient;
import io.modelcontextprotocol.modern.client.McpSyncClient;
import io.modelcontextprotocol.modern.client.SubscriptionEvent;
import io.modelcontextprotocol.modern.client.transport.HttpClientMcpTransport;
import io.modelcontextprotocol.modern.client.transport.McpHttpRequestCustomizer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The MCP Java SDK's 2026-07-28 client ({@code io.modelcontextprotocol.modern}) against {@code
 * agora serve} in front of server-everything, a 2025-11-25 server: a downstream of one generation
 * using an upstream of the other. The upstream's elicitation during a call reaches this client as
 * an {@code input_required} answer, the SDK answers it with its handler and sends the call again,
 * and the call — one call, recorded once — ends with the answer in its result.
 */
@Timeout(120)
class ModernClientTest extends AgainstGateway {

  static McpSyncClient client(McpClient.SyncBuilder builder) {
    return builder
        .clientInfo(McpSchema.Implementation.builder("modern-test", "1.0").build())
        .callTimeout(Duration.ofSeconds(30))
        .roundTimeout(Duration.ofSeconds(30))
        .build();
  }

  static McpClient.SyncBuilder builder() {
    return McpClient.sync(
        HttpClientMcpTransport.builder(URI.create(g.url()))
            .jsonMapper(McpJsonDefaults.getMapper())
            .requestCustomizer(
                McpHttpRequestCustomizer.fromSync(
                    (request, headers, context) ->
                        headers.set("Authorization", "Bearer " + GatewayFixture.OPS_KEY)))
            .build());
  }

  private static String text(McpSchema.CallToolResult r) {
    return r.content().stream()
        .map(c -> c instanceof McpSchema.TextContent t ? t.text() : String.valueOf(c))
        .reduce("", String::concat);
  }

  @Test
  void anUpstreamsElicitationIsAnsweredInRoundsByA2026Client() {
    List<String> asked = new CopyOnWriteArrayList<>();
    McpSyncClient modern =
        client(
            builder()
                .formElicitation(
                    r -> {
                      asked.add(r.message());
                      return new McpSchema.ElicitResult(
                          McpSchema.ElicitResult.Action.ACCEPT, Map.of("name", "Ada Lovelace"));
                    }));
    long before = calls("mcp.everything.trigger-elicitation-request");
    McpSchema.CallToolResult r =
        modern.tool("mcp.everything.trigger-elicitation-request").arguments(Map.of()).call();
    assertThat(r.isError()).as(text(r)).isNotEqualTo(Boolean.TRUE);
    assertThat(text(r)).contains("Ada Lovelace");
    assertThat(asked).hasSize(1);
    assertThat(calls("mcp.everything.trigger-elicitation-request"))
        .as("the rounds are one call on the call path, recorded once")
        .isEqualTo(before + 1);
    assertThat(
            g.node.chain().query(ChainQuery.ALL.withType("CapabilityResult")).stream()
                .filter(
                    e ->
                        "mcp.everything.trigger-elicitation-request"
                            .equals(e.columns().capabilityId()))
                .map(e -> new String(e.body(), StandardCharsets.UTF_8))
                .reduce("", String::concat))
        .contains("elicitation/create");
  }

  @Test
  void aClientThatDeclaresNoElicitationIsNotAsked() {
    McpSyncClient plain = client(builder());
    McpSchema.CallToolResult echoed =
        plain.tool("mcp.everything.echo").arguments(Map.of("message", "hi")).call();
    assertThat(text(echoed)).contains("hi");
    McpSchema.CallToolResult r =
        plain.tool("mcp.everything.trigger-elicitation-request").arguments(Map.of()).call();
    assertThat(r.isError()).isTrue();
    assertThat(text(r)).contains("did not declare the 'elicitation' capability");
  }

  @Test
  void aListeningClientHearsOfListChangesAndOfTheResourcesItNamed() throws Exception {
    McpSyncClient modern = client(builder());
    String uri = modern.resources().list().resources().getFirst().uri();
    BlockingQueue<SubscriptionEvent> heard = new LinkedBlockingQueue<>();
    McpSyncClient.Listening listening =
        modern.listen().toolsChanged().resourceUpdates(uri, "test://nothing").open(heard::add);
    try {
      SubscriptionEvent.Subscribed ack =
          (SubscriptionEvent.Subscribed) heard.poll(30, TimeUnit.SECONDS);
      assertThat(ack).isNotNull();
      assertThat(ack.honoured().wantsToolsListChanged()).isTrue();
      assertThat(ack.honoured().resourceSubscriptionsOrEmpty())
          .as("an unknown resource is not honoured")
          .containsExactly(uri);

      g.node
          .marketplace()
          .register(GatewayFixture.rtfs("demo.listened", ":int", ":int", "(fn [x] x)"), "test");
      assertThat(heard.poll(30, TimeUnit.SECONDS))
          .isInstanceOf(SubscriptionEvent.ToolsListChanged.class);

      modern.tool("mcp.everything.toggle-subscriber-updates").arguments(Map.of()).call();
      assertThat(heard.poll(30, TimeUnit.SECONDS))
          .isInstanceOfSatisfying(
              SubscriptionEvent.ResourceUpdated.class, u -> assertThat(u.uri()).isEqualTo(uri));
      modern.tool("mcp.everything.toggle-subscriber-updates").arguments(Map.of()).call();
    } finally {
      listening.close();
    }
  }

  @Test
  void aListenRequestWithoutWhatToHearIsRefused() {
    McpHttp http = McpHttp.withKey(g.url(), GatewayFixture.OPS_KEY);
    HttpResponse<String> r =
        McpHttp.send(
            http.request(null)
                .setHeader("MCP-Protocol-Version", "2026-07-28")
                .header("Mcp-Method", "subscriptions/listen")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        McpHttp.request(
                            1, "subscriptions/listen", "{" + StatelessHttpTest.META + "}"))));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("\"code\":-32602", "params.notifications is required");
  }

  private static long calls(String id) {
    return g.node.chain().query(ChainQuery.ALL.withType("CapabilityCall")).stream()
        .filter(e -> id.equals(e.columns().capabilityId()))
        .count();
  }
}
