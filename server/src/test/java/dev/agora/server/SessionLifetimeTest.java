package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.core.call.policy.SecurityContext;
import dev.agora.rtfs.Value;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP sessions do not pile up: one silent for {@code server.session_idle}, with nothing running
 * and no event stream, ends (its client is told 404 and starts another), and at most {@code
 * server.max_sessions} are open — one more is refused at once with 503, unless an idle one can end.
 */
@Timeout(60)
class SessionLifetimeTest {

  static final String KEY = "lifetime-key";
  @TempDir Path dir;

  private McpHttp client(BareGateway g) {
    return McpHttp.withKey(g.server().url(), KEY);
  }

  /**
   * The session an initialize opened (without the initialized notification, which may come after a
   * session_idle of 50 ms).
   */
  private static String opened(HttpResponse<String> initialized) {
    assertThat(initialized.statusCode()).as(initialized.body()).isEqualTo(200);
    return initialized.headers().firstValue("Mcp-Session-Id").orElseThrow();
  }

  @Test
  void atMostMaxSessionsAreOpenAndEndingOneMakesRoom() throws Exception {
    try (BareGateway g =
        BareGateway.start(dir, KEY, "", "  max_sessions: 2\n  session_idle: 1h\n", s -> {})) {
      String first = client(g).initialise();
      String second = client(g).initialise();
      HttpResponse<String> third = client(g).post(McpHttp.INITIALIZE, null);
      assertThat(third.statusCode()).isEqualTo(503);
      assertThat(third.body())
          .contains("\"code\":-32000")
          .contains("too many MCP sessions: at most 2 at once (server.max_sessions)");
      assertThat(third.headers().firstValue("Mcp-Session-Id")).isEmpty();
      assertThat(client(g).post(McpHttp.call("ccos.echo"), second).body())
          .as("the open ones go on")
          .contains("\"content\"");
      assertThat(McpHttp.send(client(g).request(first).DELETE()).statusCode()).isEqualTo(200);
      assertThat(client(g).initialise()).isNotIn(first, second);
    }
  }

  @Test
  void atMostMaxSessionsListeningStreamsAreOpen() throws Exception {
    try (BareGateway g =
        BareGateway.start(dir, KEY, "", "  max_sessions: 2\n  session_idle: 1h\n", s -> {})) {
      List<HttpResponse<InputStream>> open = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        HttpResponse<InputStream> r =
            HttpClient.newHttpClient()
                .send(listen(g).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        open.add(r);
      }
      HttpResponse<String> third = McpHttp.send(listen(g));
      assertThat(third.statusCode()).isEqualTo(503);
      assertThat(third.body()).contains("too many subscriptions/listen streams: at most 2 at once");
      for (HttpResponse<InputStream> r : open) {
        r.body().close();
      }
    }
  }

  /** A 2026-07-28 subscriptions/listen for tool list changes. */
  private HttpRequest.Builder listen(BareGateway g) {
    return client(g)
        .request(null)
        .setHeader("MCP-Protocol-Version", "2026-07-28")
        .header("Mcp-Method", "subscriptions/listen")
        .POST(
            HttpRequest.BodyPublishers.ofString(
                McpHttp.request(
                    1,
                    "subscriptions/listen",
                    "{\"notifications\":{\"toolsListChanged\":true},"
                        + StatelessHttpTest.META
                        + "}")));
  }

  @Test
  void aSessionSilentForSessionIdleEndsAndMakesRoom() throws Exception {
    try (BareGateway g =
        BareGateway.start(dir, KEY, "", "  max_sessions: 2\n  session_idle: 50ms\n", s -> {})) {
      String first = opened(client(g).post(McpHttp.INITIALIZE, null));
      String second = opened(client(g).post(McpHttp.INITIALIZE, null));
      Thread.sleep(100); // the clock passing session_idle is what is tested, not another thread
      String third = opened(client(g).post(McpHttp.INITIALIZE, null));
      assertThat(third)
          .as("the two idle sessions made room, though two is the most")
          .isNotIn(first, second);
      HttpResponse<String> late = client(g).post(McpHttp.call("ccos.echo"), first);
      assertThat(late.statusCode()).as("its client starts a new session").isEqualTo(404);
    }
  }

  /**
   * A burst of initializes written at once: exactly max_sessions open, the rest refused at once.
   */
  @Test
  void aBurstOfInitializesOpensExactlyMaxSessions() throws Exception {
    try (BareGateway g =
        BareGateway.start(
            dir,
            KEY,
            "",
            "  max_sessions: 50\n  limits: {default: {calls_per_second: 100000}}\n",
            s -> {})) {
      List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        burst.add(
            McpHttp.HTTP.sendAsync(
                client(g)
                    .request(null)
                    .POST(HttpRequest.BodyPublishers.ofString(McpHttp.INITIALIZE))
                    .build(),
                HttpResponse.BodyHandlers.ofString()));
      }
      Map<Integer, Long> statuses = new TreeMap<>();
      for (CompletableFuture<HttpResponse<String>> f : burst) {
        statuses.merge(f.get(60, TimeUnit.SECONDS).statusCode(), 1L, Long::sum);
      }
      assertThat(statuses).containsExactly(Map.entry(200, 50L), Map.entry(503, 250L));
    }
  }

  /** Silent, but not idle: a request still running, or an event stream open. */
  @Test
  void aSessionWithARequestRunningOrAStreamOpenIsNeverIdle() {
    Peer p = new Peer(SecurityContext.full("op"), "s", 4);
    Duration hour = Duration.ofHours(1);
    long later = System.nanoTime() + Duration.ofHours(2).toNanos();
    assertThat(p.idle(System.nanoTime(), hour)).isFalse();
    assertThat(p.idle(later, hour)).isTrue();
    Peer.Running r = p.start(Value.of(1));
    assertThat(p.idle(later, hour)).as("a request running").isFalse();
    p.finish(Value.of(1), r);
    assertThat(p.idle(System.nanoTime(), hour)).as("answered just now").isFalse();
    assertThat(p.idle(System.nanoTime() + Duration.ofHours(2).toNanos(), hour)).isTrue();
    p.notices = message -> true;
    assertThat(p.idle(System.nanoTime() + Duration.ofHours(2).toNanos(), hour))
        .as("an event stream open")
        .isFalse();
  }
}
