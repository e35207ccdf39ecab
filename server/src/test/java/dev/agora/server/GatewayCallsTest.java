package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.ChainQuery;
import dev.agora.core.AgoraNode;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.manifest.CapabilityManifest;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls through /mcp on a node with only the built-ins and what each test registers: many calls in
 * flight against a concurrency limit, tools that come, change and go while clients are connected,
 * results JSON cannot hold, and the hints a tool carries.
 */
@Timeout(120)
class GatewayCallsTest {

  private static final String KEY = "calls-key";
  private static final List<String> LOG = new CopyOnWriteArrayList<>();

  private static BareGateway gateway;
  private static AgoraNode node;
  private static AgoraServer server;

  @BeforeAll
  static void serve(@TempDir Path dir) throws Exception {
    gateway =
        BareGateway.start(
            dir,
            KEY,
            """
            policy:
              limits:
                - {capabilities: "slow.*", max_concurrent: 2}
            """,
            LOG::add);
    node = gateway.node();
    server = gateway.server();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static McpSyncClient client() {
    McpSyncClient c =
        McpClient.sync(
                HttpClientStreamableHttpTransport.builder(server.url().replace("/mcp", ""))
                    .endpoint("/mcp")
                    .requestBuilder(HttpRequest.newBuilder().header("X-API-Key", KEY))
                    .build())
            .requestTimeout(Duration.ofSeconds(30))
            .build();
    c.initialize();
    return c;
  }

  private static String text(McpSchema.CallToolResult r) {
    return ((McpSchema.TextContent) r.content().getFirst()).text();
  }

  private static McpSchema.Tool listed(McpSyncClient c, String name) {
    return c.listTools().tools().stream()
        .filter(t -> t.name().equals(name))
        .findFirst()
        .orElse(null);
  }

  @Test
  void callsBeyondAConcurrencyLimitAreRefusedAtOnceWhileTheAdmittedOnesRun() throws Exception {
    CountDownLatch entered = new CountDownLatch(2);
    CountDownLatch release = new CountDownLatch(1);
    node.marketplace()
        .registerLocal(
            CapabilityManifest.builder("slow.wait").input(":int").output(":int").build(),
            (in, call) -> {
              entered.countDown();
              release.await();
              return in;
            },
            false,
            "test");
    McpHttp http = McpHttp.withKey(server.url(), KEY);
    String session = http.initialise();
    List<CompletableFuture<HttpResponse<String>>> admitted = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      admitted.add(send(http, session, i));
    }
    assertThat(entered.await(30, TimeUnit.SECONDS)).as("both admitted calls running").isTrue();
    List<CompletableFuture<HttpResponse<String>>> refused = new ArrayList<>();
    for (int i = 2; i < 12; i++) {
      refused.add(send(http, session, i));
    }
    for (CompletableFuture<HttpResponse<String>> f : refused) {
      HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body())
          .contains("\"isError\":true")
          .contains("LimitExceeded: capability 'slow.wait' refused: at most 2 concurrent calls");
    }
    assertThat(admitted).noneMatch(CompletableFuture::isDone);
    release.countDown();
    for (int i = 0; i < 2; i++) {
      HttpResponse<String> r = admitted.get(i).get(30, TimeUnit.SECONDS);
      assertThat(r.body()).contains("\"text\":\"" + i + "\"").doesNotContain("\"isError\":true");
    }
    assertThat(
            node.chain()
                .query(ChainQuery.ALL.withType("CapabilityResult").withCapability("slow.wait")))
        .hasSize(12);
  }

  private static CompletableFuture<HttpResponse<String>> send(
      McpHttp http, String session, int input) {
    String call =
        "{\"jsonrpc\":\"2.0\",\"id\":"
            + (100 + input)
            + ",\"method\":\"tools/call\",\"params\":{\"name\":\"slow.wait\",\"arguments\":{\"input\":"
            + input
            + "}}}";
    return McpHttp.HTTP.sendAsync(
        http.request(session).POST(HttpRequest.BodyPublishers.ofString(call)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void toolsFollowTheRegistryWhileClientsAreConnected() {
    SecurityContext anyone = SecurityContext.full("anyone");
    try (McpSyncClient c = client()) {
      node.marketplace()
          .register(
              CapabilityManifest.builder("live.tool")
                  .version("1.0.0")
                  .description("the first")
                  .input(":int")
                  .output(":int")
                  .effects("network", "destructive")
                  .build(),
              "test");
      McpSchema.Tool first = listed(c, "live.tool");
      assertThat(first.description()).isEqualTo("the first");
      assertThat(first.annotations().destructiveHint()).isTrue();
      assertThat(first.annotations().openWorldHint()).isTrue();
      assertThat(first.annotations().readOnlyHint()).isFalse();

      CapabilityManifest second =
          CapabilityManifest.builder("live.tool")
              .version("2.0.0")
              .input(":int")
              .output(":int")
              .effects("unknown")
              .build();
      node.marketplace().register(second, "test");
      McpSchema.Tool newer = listed(c, "live.tool");
      assertThat(newer.description()).as("no description: the id").isEqualTo("live.tool");
      assertThat(newer.annotations().destructiveHint()).isFalse();
      assertThat(newer.annotations().openWorldHint()).isTrue();
      node.marketplace().register(second, "test"); // unchanged: the tool stays as it is
      assertThat(listed(c, "live.tool")).isEqualTo(newer);

      assertThat(node.marketplace().unregister("live.tool", "2.0.0")).isTrue();
      assertThat(listed(c, "live.tool").description())
          .as("the version left is shown again")
          .isEqualTo("the first");
      assertThat(node.marketplace().unregister("live.tool", null)).isTrue();
      assertThat(listed(c, "live.tool")).isNull();
      assertThat(server.gateway().toolsFor(anyone)).doesNotContain("live.tool");
    }
  }

  @Test
  void argumentsForAToolWithoutAnInputTypeSayWhatItTakes() {
    node.marketplace()
        .registerLocal(
            CapabilityManifest.builder("bare.any").output(":any").build(),
            (in, call) -> in,
            true,
            "test");
    try (McpSyncClient c = client()) {
      McpSchema.CallToolResult bare =
          c.callTool(
              McpSchema.CallToolRequest.builder("bare.any").arguments(Map.of("x", 1)).build());
      assertThat(text(bare))
          .isEqualTo(
              "InvalidInput: invalid input for 'bare.any': at []: expected one argument 'input'"
                  + " (any value), found the argument x");
    }
  }

  @Test
  void aResultJsonCannotHoldIsGivenInRtfsSyntax() {
    node.marketplace()
        .register(GatewayFixture.rtfs("odd.keys", ":int", ":any", "(fn [x] [x ##Inf])"), "test");
    try (McpSyncClient c = client()) {
      McpSchema.CallToolResult r =
          c.callTool(
              McpSchema.CallToolRequest.builder("odd.keys").arguments(Map.of("input", 1)).build());
      assertThat(text(r)).isEqualTo("[1 ##Inf]");
      assertThat(r.isError()).isNotEqualTo(Boolean.TRUE);
      assertThat(r.structuredContent()).isNull();
    }
  }
}
