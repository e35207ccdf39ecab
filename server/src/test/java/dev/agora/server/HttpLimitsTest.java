package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.ChainQuery;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code server.max_body} and {@code server.limits} over real HTTP (issue 12: one caller sending 15
 * MB arguments from 12 threads filled the disk and starved everyone else). The agent's key may make
 * 5 requests in all (0.001 a second, bursts of 5000 s' worth), the deny-all context's callers may
 * send about a kilobyte; the operator has the default. No timing is asserted: the limits are set so
 * that no refill can happen while the test runs.
 */
@Timeout(120)
class HttpLimitsTest {

  @TempDir static Path dir;

  static GatewayFixture g;

  @BeforeAll
  static void start() throws Exception {
    g =
        new GatewayFixture(
            dir,
            """
              max_body: 64KiB
              limits:
                default: {calls_per_second: 1000}
                keys: {agent-key: {calls_per_second: 0.001, burst: 5000s}}
                contexts: {nobody: {bytes_per_second: 100, burst: 10s}}
            """);
  }

  @AfterAll
  static void stop() {
    g.close();
  }

  private static McpHttp as(String key) {
    return McpHttp.withKey(g.url(), key);
  }

  private static String echo(int i) {
    return "{\"jsonrpc\":\"2.0\",\"id\":"
        + i
        + ",\"method\":\"tools/call\",\"params\":{\"name\":\"ccos.echo\",\"arguments\":{\"input\":"
        + i
        + "}}}";
  }

  @Test
  void aCallerOverItsLimitIsRefusedWhileAnotherGetsThrough() throws Exception {
    McpHttp agent = as(GatewayFixture.AGENT_KEY);
    McpHttp ops = as(GatewayFixture.OPS_KEY);
    String agentSession = agent.initialise(); // 2 of the agent's 5 requests
    String opsSession = ops.initialise();
    List<Callable<HttpResponse<String>>> agentCalls = new ArrayList<>();
    List<Callable<HttpResponse<String>>> opsCalls = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      int n = i;
      agentCalls.add(() -> agent.post(echo(n), agentSession));
      opsCalls.add(() -> ops.post(echo(n), opsSession));
    }
    List<Callable<HttpResponse<String>>> all = new ArrayList<>();
    for (int i = 0; i < 40; i++) { // interleaved, all at once
      all.add(agentCalls.get(i));
      all.add(opsCalls.get(i));
    }
    List<HttpResponse<String>> agentAnswers = new ArrayList<>();
    List<HttpResponse<String>> opsAnswers = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<HttpResponse<String>>> answers = pool.invokeAll(all);
      for (int i = 0; i < answers.size(); i++) {
        (i % 2 == 0 ? agentAnswers : opsAnswers).add(answers.get(i).get());
      }
    }
    assertThat(opsAnswers).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
    assertThat(agentAnswers).filteredOn(r -> r.statusCode() == 200).hasSize(3);
    List<HttpResponse<String>> refused =
        agentAnswers.stream().filter(r -> r.statusCode() == 429).toList();
    assertThat(refused).hasSize(37);
    assertThat(refused)
        .allSatisfy(
            r -> {
              assertThat(r.headers().firstValue("Retry-After"))
                  .hasValueSatisfying(s -> assertThat(Long.parseLong(s)).isPositive());
              assertThat(r.body())
                  .startsWith(
                      "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32000,\"message\":"
                          + "\"caller 'agent/agent-key' is over its rate limit (0.001 requests and"
                          + " 8388608 bytes a second, server.limits); retry after ");
            });
    // the refusals are counted, per caller; nothing of them reached the Causal Chain
    HttpResponse<String> metrics =
        McpHttp.send(
            HttpRequest.newBuilder(URI.create(g.url().replace("/mcp", "/metrics")))
                .header("X-API-Key", GatewayFixture.OPS_KEY));
    assertThat(metrics.body())
        .contains(
            "agora_server_refused_total{caller=\"agent/agent-key\",reason=\"rate_limit\"} 37.0");
    assertThat(
            g.node
                .chain()
                .query(ChainQuery.ALL.withType("CapabilityCall").withCaller("agent/agent-key")))
        .hasSize(3);
  }

  @Test
  void aCallerOverItsByteAllowanceIsRefusedUntilItIsPaidOff() {
    McpHttp nobody = as(GatewayFixture.NOBODY_KEY); // 100 bytes a second, 1,000 at most
    String session = nobody.initialise();
    String big = echo(1).replace("\"input\":1", "\"input\":\"" + "x".repeat(60_000) + "\"");
    assertThat(nobody.post(big, session).statusCode()).isEqualTo(200); // let in on credit
    HttpResponse<String> r = nobody.post(echo(2), session);
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.body()).contains("is over its rate limit (1000 requests and 100 bytes a second");
    assertThat(Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow()))
        .isGreaterThan(500); // about 59,000 bytes to pay off at 100 a second
  }

  @Test
  void aBodyOverTheConfiguredMaximumIsRefusedWithAndWithoutALength() throws Exception {
    int max = 64 << 10;
    String refusal =
        "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32000,\"message\":\"the request"
            + " body is larger than 65536 bytes (server.max_body)\"}}";
    McpHttp.Raw declared = McpHttp.rawPost(g.server.port(), "Content-Length: " + (max + 1), "");
    assertThat(declared.status()).isEqualTo(413);
    assertThat(declared.body()).isEqualTo(refusal);
    String chunk = " ".repeat(max + 1);
    McpHttp.Raw chunked =
        McpHttp.rawPost(
            g.server.port(),
            "Transfer-Encoding: chunked",
            Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n0\r\n\r\n");
    assertThat(chunked.status()).isEqualTo(413);
    assertThat(chunked.body()).endsWith(refusal);
    // at the limit: taken
    McpHttp ops = as(GatewayFixture.OPS_KEY);
    String session = ops.initialise();
    String call = echo(3);
    String exact = call.substring(0, call.length() - 1) + " ".repeat(max - call.length()) + "}";
    assertThat(exact).hasSize(max);
    assertThat(ops.post(exact, session).statusCode()).isEqualTo(200);
  }
}
