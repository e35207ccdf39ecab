package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.event.EventSink;
import dev.agora.core.AgoraNode;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.rtfs.Value;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many requests in flight at once on one session — written as one burst on stdio, sent all at once
 * over HTTP — each answered once and correctly; and a session at its limit answers one more at once
 * with an error instead of queueing it.
 */
@Timeout(300)
class ConcurrencyTest {

  static final String UNLIMITED =
      """
        limits:
          default: {calls_per_second: 1000000, bytes_per_second: 1GiB}
      """;

  private static final Pattern ANSWER =
      Pattern.compile(
          "\"id\":(\\d+),\"result\":\\{\"content\":\\[\\{\"type\":\"text\",\"text\":\"(\\d+)\"");

  private static String add(int id) {
    return "{\"jsonrpc\":\"2.0\",\"id\":"
        + id
        + ",\"method\":\"tools/call\",\"params\":{\"name\":\"ccos.math.add\",\"arguments\":{\"input\":["
        + id
        + ",1]}}}";
  }

  /** Checks an answer: the request's own id, and its own sum. */
  private static int checked(String answer) {
    Matcher m = ANSWER.matcher(answer);
    assertThat(m.find()).as(answer).isTrue();
    int id = Integer.parseInt(m.group(1));
    assertThat(Integer.parseInt(m.group(2))).as(answer).isEqualTo(id + 1);
    return id;
  }

  @Test
  void aThousandCallsWrittenAtOnceOnStdioAreEachAnsweredOnce() throws Exception {
    AgoraNode node =
        AgoraNode.open(
            AgoraConfig.defaults().withStorage(AgoraConfig.Storage.MEMORY),
            EventSink.NONE,
            l -> {});
    node.marketplace().bootstrap();
    try (node;
        StdioPipe s = new StdioPipe(node, SecurityContext.full("op"))) {
      StringBuilder burst = new StringBuilder();
      for (int i = 1000; i < 2000; i++) {
        burst.append(add(i)).append('\n');
      }
      s.toServer.write(burst.toString().getBytes(StandardCharsets.UTF_8));
      s.toServer.flush();
      Map<Integer, Integer> answers = new HashMap<>();
      for (int n = 0; n < 1000; n++) {
        answers.merge(checked(s.fromServer.readLine()), 1, Integer::sum);
      }
      assertThat(answers).hasSize(1000).allSatisfy((id, count) -> assertThat(count).isOne());
    }
  }

  @Test
  void aThousandCallsInFlightOnOneHttpSessionAndTenThousandOverAHundred(@TempDir Path dir)
      throws Exception {
    try (BareGateway g = BareGateway.start(dir, "many-key", "", UNLIMITED, l -> {})) {
      McpHttp client = McpHttp.withKey(g.server().url(), "many-key");
      String session = client.initialise();
      List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        sent.add(post(client, session, i));
      }
      Map<Integer, Integer> answers = new HashMap<>();
      for (CompletableFuture<HttpResponse<String>> f : sent) {
        HttpResponse<String> r = f.join();
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        answers.merge(checked(r.body()), 1, Integer::sum);
      }
      assertThat(answers).hasSize(1000);

      List<String> sessions = new ArrayList<>();
      for (int s = 0; s < 100; s++) {
        sessions.add(client.initialise());
      }
      Semaphore window = new Semaphore(256); // the client's own bound: 256 requests in flight
      List<CompletableFuture<Integer>> all = new ArrayList<>();
      for (int i = 0; i < 10_000; i++) {
        window.acquire();
        int id = i;
        all.add(
            post(client, sessions.get(i % 100), id)
                .whenComplete((r, e) -> window.release())
                .thenApply(r -> checked(r.body())));
      }
      long distinct = all.stream().map(CompletableFuture::join).distinct().count();
      assertThat(distinct).isEqualTo(10_000);
    }
  }

  private static CompletableFuture<HttpResponse<String>> post(
      McpHttp client, String session, int id) {
    return McpHttp.HTTP.sendAsync(
        client.request(session).POST(HttpRequest.BodyPublishers.ofString(add(id))).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aSessionAtItsLimitRefusesOneMoreAtOnce(@TempDir Path dir) throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch running = new CountDownLatch(2);
    try (BareGateway g =
        BareGateway.start(dir, "busy-key", "", UNLIMITED + "  max_in_flight: 2\n", l -> {})) {
      g.node()
          .marketplace()
          .registerLocal(
              CapabilityManifest.builder("t.wait").effects("network").build(),
              (in, c) -> {
                running.countDown();
                release.await();
                return Value.of("released");
              },
              false,
              "test");
      McpHttp client = McpHttp.withKey(g.server().url(), "busy-key");
      String session = client.initialise();
      String wait =
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"t.wait\"}}";
      CompletableFuture<HttpResponse<String>> first =
          McpHttp.HTTP.sendAsync(
              client.request(session).POST(HttpRequest.BodyPublishers.ofString(wait)).build(),
              HttpResponse.BodyHandlers.ofString());
      CompletableFuture<HttpResponse<String>> second =
          McpHttp.HTTP.sendAsync(
              client
                  .request(session)
                  .POST(HttpRequest.BodyPublishers.ofString(wait.replace("\"id\":1", "\"id\":2")))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      running.await();
      HttpResponse<String> third = client.post(add(3), session);
      assertThat(third.statusCode()).isEqualTo(200);
      assertThat(third.body())
          .contains("\"id\":3", "\"code\":-32000")
          .contains("too many requests in flight: at most 2 at once on one session");
      assertThat(client.post(add(4), client.initialise()).body())
          .as("another session has its own allowance")
          .contains("\"text\":\"5\"");
      release.countDown();
      assertThat(first.join().body()).contains("released");
      assertThat(second.join().body()).contains("released");
      assertThat(client.post(add(5), session).body()).contains("\"text\":\"6\"");
    }
  }
}
