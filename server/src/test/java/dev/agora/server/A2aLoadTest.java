package dev.agora.server;

import static dev.agora.server.A2aServerTest.at;
import static dev.agora.server.A2aServerTest.message10;
import static dev.agora.server.A2aServerTest.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.core.json.Json;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent endpoint under load: a thousand messages written at once, each answered with its own
 * result; tasks up to {@code max_tasks} while more are refused at once (never queued), and room
 * again once they end.
 */
@Timeout(300)
class A2aLoadTest {

  @TempDir static java.nio.file.Path dir;
  static A2aFixture f;

  @BeforeAll
  static void start() throws Exception {
    f =
        new A2aFixture(
            dir,
            "{task_after: 5s, max_tasks: 2000}",
            "  limits: {default: {calls_per_second: 1000000, bytes_per_second: 1GiB, burst: 1s}}");
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  @Test
  void aThousandMessagesAtOnceEachGetTheirOwnAnswer() throws Exception {
    long seed = System.nanoTime();
    System.out.println("A2aLoadTest seed " + seed);
    Random random = new Random(seed);
    int n = 1000;
    long[][] pairs = new long[n][2];
    for (long[] p : pairs) {
      p[0] = random.nextInt(1_000_000);
      p[1] = random.nextInt(1_000_000);
    }
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (long[] p : pairs) {
        answers.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    go.await(); // a burst: every request written at once
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return f.post(
                      "/a2a/message:send",
                      message10("ccos.math.add", "{\"data\":[" + p[0] + "," + p[1] + "]}") + "}",
                      A2aServerTest.OPS10);
                },
                pool));
      }
      go.countDown();
      for (int i = 0; i < n; i++) {
        HttpResponse<String> r = answers.get(i).join();
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(at(Json.parse(r.body()), "message", "parts", 0, "data"))
            .as("answer %d (seed %d)", i, seed)
            .isEqualTo(Value.of(pairs[i][0] + pairs[i][1]));
      }
    }
    assertThat(f.server.a2a().size()).as("quick answers keep no task").isZero();
  }

  /**
   * Two hundred tasks started at once, each with its own push config to one webhook: every task's
   * changes arrive, each task's in the order they happened (its completion last), however the
   * deliveries of different tasks interleave.
   */
  @Test
  void twoHundredTasksPushingAtOnceEachPushInOrder() throws Exception {
    int n = 200;
    java.util.concurrent.BlockingQueue<String> pushed =
        new java.util.concurrent.LinkedBlockingQueue<>();
    com.sun.net.httpserver.HttpServer hook =
        com.sun.net.httpserver.HttpServer.create(
            new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    hook.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    hook.createContext(
        "/many",
        x -> {
          pushed.add(
              new String(
                  x.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
          x.sendResponseHeaders(204, -1);
          x.close();
        });
    hook.start();
    try (A2aFixture f = // its own node: the tasks it keeps are not the other tests'
        new A2aFixture(
            java.nio.file.Files.createDirectories(dir.resolve("pushes")),
            "{task_after: 5s, max_tasks: 2000}",
            "  limits: {default: {calls_per_second: 1000000, bytes_per_second: 1GiB, burst: 1s}}")) {
      String url = "http://127.0.0.1:" + hook.getAddress().getPort() + "/many";
      List<Dict> started =
          burst(
              n,
              i ->
                  f.rpc(
                      "SendMessage",
                      message10("test.gate", "{\"data\":{\"gate\":\"pushes\"}}")
                          + ",\"configuration\":{\"returnImmediately\":true,"
                          + "\"taskPushNotificationConfig\":{\"url\":\""
                          + url
                          + "\"}}}",
                      A2aServerTest.OPS10));
      java.util.Map<String, List<String>> byTask = new java.util.HashMap<>();
      for (Dict a : started) {
        String id = text(a, "result", "task", "id");
        assertThat(id).as(Json.write(a)).isNotNull();
        byTask.put(id, new ArrayList<>());
      }
      f.open("pushes");
      java.util.regex.Pattern task = java.util.regex.Pattern.compile("\"taskId\":\"([^\"]+)\"");
      int done = 0;
      while (done < n) {
        String body = pushed.poll(60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(body).as("a push within 60 s; %d of %d tasks complete", done, n).isNotNull();
        java.util.regex.Matcher m = task.matcher(body);
        assertThat(m.find()).as(body).isTrue();
        List<String> seen = byTask.get(m.group(1));
        assertThat(seen).as("a push for a task of this test: " + body).isNotNull();
        assertThat(seen)
            .as("nothing after a task's completion")
            .noneMatch(b -> b.contains("TASK_STATE_COMPLETED"));
        seen.add(body);
        if (body.contains("TASK_STATE_COMPLETED")) {
          done++;
        }
      }
      assertThat(byTask.values())
          .allSatisfy(seen -> assertThat(seen).hasSizeGreaterThanOrEqualTo(2));
    } finally {
      hook.stop(0);
    }
  }

  @Test
  void tasksBeyondMaxTasksAreRefusedAtOnceAndAdmittedAgainWhenTheyEnd() throws Exception {
    try (A2aFixture small =
        new A2aFixture(
            java.nio.file.Files.createDirectories(dir.resolve("small")),
            "{task_after: 5s, max_tasks: 40}",
            "  limits: {default: {calls_per_second: 1000000, bytes_per_second: 1GiB, burst: 1s}}")) {
      full(small);
    }
  }

  /**
   * Every message being a call in flight, {@code max_tasks} of them fill the endpoint: of a burst
   * of 100 written at once, exactly 40 become tasks and the rest are refused at once.
   */
  private static void full(A2aFixture f) throws Exception {
    List<Dict> answers =
        burst(
            100,
            i ->
                f.rpc(
                    "SendMessage",
                    message10("test.gate", "{\"data\":{\"gate\":\"load\"}}")
                        + ",\"configuration\":{\"returnImmediately\":true}}",
                    A2aServerTest.OPS10));
    List<String> ids = new ArrayList<>();
    int busy = 0;
    for (Dict a : answers) {
      if (text(a, "result", "task", "id") != null) {
        ids.add(text(a, "result", "task", "id"));
      } else {
        assertThat(at(a, "error", "code")).isEqualTo(Value.of(-32000));
        assertThat(text(a, "error", "message")).contains("server.a2a.max_tasks");
        busy++;
      }
    }
    assertThat(ids).as("exactly max_tasks admitted").hasSize(40);
    assertThat(busy).isEqualTo(60);
    f.open("load");
    for (String id : ids) { // waits for each: a subscription ends with its task (or is refused
      // at once when it has ended already)
      f.events(
          f.request("/a2a/tasks/" + id + ":subscribe", A2aServerTest.OPS10)
              .POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
      assertThat(
              text(
                  f.rpc("GetTask", "{\"id\":\"" + id + "\"}", A2aServerTest.OPS10),
                  "result",
                  "status",
                  "state"))
          .isEqualTo("TASK_STATE_COMPLETED");
    }
    Dict again =
        f.rpc(
            "SendMessage",
            message10("ccos.math.add", "{\"data\":[1,2]}") + "}",
            A2aServerTest.OPS10);
    assertThat(at(again, "result", "message", "parts", 0, "data")).isEqualTo(Value.of(3));
  }

  /** {@code n} requests made at once (each waits for the others to be ready), their answers. */
  static <T> List<T> burst(int n, java.util.function.IntFunction<T> request) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<T>> futures = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < n; i++) {
        int k = i;
        futures.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    go.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return request.apply(k);
                },
                pool));
      }
      go.countDown();
      List<T> out = new ArrayList<>();
      for (CompletableFuture<T> c : futures) {
        out.add(c.join());
      }
      return out;
    }
  }

  @Test
  void twoHundredStreamsFollowTheirTasksToTheEndAtOnce() throws Exception {
    try (A2aFixture s =
        new A2aFixture(
            java.nio.file.Files.createDirectories(dir.resolve("streams")),
            "{task_after: 100ms, max_tasks: 1000}",
            "  limits: {default: {calls_per_second: 1000000, bytes_per_second: 1GiB, burst: 1s}}")) {
      int n = 200;
      CountDownLatch started = new CountDownLatch(n); // each stream has sent its task
      List<List<Dict>> streams =
          new ArrayList<>(java.util.Collections.nCopies(n, (List<Dict>) null));
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        List<CompletableFuture<List<Dict>>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          int k = i;
          all.add(
              CompletableFuture.supplyAsync(
                  () -> {
                    java.util.Iterator<Dict> events =
                        s.stream(
                            s.request("/a2a/message:stream", A2aServerTest.OPS10)
                                .header("Content-Type", "application/json")
                                .POST(
                                    java.net.http.HttpRequest.BodyPublishers.ofString(
                                        message10(
                                                "test.gate",
                                                "{\"data\":{\"gate\":\"many\",\"k\":" + k + "}}")
                                            + "}")));
                    List<Dict> seen = new ArrayList<>();
                    seen.add(events.next());
                    started.countDown();
                    events.forEachRemaining(seen::add);
                    return seen;
                  },
                  pool));
        }
        assertThat(started.await(120, java.util.concurrent.TimeUnit.SECONDS))
            .as("every stream sent its task")
            .isTrue();
        s.open("many");
        for (int i = 0; i < n; i++) {
          streams.set(i, all.get(i).join());
        }
      }
      for (List<Dict> events : streams) {
        assertThat(text(events.getFirst(), "task", "status", "state"))
            .isEqualTo("TASK_STATE_WORKING");
        assertThat(events)
            .anySatisfy(
                e ->
                    assertThat(at(e, "artifactUpdate", "artifact", "parts", 0, "data", "opened"))
                        .isEqualTo(Value.of("many")));
        assertThat(text(events.getLast(), "statusUpdate", "status", "state"))
            .isEqualTo("TASK_STATE_COMPLETED");
      }
    }
  }
}
