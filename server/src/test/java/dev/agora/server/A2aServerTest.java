package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.agora.chain.event.EventType;
import dev.agora.core.json.Json;
import dev.agora.core.json.JsonObjects;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agora as an A2A agent over real HTTP: the signed card, both versions and both bindings, Messages
 * for quick calls and Tasks for slow ones (held open by a gate the test controls), streams, cancel,
 * subscribe, push notifications to a loopback webhook, and every error kind.
 */
@Timeout(120)
class A2aServerTest {

  @TempDir static java.nio.file.Path dir;
  static A2aFixture f;

  static final String[] OPS = {"X-API-Key", A2aFixture.OPS_KEY};
  static final String[] OPS10 = {"X-API-Key", A2aFixture.OPS_KEY, "A2A-Version", "1.0"};
  static final String[] AGENT10 = {"X-API-Key", A2aFixture.AGENT_KEY, "A2A-Version", "1.0"};

  @BeforeAll
  static void start() throws Exception {
    f = new A2aFixture(dir, "{task_after: 300ms}");
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  /** The value at {@code path} (object keys and array indexes) in {@code v}, or null. */
  static Value at(Value v, Object... path) {
    return JsonObjects.at(v, path);
  }

  static String text(Value v, Object... path) {
    return JsonObjects.textAt(v, path);
  }

  static String message10(String skill, String part) {
    return "{\"message\":{\"messageId\":\"m-"
        + System.nanoTime()
        + "\",\"role\":\"ROLE_USER\",\"parts\":["
        + part
        + "],\"metadata\":{\"skillId\":\""
        + skill
        + "\"}}";
  }

  static String message03(String skill, String part) {
    return "{\"message\":{\"kind\":\"message\",\"messageId\":\"m-"
        + System.nanoTime()
        + "\",\"role\":\"user\",\"parts\":["
        + part
        + "],\"metadata\":{\"skillId\":\""
        + skill
        + "\"}}";
  }

  @Test
  void theCardIsPublicSignedAndListsWhatTheCallerMayUse() throws Exception {
    HttpResponse<String> anonymous = f.get(A2aServlet.CARD);
    assertThat(anonymous.statusCode()).isEqualTo(200);
    Dict card = (Dict) Json.parse(anonymous.body());
    assertThat(skills(card)).containsExactly("test.echo");
    assertThat(Json.write(at(card, "supportedInterfaces"))).contains("\"protocolVersion\":\"1.0\"");
    assertThat(((Seq) at(card, "supportedInterfaces")).size()).isEqualTo(4);
    assertThat(text(card, "protocolVersion")).isEqualTo("0.3.0");
    assertThat(text(card, "url")).isEqualTo(f.base() + "/a2a");
    assertThat(signatureVerifies(card)).isTrue();
    Dict tampered = card.assoc(Json.key("name"), Value.of("Mallory"));
    assertThat(signatureVerifies(tampered)).isFalse();

    Dict agent =
        (Dict) Json.parse(f.get(A2aServlet.OLD_CARD, "X-API-Key", A2aFixture.AGENT_KEY).body());
    assertThat(skills(agent))
        .contains("ccos.math.add", "test.echo", "test.gate")
        .doesNotContain("ccos.io.log", "ccos.echo");
    Dict ops = (Dict) f.rpc("GetExtendedAgentCard", "{}", OPS10).get(Json.key("result"));
    assertThat(skills(ops)).contains("ccos.echo", "test.fail").doesNotContain("ccos.io.log");
    assertThat(f.get(A2aServlet.CARD, "X-API-Key", "wrong").statusCode())
        .as("a wrong key sees what anonymous callers see")
        .isEqualTo(200);
    assertThat(f.get(A2aServlet.CARD, "Origin", "https://evil.example").statusCode())
        .as("the Origin check still applies")
        .isEqualTo(403);
    assertThat(f.get("/a2a/v1/card").statusCode())
        .as("0.3's card route, as the anonymous context")
        .isEqualTo(200);
  }

  static List<String> skills(Dict card) {
    List<String> out = new ArrayList<>();
    for (Value s : ((Seq) at(card, "skills")).items()) {
      out.add(text(s, "id"));
    }
    return out;
  }

  /** Whether the card's JWS verifies with the server's key over its canonical form. */
  static boolean signatureVerifies(Dict card) throws Exception {
    Dict sig = (Dict) at(card, "signatures", 0);
    Dict unsigned = card.dissoc(Json.key("signatures"));
    String header = text(sig, "protected");
    assertThat(new String(Base64.getUrlDecoder().decode(header), StandardCharsets.UTF_8))
        .contains("\"alg\":\"EdDSA\"")
        .contains("\"kid\":");
    String payload =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(Json.canonical(unsigned).getBytes(StandardCharsets.UTF_8));
    return f.node
        .marketplace()
        .nodeKey()
        .verifier()
        .verify(
            (header + "." + payload).getBytes(StandardCharsets.US_ASCII),
            Base64.getUrlDecoder().decode(text(sig, "signature")));
  }

  @Test
  void aQuickCallIsAnsweredWithAMessageInBothVersions() {
    Dict r10 =
        f.rpc(
            "SendMessage", message10("ccos.math.add", "{\"data\":{\"a\":1,\"b\":2}}") + "}", OPS10);
    assertThat(text(r10, "result", "message", "role")).isEqualTo("ROLE_AGENT");
    assertThat(at(r10, "result", "message", "parts", 0, "data")).isEqualTo(Value.of(3));
    assertThat(text(r10, "result", "message", "parts", 1, "text")).isEqualTo("3");

    Dict r03 =
        f.rpc(
            "message/send",
            message03("ccos.math.add", "{\"kind\":\"text\",\"text\":\"[1 2 3]\"}") + "}",
            OPS);
    assertThat(text(r03, "result", "kind")).isEqualTo("message");
    assertThat(text(r03, "result", "role")).isEqualTo("agent");
    assertThat(at(r03, "result", "parts", 0, "data", "result")).isEqualTo(Value.of(6));
    assertThat(text(r03, "result", "parts", 1, "kind")).isEqualTo("text");

    Dict json =
        f.rpc(
            "SendMessage", message10("test.echo", "{\"text\":\"{\\\"x\\\":[1,2]}\"}") + "}", OPS10);
    assertThat(text(json, "result", "message", "parts", 1, "text")).isEqualTo("{\"x\":[1,2]}");

    HttpResponse<String> rest =
        f.post("/a2a/message:send", message10("ccos.math.add", "{\"data\":[4,5]}") + "}", OPS10);
    assertThat(rest.statusCode()).isEqualTo(200);
    assertThat(at(Json.parse(rest.body()), "message", "parts", 0, "data")).isEqualTo(Value.of(9));
    // 0.3's HTTP+JSON binding speaks the JSON of 0.3's proto: content, data wrapped once more
    HttpResponse<String> rest03 =
        f.post(
            "/a2a/v1/message:send",
            "{\"message\":{\"messageId\":\"r3\",\"role\":\"ROLE_USER\","
                + "\"content\":[{\"data\":{\"data\":{\"a\":5,\"b\":6}}}],"
                + "\"metadata\":{\"skillId\":\"ccos.math.add\"}}}",
            OPS);
    assertThat(rest03.statusCode()).as(rest03.body()).isEqualTo(200);
    Value answer = Json.parse(rest03.body());
    assertThat(text(answer, "message", "role")).isEqualTo("ROLE_AGENT");
    assertThat(at(answer, "message", "content", 0, "data", "data", "result"))
        .isEqualTo(Value.of(11));
  }

  @Test
  void aSlowCallIsATaskThatCanBeFollowedGotListedAndWaitedFor() throws Exception {
    // non-blocking: the task comes back working; blocking (the 1.0 default) waits for the end
    Dict started =
        f.rpc(
            "SendMessage",
            message10("test.gate", "{\"data\":{\"gate\":\"g1\"}}")
                + ",\"configuration\":{\"returnImmediately\":true}}",
            OPS10);
    String id = text(started, "result", "task", "id");
    assertThat(text(started, "result", "task", "status", "state")).isEqualTo("TASK_STATE_WORKING");
    Dict got = f.rpc("GetTask", "{\"id\":\"" + id + "\",\"historyLength\":1}", OPS10);
    assertThat(text(got, "result", "history", 0, "role")).isEqualTo("ROLE_USER");
    Dict listed = f.rpc("ListTasks", "{\"status\":\"TASK_STATE_WORKING\"}", OPS10);
    assertThat(at(listed, "result", "tasks")).asString().contains(id);
    assertThat(text(f.rpc("GetTask", "{\"id\":\"" + id + "\"}", AGENT10), "error", "message"))
        .as("another caller's task is not found")
        .contains("no task '" + id + "'");

    Iterator<Dict> stream =
        f.stream(
            f.request("/a2a/tasks/" + id + ":subscribe", OPS10)
                .POST(HttpRequest.BodyPublishers.noBody()));
    Dict first = stream.next(); // the task as it is: the subscription is in place
    assertThat(text(first, "task", "id")).isEqualTo(id);
    f.open("g1");
    List<Dict> events = new ArrayList<>();
    stream.forEachRemaining(events::add);
    assertThat(text(events.getLast(), "statusUpdate", "status", "state"))
        .isEqualTo("TASK_STATE_COMPLETED");
    assertThat(events)
        .anySatisfy(
            e ->
                assertThat(at(e, "artifactUpdate", "artifact", "parts", 0, "data", "opened"))
                    .isEqualTo(Value.of("g1")));

    HttpResponse<String> rest = f.get("/a2a/tasks/" + id, OPS10);
    assertThat(text(Json.parse(rest.body()), "status", "state")).isEqualTo("TASK_STATE_COMPLETED");
    assertThat(f.get("/a2a/v1/tasks/" + id, OPS).body())
        .contains("\"state\":\"TASK_STATE_COMPLETED\"")
        .contains("\"content\":[{\"data\":{\"data\":{\"gate\":\"g1\"}}}]");
    HttpResponse<String> list = f.get("/a2a/tasks?pageSize=1&includeArtifacts=true", OPS10);
    assertThat(text(Json.parse(list.body()), "nextPageToken")).isNotNull();

    // blocking, over 0.3: the answer is the finished task (the gate opens once it is a task)
    f.server.a2a().becameTask = r -> f.open("g2");
    CompletableFuture<Dict> blocking =
        CompletableFuture.supplyAsync(
            () ->
                f.rpc(
                    "message/send",
                    message03("test.gate", "{\"kind\":\"data\",\"data\":{\"gate\":\"g2\"}}")
                        + ",\"configuration\":{\"blocking\":true}}",
                    OPS));
    Dict done = blocking.get(60, TimeUnit.SECONDS);
    assertThat(text(done, "result", "kind")).isEqualTo("task");
    assertThat(text(done, "result", "status", "state")).isEqualTo("completed");
  }

  @Test
  void streamsSendTheTaskThenItsChangesAndAQuickCallAsOneMessage() throws Exception {
    Iterator<Dict> slow =
        f.stream(
            f.request("/a2a", OPS)
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"message/stream\",\"params\":"
                            + message03(
                                "test.gate", "{\"kind\":\"data\",\"data\":{\"gate\":\"s1\"}}")
                            + "}}")));
    Dict first = slow.next(); // the task, once the call outlived task_after
    assertThat(at(first, "id")).isEqualTo(Value.of(7));
    assertThat(text(first, "result", "kind")).isEqualTo("task");
    f.open("s1");
    List<Dict> events = new ArrayList<>();
    slow.forEachRemaining(events::add);
    Dict last = events.getLast();
    assertThat(text(last, "result", "kind")).isEqualTo("status-update");
    assertThat(at(last, "result", "final")).isEqualTo(Value.of(true));
    assertThat(text(last, "result", "status", "state")).isEqualTo("completed");

    List<Dict> quick =
        f.events(
            f.request("/a2a/message:stream", OPS10)
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        message10("ccos.math.add", "{\"data\":[1,1]}") + "}")));
    assertThat(quick)
        .singleElement()
        .satisfies(e -> assertThat(at(e, "message", "parts", 0, "data")).isEqualTo(Value.of(2)));
  }

  @Test
  void cancelStopsTheCallAndAFinishedTaskCannotBeCanceledOrSubscribedTo() throws Exception {
    Dict started =
        f.rpc(
            "SendMessage",
            message10("test.gate", "{\"data\":{\"gate\":\"never\"}}")
                + ",\"configuration\":{\"returnImmediately\":true}}",
            OPS10);
    String id = text(started, "result", "task", "id");
    Dict canceled = f.rpc("CancelTask", "{\"id\":\"" + id + "\"}", OPS10);
    assertThat(text(canceled, "result", "status", "state")).isEqualTo("TASK_STATE_CANCELED");
    assertThat(
            text(
                f.rpc("CancelTask", "{\"id\":\"" + id + "\"}", OPS10), "result", "status", "state"))
        .as("idempotent")
        .isEqualTo("TASK_STATE_CANCELED");
    Dict again = f.rpc("SubscribeToTask", "{\"id\":\"" + id + "\"}", OPS10);
    assertThat(at(again, "error", "code")).isEqualTo(Value.of(-32004));
    HttpResponse<String> rest = f.post("/a2a/tasks/" + id + ":subscribe", "{}", OPS10);
    assertThat(rest.statusCode()).isEqualTo(400);
    assertThat(text(Json.parse(rest.body()), "error", "details", 0, "reason"))
        .isEqualTo("UNSUPPORTED_OPERATION");

    Dict failed = f.rpc("SendMessage", message10("test.fail", "{\"data\":{}}") + "}", OPS10);
    String failedId = text(failed, "result", "task", "id");
    assertThat(text(failed, "result", "task", "status", "state")).isEqualTo("TASK_STATE_FAILED");
    assertThat(text(failed, "result", "task", "status", "message", "parts", 0, "text"))
        .contains("it fails on purpose");
    assertThat(at(f.rpc("CancelTask", "{\"id\":\"" + failedId + "\"}", OPS10), "error", "code"))
        .isEqualTo(Value.of(-32002));
    Dict toFinished =
        f.rpc(
            "SendMessage",
            "{\"message\":{\"messageId\":\"x\",\"role\":\"ROLE_USER\",\"taskId\":\""
                + failedId
                + "\",\"parts\":[{\"text\":\"more\"}]}}",
            OPS10);
    assertThat(at(toFinished, "error", "code")).isEqualTo(Value.of(-32004));
  }

  @Test
  void pushNotificationsReachTheWebhookWithItsCredentials() throws Exception {
    BlockingQueue<String> received = new LinkedBlockingQueue<>();
    HttpServer hook =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    hook.createContext(
        "/hook",
        x -> {
          received.add(
              x.getRequestHeaders().getFirst("Authorization")
                  + " "
                  + x.getRequestHeaders().getFirst("X-A2A-Notification-Token")
                  + " "
                  + new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          x.sendResponseHeaders(204, -1);
          x.close();
        });
    hook.start();
    try {
      String url = "http://127.0.0.1:" + hook.getAddress().getPort() + "/hook";
      Dict started =
          f.rpc(
              "SendMessage",
              message10("test.gate", "{\"data\":{\"gate\":\"p1\"}}")
                  + ",\"configuration\":{\"returnImmediately\":true}}",
              OPS10);
      String id = text(started, "result", "task", "id");
      Dict created =
          f.rpc(
              "CreateTaskPushNotificationConfig",
              "{\"taskId\":\""
                  + id
                  + "\",\"url\":\""
                  + url
                  + "\",\"token\":\"tok\",\"authentication\":{\"scheme\":\"Bearer\",\"credentials\":\"hook-secret\"}}",
              OPS10);
      String configId = text(created, "result", "id");
      assertThat(configId).isNotNull();
      assertThat(
              at(
                  f.rpc("ListTaskPushNotificationConfigs", "{\"taskId\":\"" + id + "\"}", OPS10),
                  "result",
                  "configs",
                  0,
                  "url"))
          .isEqualTo(Value.of(url));
      assertThat(
              text(
                  f.rpc(
                      "GetTaskPushNotificationConfig",
                      "{\"taskId\":\"" + id + "\",\"id\":\"" + configId + "\"}",
                      OPS10),
                  "result",
                  "token"))
          .isEqualTo("tok");
      f.open("p1");
      String last = "";
      while (!last.contains("TASK_STATE_COMPLETED")) {
        last = received.poll(30, TimeUnit.SECONDS);
        assertThat(last).as("a push within 30 s").isNotNull();
        assertThat(last).startsWith("Bearer hook-secret tok {");
      }
      assertThat(
              f.rpc(
                      "DeleteTaskPushNotificationConfig",
                      "{\"taskId\":\"" + id + "\",\"id\":\"" + configId + "\"}",
                      OPS10)
                  .get(Json.key("error")))
          .isNull();
      assertThat(
              at(
                  f.rpc(
                      "DeleteTaskPushNotificationConfig",
                      "{\"taskId\":\"" + id + "\",\"id\":\"" + configId + "\"}",
                      OPS10),
                  "error",
                  "code"))
          .isEqualTo(Value.of(-32001));
      Dict refused =
          f.rpc(
              "CreateTaskPushNotificationConfig",
              "{\"taskId\":\"" + id + "\",\"url\":\"http://10.0.0.1/hook\"}",
              OPS10);
      assertThat(text(refused, "error", "message"))
          .contains("may not be used")
          .contains("policy.egress");
    } finally {
      hook.stop(0);
    }
  }

  /**
   * Starts test.gate behind {@code gate}, returning at once, with a push config to {@code hook}.
   */
  Dict gatedWithPush(String gate, HttpServer hook, String path) {
    return f.rpc(
        "SendMessage",
        message10("test.gate", "{\"data\":{\"gate\":\"" + gate + "\"}}")
            + ",\"configuration\":{\"returnImmediately\":true,\"taskPushNotificationConfig\":"
            + "{\"url\":\"http://127.0.0.1:"
            + hook.getAddress().getPort()
            + path
            + "\"}}}",
        OPS10);
  }

  @Test
  void aConfigsPushesArriveInTheOrderTheTaskChanged() throws Exception {
    BlockingQueue<String> answered = new LinkedBlockingQueue<>();
    CompletableFuture<String> first = new CompletableFuture<>();
    CountDownLatch release = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicInteger arrived =
        new java.util.concurrent.atomic.AtomicInteger();
    HttpServer hook =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    hook.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
    hook.createContext(
        "/ordered",
        x -> {
          String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          if (arrived.incrementAndGet() == 1) { // the first is held until the task has ended
            first.complete(body);
            try {
              release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          answered.add(body); // in the order they are answered: later ones wait for earlier
          x.sendResponseHeaders(204, -1);
          x.close();
        });
    hook.start();
    try {
      Dict started = gatedWithPush("ordered", hook, "/ordered");
      String id = text(started, "result", "task", "id");
      f.open("ordered");
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!String.valueOf(
              text(f.rpc("GetTask", "{\"id\":\"" + id + "\"}", OPS10), "result", "status", "state"))
          .equals("TASK_STATE_COMPLETED")) {
        assertThat(System.nanoTime()).as("the task ends within 30 s").isLessThan(end);
      }
      assertThat(first.get(30, TimeUnit.SECONDS)).doesNotContain("TASK_STATE_COMPLETED");
      release.countDown();
      List<String> seen = new java.util.ArrayList<>();
      while (seen.isEmpty() || !seen.getLast().contains("TASK_STATE_COMPLETED")) {
        String next = answered.poll(30, TimeUnit.SECONDS);
        assertThat(next).as("the next push within 30 s, after " + seen).isNotNull();
        seen.add(next);
      }
      // none overtook the held one: the pushes came one after the other, the end last
      assertThat(seen.getFirst()).isEqualTo(first.get());
      assertThat(seen).hasSizeGreaterThanOrEqualTo(2);
    } finally {
      hook.stop(0);
    }
  }

  @Test
  void aPushThatCannotBeMadeIsLoggedWithoutItsCredentials() throws Exception {
    // a line break in the credentials: no header can carry them, and the log line must not either
    Dict started =
        f.rpc(
            "SendMessage",
            message10("test.gate", "{\"data\":{\"gate\":\"badcred\"}}")
                + ",\"configuration\":{\"returnImmediately\":true,\"taskPushNotificationConfig\":"
                + "{\"url\":\"http://127.0.0.1:9/hook\",\"authentication\":{\"scheme\":\"Bearer\","
                + "\"credentials\":\"hook-secret-value\\nX-Injected: 1\"}}}}",
            OPS10);
    assertThat(text(started, "result", "task", "id")).as(Json.write(started)).isNotNull();
    f.open("badcred");
    assertThat(f.awaitLog("not sent:", 30)).isTrue();
    assertThat(f.log).noneMatch(l -> l.contains("hook-secret-value"));
  }

  @Test
  void aWebhookThatFailsIsTriedThreeTimesAndNoMore() throws Exception {
    BlockingQueue<String> tries = new LinkedBlockingQueue<>();
    HttpServer hook =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    hook.createContext(
        "/down",
        x -> {
          String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          if (body.contains("TASK_STATE_COMPLETED")) {
            tries.add(body);
          }
          x.sendResponseHeaders(500, -1);
          x.close();
        });
    hook.start();
    try {
      Dict started = gatedWithPush("retry", hook, "/down");
      assertThat(at(started, "result", "task", "id")).isNotNull();
      f.open("retry");
      for (int i = 1; i <= 3; i++) { // at once, then 1 s and 4 s later
        assertThat(tries.poll(30, TimeUnit.SECONDS)).as("try " + i).isNotNull();
      }
      // the third failure is the last: the log says it gave up
      assertThat(f.awaitLog("failed 3 times: HTTP 500", 30)).isTrue();
    } finally {
      hook.stop(0);
    }
  }

  @Test
  void everyMistakeIsTheRightA2aError() {
    assertThat(
            at(
                f.rpc("SendMessage", message10("ccos.math.add", "{\"data\":[1]}") + "}", OPS),
                "error",
                "code"))
        .as("1.0 methods need A2A-Version: 1.0")
        .isEqualTo(Value.of(-32009));
    assertThat(
            at(
                f.rpc("message/send", "{}", "X-API-Key", A2aFixture.OPS_KEY, "A2A-Version", "9.9"),
                "error",
                "code"))
        .isEqualTo(Value.of(-32009));
    assertThat(at(f.rpc("tasks/list", "{}", OPS), "error", "code")).isEqualTo(Value.of(-32601));
    Dict noSkill =
        f.rpc(
            "SendMessage",
            "{\"message\":{\"messageId\":\"m\",\"role\":\"ROLE_USER\",\"parts\":[{\"text\":\"1\"}]}}",
            OPS10);
    assertThat(at(noSkill, "error", "code")).isEqualTo(Value.of(-32602));
    assertThat(text(noSkill, "error", "message")).contains("metadata.skillId");
    Dict denied = f.rpc("SendMessage", message10("ccos.io.log", "{\"text\":\"x\"}") + "}", OPS10);
    assertThat(text(denied, "error", "message")).contains("no skill 'ccos.io.log'");
    assertThat(f.events)
        .as("the refusal is recorded")
        .anyMatch(
            e ->
                e.type() == EventType.CapabilityResult
                    && "NotFound".equals(e.errorKind())
                    && "ccos.io.log".equals(e.capabilityId()));
    for (String bad :
        List.of(
            "{\"message\":3}",
            "{\"message\":{\"messageId\":\"m\",\"role\":\"ROLE_BOSS\",\"parts\":[{\"text\":\"1\"}]}}",
            "{\"message\":{\"role\":\"ROLE_USER\",\"parts\":[{\"text\":\"1\"}]}}",
            "{\"message\":{\"messageId\":\"m\",\"role\":\"ROLE_USER\",\"parts\":[]}}",
            "{\"message\":{\"messageId\":\"m\",\"role\":\"ROLE_USER\",\"parts\":[{\"nothing\":1}]}}",
            "{\"message\":{\"messageId\":\"m\",\"role\":\"ROLE_USER\",\"parts\":[{\"text\":\"(((\"}],\"metadata\":{\"skillId\":\"test.echo\"}}}")) {
      assertThat(at(f.rpc("SendMessage", bad, OPS10), "error", "code"))
          .as(bad)
          .isEqualTo(Value.of(-32602));
    }
    HttpResponse<String> parse = f.post("/a2a", "{\"jsonrpc\":", OPS);
    assertThat(parse.statusCode()).as(parse.body()).isEqualTo(200);
    assertThat(at(Json.parse(parse.body()), "error", "code")).isEqualTo(Value.of(-32700));
    HttpResponse<String> noRoute = f.get("/a2a/nowhere", OPS10);
    assertThat(noRoute.statusCode()).isEqualTo(404);
    assertThat(text(Json.parse(noRoute.body()), "error", "status")).isEqualTo("NOT_FOUND");
    HttpResponse<String> unknownTask = f.get("/a2a/tasks/nope", OPS10);
    assertThat(unknownTask.statusCode()).isEqualTo(404);
    assertThat(text(Json.parse(unknownTask.body()), "error", "details", 0, "reason"))
        .isEqualTo("TASK_NOT_FOUND");
    assertThat(f.post("/a2a", "{}", "X-API-Key", "wrong").statusCode())
        .as("a wrong key is refused by the guard")
        .isEqualTo(401);
    assertThat(at(Json.parse(f.post("/a2a", "[1]", OPS).body()), "error", "code"))
        .isEqualTo(Value.of(-32600));
  }
}
