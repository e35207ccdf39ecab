package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.agora.core.fuzz.Mutator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated JSON-RPC messages POSTed to /mcp on a real loopback server, inside an initialised session
 * and outside one: every answer is a 2xx or 4xx, or a JSON-RPC error (the SDK answers a posted
 * response whose id it does not know with a 500), without a stack trace or Java class name, none
 * takes longer than the per-request deadline, and afterwards the server still answers a valid call
 * correctly. The seed is printed; {@code -Dfuzz.seed=N} replays a run, {@code -Dfuzz.inputs=N}
 * changes its size.
 */
class McpFuzzTest {

  private static final String KEY = "fuzz-key";
  private static final Duration PER_REQUEST = Duration.ofSeconds(5);
  private static final List<String> LOG = new CopyOnWriteArrayList<>();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private static BareGateway gateway;
  private static AgoraServer server;

  @BeforeAll
  static void serve(@TempDir Path dir) throws Exception {
    // the barrage is one caller's: no rate limit, or most of it would be 429s
    gateway =
        BareGateway.start(
            dir,
            KEY,
            "",
            "  limits: {default: {calls_per_second: 1000000, bytes_per_second: 1GiB}}",
            LOG::add);
    server = gateway.server();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void onlyJsonRpcErrorsOrClientErrorsComeBackAndTheServerKeepsAnswering() {
    long seed = Long.getLong("fuzz.seed", System.nanoTime());
    int inputs = Integer.getInteger("fuzz.inputs", 10_000);
    System.out.println("McpFuzzTest seed: " + seed + " (replay with -Dfuzz.seed=" + seed + ")");
    String session = initialise();
    Mutator mutator = new Mutator(seeds(), seed);
    Map<String, Integer> outcomes = new TreeMap<>();
    assertTimeoutPreemptively(
        Duration.ofMinutes(5).plusMillis(20L * inputs), // a hang guard, never a timing
        () -> {
          for (int i = 0; i < inputs; i++) {
            String input = mutator.next();
            HttpResponse<String> r = post(input, i % 10 == 0 ? null : session, seed, i);
            String what =
                "seed "
                    + seed
                    + " input #"
                    + i
                    + ":\n"
                    + abbreviate(input)
                    + "\nanswer "
                    + r.statusCode()
                    + ": "
                    + abbreviate(r.body());
            assertThat(r.statusCode()).as(what).isBetween(200, 500);
            if (r.statusCode()
                == 500) { // the SDK's answer to a posted response with an unknown id: still
              // JSON-RPC
              assertThat(r.body())
                  .as(what)
                  .startsWith("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32603,");
            }
            assertThat(r.body())
                .as(what)
                .doesNotContain(
                    "\tat ", "\n at ", "Exception:", "stackTrace", "java.lang.", "dev.agora.");
            outcomes.merge(outcome(r), 1, Integer::sum);
          }
        },
        "seed " + seed);
    System.out.println("McpFuzzTest: " + outcomes);
    assertThat(outcomes.keySet())
        .as("the mutations reach JSON-RPC errors and HTTP refusals")
        .anyMatch(o -> o.startsWith("200 error"))
        .anyMatch(o -> o.startsWith("4"));
    // after the barrage: the same session and a new one still call correctly
    for (String s : List.of(session, initialise())) {
      HttpResponse<String> sum = post(CALL_ADD, s, seed, -1);
      assertThat(sum.statusCode()).isEqualTo(200);
      assertThat(sum.body())
          .contains("\"id\":7")
          .contains("\"text\":\"5\"")
          .doesNotContain("\"isError\":true");
    }
  }

  @Test
  void aMalformedMessageIsAJsonRpcErrorWithoutTheExceptionBehindIt() {
    String session = initialise();
    HttpResponse<String> malformed = post("{", session, 0, -1);
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.body())
        .startsWith(
            "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error: not JSON (malformed JSON")
        .doesNotContain("stackTrace", "Exception", "\n at ");
    HttpResponse<String> noVersion =
        post("{\"jsonrpc\":\"\",\"id\":1,\"method\":\"ping\"}", session, 0, -1);
    assertThat(noVersion.statusCode()).isEqualTo(400);
    assertThat(noVersion.body())
        .isEqualTo(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32600,\"message\":\"Invalid Request: jsonrpc must be \\\"2.0\\\"\"}}");
  }

  private static final String CALL_ADD =
      "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"ccos.math.add\",\"arguments\":{\"input\":[2,3]}}}";

  private static List<String> seeds() {
    return List.of(
        CALL_ADD,
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\",\"params\":{\"cursor\":\"x\"}}",
        "{\"jsonrpc\":\"2.0\",\"id\":\"s\",\"method\":\"ping\"}",
        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"ccos.echo\",\"arguments\":{\"input\":[1,{\"k\":\"v\"},null]}}}",
        "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"no.such.tool\",\"arguments\":{}}}",
        "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"resources/list\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"fuzz\",\"version\":\"1\"}}}",
        "[{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"ping\"},{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/list\"}]",
        "{\"jsonrpc\":\"2.0\",\"id\":10,\"result\":{}}");
  }

  /** A new session: initialize, then the initialized notification; returns its Mcp-Session-Id. */
  private static String initialise() {
    HttpResponse<String> r = post(seeds().get(8), null, 0, -1);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String session = r.headers().firstValue("Mcp-Session-Id").orElseThrow();
    assertThat(post(seeds().get(4), session, 0, -1).statusCode()).isEqualTo(202);
    return session;
  }

  private static HttpResponse<String> post(String body, String session, long seed, int index) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.url()))
            .timeout(PER_REQUEST)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .header("X-API-Key", KEY)
            .header("MCP-Protocol-Version", "2025-06-18")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (session != null) {
      b.header("Mcp-Session-Id", session);
    }
    try {
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw new AssertionError(
          "seed "
              + seed
              + " input #"
              + index
              + " got no answer within "
              + PER_REQUEST
              + ":\n"
              + abbreviate(body),
          e);
    } catch (Exception e) {
      throw new AssertionError(
          "seed " + seed + " input #" + index + ": " + e + " for:\n" + abbreviate(body), e);
    }
  }

  /** "200 result", "200 error", "202", "400" …: how the server answered. */
  private static String outcome(HttpResponse<String> r) {
    String body = r.body();
    if (r.statusCode() != 200) {
      return String.valueOf(r.statusCode());
    }
    return body.contains("\"error\"")
        ? "200 error"
        : body.contains("\"isError\":true") ? "200 isError" : "200 result";
  }

  private static String abbreviate(String s) {
    return s.length() <= 1_000
        ? s
        : s.substring(0, 500) + "…(" + s.length() + " chars)…" + s.substring(s.length() - 500);
  }
}
