package dev.agora.server;

import static dev.agora.server.A2aServerTest.OPS;
import static dev.agora.server.A2aServerTest.OPS10;
import static dev.agora.server.A2aServerTest.at;
import static dev.agora.server.A2aServerTest.message03;
import static dev.agora.server.A2aServerTest.message10;
import static dev.agora.server.A2aServerTest.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.core.json.Json;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent endpoint's less travelled roads: every 0.3 method, push configs over both bindings,
 * listing with every filter, progress as status messages, push notifications turned off, and the
 * mistakes each binding answers with its own error shape.
 */
@Timeout(120)
class A2aEdgesTest {

  @TempDir static java.nio.file.Path dir;
  static A2aFixture f;

  @BeforeAll
  static void start() throws Exception {
    f = new A2aFixture(dir, "{task_after: 200ms}");
  }

  @AfterAll
  static void stop() {
    f.close(); // with a task still running: closing cancels it
  }

  /** A task held open by gate {@code gate}, started over 1.0; its id. */
  static String task(String gate) {
    return text(
        f.rpc(
            "SendMessage",
            message10("test.gate", "{\"data\":{\"gate\":\"" + gate + "\"}}")
                + ",\"configuration\":{\"returnImmediately\":true}}",
            OPS10),
        "result",
        "task",
        "id");
  }

  @Test
  void every03MethodWorksOnATask() {
    Dict sent =
        f.rpc(
            "message/send",
            message03("test.gate", "{\"kind\":\"data\",\"data\":{\"gate\":\"e03\"}}")
                + ",\"configuration\":{\"blocking\":false,\"pushNotificationConfig\":{\"url\":\"http://127.0.0.1:9/hook\"}}}",
            OPS);
    String id = text(sent, "result", "id");
    assertThat(text(sent, "result", "status", "state")).isEqualTo("working");
    assertThat(
            text(
                f.rpc("tasks/get", "{\"id\":\"" + id + "\",\"historyLength\":0}", OPS),
                "result",
                "kind"))
        .isEqualTo("task");
    Dict set =
        f.rpc(
            "tasks/pushNotificationConfig/set",
            "{\"taskId\":\""
                + id
                + "\",\"pushNotificationConfig\":{\"id\":\"p2\",\"url\":\"http://127.0.0.1:9/two\"}}",
            OPS);
    assertThat(text(set, "result", "pushNotificationConfig", "id")).isEqualTo("p2");
    assertThat(
            at(
                f.rpc("tasks/pushNotificationConfig/list", "{\"id\":\"" + id + "\"}", OPS),
                "result",
                1))
        .isNotNull();
    assertThat(
            text(
                f.rpc(
                    "tasks/pushNotificationConfig/get",
                    "{\"id\":\"" + id + "\",\"pushNotificationConfigId\":\"p2\"}",
                    OPS),
                "result",
                "pushNotificationConfig",
                "url"))
        .isEqualTo("http://127.0.0.1:9/two");
    assertThat(
            at(f.rpc("tasks/pushNotificationConfig/get", "{\"id\":\"" + id + "\"}", OPS), "result"))
        .as("the first, when none is named")
        .isNotNull();
    assertThat(
            at(
                f.rpc(
                    "tasks/pushNotificationConfig/get",
                    "{\"id\":\"" + id + "\",\"pushNotificationConfigId\":\"nope\"}",
                    OPS),
                "error",
                "code"))
        .isEqualTo(Value.of(-32001));
    assertThat(
            at(
                f.rpc(
                    "tasks/pushNotificationConfig/delete",
                    "{\"id\":\"" + id + "\",\"pushNotificationConfigId\":\"p2\"}",
                    OPS),
                "error"))
        .isNull();
    assertThat(
            at(
                f.rpc("tasks/pushNotificationConfig/delete", "{\"id\":\"" + id + "\"}", OPS),
                "error",
                "code"))
        .isEqualTo(Value.of(-32001));
    assertThat(text(f.rpc("agent/getAuthenticatedExtendedCard", "{}", OPS), "result", "name"))
        .isEqualTo("Agora");
    assertThat(
            text(
                f.rpc("tasks/cancel", "{\"id\":\"" + id + "\"}", OPS), "result", "status", "state"))
        .isEqualTo("canceled");
    assertThat(at(f.rpc("tasks/resubscribe", "{\"id\":\"" + id + "\"}", OPS), "error", "code"))
        .isEqualTo(Value.of(-32004));
    assertThat(text(f.rpc("tasks/get", "{}", OPS10), "error", "message"))
        .contains("this is a 0.3 method");
  }

  @Test
  void pushConfigsOverHttpJsonInBothVersions() {
    String id = task("rest-push");
    String base = "/a2a/tasks/" + id + "/pushNotificationConfigs";
    HttpResponse<String> made =
        f.post(base, "{\"url\":\"http://127.0.0.1:9/h\",\"token\":\"t\"}", OPS10);
    assertThat(made.statusCode()).as(made.body()).isEqualTo(200);
    String cid = text(Json.parse(made.body()), "id");
    assertThat(f.get(base, OPS10).body()).contains(cid).contains("\"nextPageToken\":\"\"");
    assertThat(f.get(base + "/" + cid, OPS10).body()).contains("\"token\":\"t\"");
    assertThat(f.send(f.request(base + "/" + cid, OPS10).DELETE()).statusCode()).isEqualTo(200);
    assertThat(f.send(f.request(base + "/" + cid, OPS10).DELETE()).statusCode()).isEqualTo(404);

    String v03 = "/a2a/v1/tasks/" + id + "/pushNotificationConfigs";
    HttpResponse<String> made03 =
        f.post(
            v03,
            "{\"parent\":\"tasks/"
                + id
                + "\",\"config\":{\"pushNotificationConfig\":{\"id\":\"r3\",\"url\":\"http://127.0.0.1:9/r\"}}}",
            OPS);
    assertThat(made03.statusCode()).as(made03.body()).isEqualTo(200);
    assertThat(text(Json.parse(made03.body()), "name"))
        .isEqualTo("tasks/" + id + "/pushNotificationConfigs/r3");
    assertThat(f.get(v03, OPS).body()).contains("\"configs\"");
    assertThat(f.get(v03 + "/r3", OPS).body()).contains("http://127.0.0.1:9/r");
    assertThat(f.send(f.request(v03 + "/r3", OPS).DELETE()).statusCode()).isEqualTo(200);
    assertThat(f.post("/a2a/tasks/" + id + ":cancel", "", OPS10).body())
        .contains("TASK_STATE_CANCELED");
    assertThat(f.post("/a2a/v1/tasks/" + id + ":cancel", "", OPS).body())
        .contains("TASK_STATE_CANCELLED");
  }

  @Test
  void listingFiltersPagesAndRefusesNonsense() {
    String id = task("list");
    f.open("list");
    f.events(f.request("/a2a/tasks/" + id + ":subscribe", OPS10).GET()); // to its end
    String context =
        text(f.rpc("GetTask", "{\"id\":\"" + id + "\"}", OPS10), "result", "contextId");
    Dict byContext =
        f.rpc(
            "ListTasks",
            "{\"contextId\":\""
                + context
                + "\",\"status\":\"TASK_STATE_COMPLETED\",\"historyLength\":1,\"includeArtifacts\":true,\"pageSize\":\"5\"}",
            OPS10);
    assertThat(at(byContext, "result", "tasks", 0, "id")).isEqualTo(Value.of(id));
    assertThat(at(byContext, "result", "tasks", 0, "artifacts")).isNotNull();
    assertThat(at(byContext, "result", "totalSize")).isEqualTo(Value.of(1));
    HttpResponse<String> rest =
        f.get(
            "/a2a/tasks?contextId="
                + context
                + "&status=TASK_STATE_COMPLETED&pageSize=1&pageToken=0&historyLength=0&includeArtifacts=true",
            OPS10);
    assertThat(rest.statusCode()).as(rest.body()).isEqualTo(200);
    assertThat(text(Json.parse(rest.body()), "nextPageToken")).isEqualTo("");
    assertThat(f.get("/a2a/tasks?includeArtifacts=no", OPS10).statusCode()).isEqualTo(200);
    assertThat(f.get("/a2a/tasks?pageSize=lots", OPS10).statusCode()).isEqualTo(400);
    assertThat(at(f.rpc("ListTasks", "{\"status\":\"TASK_STATE_BORED\"}", OPS10), "error", "code"))
        .isEqualTo(Value.of(-32602));
    assertThat(at(f.rpc("ListTasks", "{\"pageSize\":[1]}", OPS10), "error", "code"))
        .isEqualTo(Value.of(-32602));
    assertThat(f.get("/a2a/v1/tasks", OPS).statusCode())
        .as("0.3 lists no tasks over REST")
        .isEqualTo(404);
  }

  @Test
  void progressBecomesWorkingStatusMessages() {
    Iterator<Dict> events =
        f.stream(
            f.request("/a2a/message:stream", OPS10)
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        message10("test.progress", "{\"data\":{}}") + "}")));
    List<Dict> seen = new ArrayList<>();
    seen.add(events.next()); // the task: the call outlived task_after
    f.open("progress");
    events.forEachRemaining(seen::add);
    assertThat(Json.write(Vec(seen)))
        .contains("progress 1.0 of 2.0: half")
        .contains("progress 2.0");
    assertThat(text(seen.getLast(), "statusUpdate", "status", "state"))
        .isEqualTo("TASK_STATE_COMPLETED");
  }

  static Value Vec(List<Dict> l) {
    return dev.agora.rtfs.Vec.of(new ArrayList<Value>(l));
  }

  @Test
  void mistakesAreAnsweredInTheBindingsOwnShape() {
    assertThat(
            at(
                Json.parse(
                    f.post("/a2a", "{\"jsonrpc\":\"1.0\",\"id\":5,\"method\":\"x\"}", OPS).body()),
                "error",
                "code"))
        .isEqualTo(Value.of(-32600));
    assertThat(
            at(
                Json.parse(f.post("/a2a", "{\"jsonrpc\":\"2.0\",\"id\":{\"o\":1}}", OPS).body()),
                "id"))
        .isEqualTo(Value.NIL);
    assertThat(
            at(
                Json.parse(
                    f.post(
                            "/a2a?A2A-Version=1.0",
                            "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"GetTask\",\"params\":{\"id\":\"none\"}}",
                            OPS)
                        .body()),
                "error",
                "code"))
        .as("the version as a query parameter")
        .isEqualTo(Value.of(-32001));
    assertThat(at(f.rpc("SendStreamingMessage", "{\"message\":7}", OPS10), "error", "code"))
        .isEqualTo(Value.of(-32602));
    assertThat(
            at(
                f.rpc(
                    "SendMessage",
                    "{\"message\":{\"messageId\":\"m\",\"role\":\"ROLE_USER\",\"parts\":[{\"url\":\"https://x\"}],\"metadata\":{\"skillId\":\"test.echo\"}}}",
                    OPS10),
                "error",
                "message"))
        .asString()
        .contains("no data or text part");
    Dict bare =
        f.rpc("SendMessage", message10("test.bare", "{\"text\":\"{\\\"x\\\":1}\"}") + "}", OPS10);
    assertThat(at(bare, "result", "message", "parts", 0, "data", "x")).isEqualTo(Value.of(1));
    assertThat(f.get(A2aServlet.CARD, OPS).body())
        .contains(
            "\"id\":\"test.bare\",\"name\":\"test.bare\",\"description\":\"Capability test.bare 1.0.0\"");

    assertThat(f.post("/a2a/message:send", "{bad", OPS10).statusCode()).isEqualTo(400);
    assertThat(f.post("/a2a/message:send", "[1]", OPS10).statusCode()).isEqualTo(400);
    assertThat(f.post("/a2a/message:send", "", OPS10).statusCode()).isEqualTo(400);
    assertThat(
            f.get("/a2a/message:send", "X-API-Key", A2aFixture.OPS_KEY, "A2A-Version", "3.0")
                .statusCode())
        .isEqualTo(400);
    assertThat(f.post("/a2a/tasks/x:frob", "", OPS10).statusCode()).isEqualTo(404);
    assertThat(f.get("/a2a/tasks/x/other", OPS10).statusCode()).isEqualTo(404);
    assertThat(f.send(f.request("/a2a/tasks/x", OPS10).DELETE()).statusCode()).isEqualTo(404);
    assertThat(f.get("/a2a/tasks/x/pushNotificationConfigs/a/b", OPS10).statusCode())
        .isEqualTo(404);
    assertThat(f.get("/a2a/extendedAgentCard", OPS10).body()).contains("\"skills\"");
    assertThat(f.get("/a2a/v1/card", OPS).body()).contains("\"skills\"");
    assertThat(f.get("/a2a/card", OPS10).statusCode())
        .as("0.3's route, asked as 1.0")
        .isEqualTo(404);
    assertThat(f.get("/a2a/v1/message:send", OPS).statusCode()).isEqualTo(404);
  }

  @Test
  void withPushTurnedOffConfigsAreRefused() throws Exception {
    try (A2aFixture off =
        new A2aFixture(
            java.nio.file.Files.createDirectories(dir.resolve("off")),
            "{push: false, task_after: 100ms}")) {
      Dict card = (Dict) Json.parse(off.get(A2aServlet.CARD).body());
      assertThat(at(card, "capabilities", "pushNotifications")).isNull();
      Dict sent =
          off.rpc(
              "SendMessage",
              message10("test.gate", "{\"data\":{\"gate\":\"off\"}}")
                  + ",\"configuration\":{\"returnImmediately\":true,\"taskPushNotificationConfig\":{\"url\":\"http://127.0.0.1:9/h\"}}}",
              OPS10);
      assertThat(at(sent, "error", "code")).isEqualTo(Value.of(-32003));
    }
  }
}
