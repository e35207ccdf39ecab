package dev.agora.a2a;

import static dev.agora.core.json.JsonObjects.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.a2a.A2a.Artifact;
import dev.agora.a2a.A2a.Data;
import dev.agora.a2a.A2a.File;
import dev.agora.a2a.A2a.Message;
import dev.agora.a2a.A2a.Part;
import dev.agora.a2a.A2a.PushConfig;
import dev.agora.a2a.A2a.State;
import dev.agora.a2a.A2a.Task;
import dev.agora.a2a.A2a.Text;
import dev.agora.a2a.A2a.Version;
import dev.agora.core.json.Json;
import dev.agora.core.json.JsonObjects;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The three JSON dialects read into and written from one model, part by part. */
class A2aCodecTest {

  static String text(Value v, Object... path) {
    return JsonObjects.textAt(v, path);
  }

  static Dict json(String s) {
    return (Dict) Json.parse(s);
  }

  static final List<Part> ALL =
      List.of(
          new Text("hi"),
          new Data(Value.of(3)),
          new Data(json("{\"a\":1}")),
          new File("https://x/f.pdf", null, "application/pdf", "f.pdf"),
          new File(null, "AAEC", "image/png", null));

  @Test
  void everyPartRoundTripsInEveryDialect() {
    for (Version v : Version.values()) {
      Message m = new Message("m1", true, ALL, "c1", "t1", json("{\"skillId\":\"s\"}"));
      Dict written = A2aCodec.write(m, v);
      Message back = A2aCodec.message(written, v);
      assertThat(back.fromAgent()).as(v.name()).isTrue();
      assertThat(back.contextId()).isEqualTo("c1");
      assertThat(back.taskId()).isEqualTo("t1");
      assertThat(back.parts().get(0)).isEqualTo(new Text("hi"));
      assertThat(back.parts().get(2)).isEqualTo(new Data(json("{\"a\":1}")));
      // 0.3 data parts are objects: a number goes as {"result": 3}
      assertThat(back.parts().get(1))
          .isEqualTo(v == Version.V10 ? new Data(Value.of(3)) : new Data(json("{\"result\":3}")));
      File f = (File) back.parts().get(3);
      assertThat(f.url()).isEqualTo("https://x/f.pdf");
      assertThat(f.mediaType()).isEqualTo("application/pdf");
      assertThat(((File) back.parts().get(4)).bytes()).isEqualTo("AAEC");
      assertThat(text(written, "role")).isEqualTo(v == Version.V03 ? "agent" : "ROLE_AGENT");
    }
    Dict user =
        A2aCodec.write(
            new Message("u", false, List.of(new Text("x")), null, null, null), Version.V03);
    assertThat(text(user, "role")).isEqualTo("user");
    assertThat(user.get(Json.key("metadata"))).isNull();
    assertThat(
            text(
                A2aCodec.write(
                    new Message("u", false, List.of(new Text("x")), null, null, null), Version.V10),
                "role"))
        .isEqualTo("ROLE_USER");
  }

  @Test
  void tasksEventsAndResultsAreWrappedAsEachDialectWants() {
    Message status = new Message("s", true, List.of(new Text("done")), "c", "t", Dict.EMPTY);
    Message asked = new Message("q", false, List.of(new Text("go")), "c", "t", Dict.EMPTY);
    Task t =
        new Task(
            "t",
            "c",
            State.CANCELED,
            status,
            "2026-12-05T00:00:00Z",
            List.of(new Artifact("a", "result", List.of(new Text("r")))),
            List.of(asked, status));
    assertThat(text(A2aCodec.write(t, Version.V10, null, true), "status", "state"))
        .isEqualTo("TASK_STATE_CANCELED");
    assertThat(text(A2aCodec.write(t, Version.V03_REST, null, true), "status", "state"))
        .isEqualTo("TASK_STATE_CANCELLED");
    assertThat(text(A2aCodec.write(t, Version.V03, null, true), "status", "state"))
        .isEqualTo("canceled");
    Dict one = A2aCodec.write(t, Version.V10, 1, false);
    assertThat(at(one, "history", 0, "messageId")).isEqualTo(Value.of("s"));
    assertThat(at(one, "history", 1)).isNull();
    assertThat(at(one, "artifacts")).isNull();
    assertThat(at(A2aCodec.write(t, Version.V10, 0, true), "history")).isNull();
    assertThat(State.INPUT_REQUIRED.wire(Version.V03)).isEqualTo("input-required");
    assertThat(State.INPUT_REQUIRED.terminal()).isFalse();

    assertThat(at(A2aCodec.sent(t, Version.V10), "task", "id")).isEqualTo(Value.of("t"));
    assertThat(at(A2aCodec.sent(t, Version.V03_REST), "task", "id")).isEqualTo(Value.of("t"));
    assertThat(text(A2aCodec.sent(t, Version.V03), "kind")).isEqualTo("task");
    assertThat(at(A2aCodec.sent(status, Version.V10), "message", "messageId"))
        .isEqualTo(Value.of("s"));

    assertThat(at(A2aCodec.statusUpdate(t, Version.V10), "statusUpdate", "final")).isNull();
    assertThat(at(A2aCodec.statusUpdate(t, Version.V03_REST), "statusUpdate", "final"))
        .isEqualTo(Value.of(true));
    assertThat(at(A2aCodec.statusUpdate(t, Version.V03), "final")).isEqualTo(Value.of(true));
    Artifact a = t.artifacts().getFirst();
    assertThat(
            at(
                A2aCodec.artifactUpdate(t, a, Version.V10),
                "artifactUpdate",
                "artifact",
                "artifactId"))
        .isEqualTo(Value.of("a"));
    assertThat(text(A2aCodec.artifactUpdate(t, a, Version.V03), "kind"))
        .isEqualTo("artifact-update");
  }

  @Test
  void pushConfigsAreReadAndWrittenPerDialect() {
    PushConfig c = new PushConfig("p", "t", "https://hook", "tok", "Bearer", "secret", Version.V10);
    assertThat(text(A2aCodec.write(c, Version.V10), "authentication", "scheme"))
        .isEqualTo("Bearer");
    assertThat(
            at(
                A2aCodec.write(c, Version.V03),
                "pushNotificationConfig",
                "authentication",
                "schemes",
                0))
        .isEqualTo(Value.of("Bearer"));
    assertThat(text(A2aCodec.write(c, Version.V03_REST), "name"))
        .isEqualTo("tasks/t/pushNotificationConfigs/p");
    assertThat(
            at(
                A2aCodec.write(
                    new PushConfig("p", "t", "u", null, null, null, Version.V10), Version.V10),
                "authentication"))
        .isNull();

    PushConfig v10 =
        A2aCodec.push(
            json(
                "{\"url\":\"https://h\",\"authentication\":{\"scheme\":\"Basic\",\"credentials\":\"x\"}}"),
            "t",
            "new",
            Version.V10);
    assertThat(v10)
        .isEqualTo(new PushConfig("new", "t", "https://h", null, "Basic", "x", Version.V10));
    PushConfig v03 =
        A2aCodec.push(
            json(
                "{\"pushNotificationConfig\":{\"id\":\"mine\",\"url\":\"https://h\",\"token\":\"k\",\"authentication\":{\"schemes\":[\"Bearer\"]}}}"),
            "t",
            "new",
            Version.V03);
    assertThat(v03)
        .isEqualTo(new PushConfig("mine", "t", "https://h", "k", "Bearer", null, Version.V03));
    PushConfig rest =
        A2aCodec.push(
            json(
                "{\"config\":{\"pushNotificationConfig\":{\"url\":\"https://h\",\"authentication\":{\"schemes\":[7]}}}}"),
            "t",
            "new",
            Version.V03_REST);
    assertThat(rest.scheme()).isNull();
    assertThat(
            A2aCodec.push(
                    json("{\"pushNotificationConfig\":{\"url\":\"https://h\"}}"),
                    "t",
                    "n",
                    Version.V03_REST)
                .url())
        .isEqualTo("https://h");
    assertThatThrownBy(() -> A2aCodec.push(json("{}"), "t", "n", Version.V10))
        .hasMessageContaining("needs a url");
  }

  @Test
  void badMessagesAndPartsSayWhatIsWrong() {
    assertThatThrownBy(() -> A2aCodec.message(Value.of(1), Version.V10))
        .hasMessageContaining("params.message must be an object");
    assertThatThrownBy(
            () ->
                A2aCodec.message(
                    json("{\"messageId\":\"m\",\"parts\":[{\"text\":\"x\"}]}"), Version.V03))
        .hasMessageContaining("message.role must be user or agent, found nothing");
    assertThatThrownBy(
            () ->
                A2aCodec.message(
                    json("{\"role\":\"ROLE_USER\",\"messageId\":\" \",\"parts\":[]}"), Version.V10))
        .hasMessageContaining("messageId");
    assertThatThrownBy(
            () ->
                A2aCodec.message(
                    json("{\"role\":\"ROLE_USER\",\"messageId\":\"m\",\"parts\":[]}"),
                    Version.V03_REST))
        .hasMessageContaining("message.content must be a non-empty array");
    assertThatThrownBy(() -> A2aCodec.part(Value.of("x"), "p", Version.V10))
        .hasMessageContaining("p must be an object");
    assertThatThrownBy(() -> A2aCodec.part(json("{\"kind\":\"text\"}"), "p", Version.V03))
        .hasMessageContaining("p is no part");
    assertThatThrownBy(
            () -> A2aCodec.part(json("{\"kind\":\"file\",\"file\":3}"), "p", Version.V03))
        .hasMessageContaining("is no part");
    assertThatThrownBy(
            () -> A2aCodec.part(json("{\"kind\":\"file\",\"url\":\"u\"}"), "p", Version.V03))
        .hasMessageContaining("is no part");
    assertThat(A2aCodec.part(json("{\"kind\":\"data\",\"data\":[1]}"), "p", Version.V03))
        .isEqualTo(new Data(Json.parse("[1]")));
    assertThat(A2aCodec.part(json("{\"data\":[1]}"), "p", Version.V03_REST))
        .as("not wrapped once more: as it is")
        .isEqualTo(new Data(Json.parse("[1]")));
    assertThat(
            A2aCodec.part(json("{\"kind\":\"text\",\"text\":\"t\",\"data\":1}"), "p", Version.V03))
        .isEqualTo(new Text("t"));
  }

  @Test
  void versionsAreReadFromTheHeader() {
    assertThat(Version.of(null)).isEqualTo(Version.V03);
    assertThat(Version.of(" ")).isEqualTo(Version.V03);
    assertThat(Version.of("0.3.0")).isEqualTo(Version.V03);
    assertThat(Version.of("0.3")).isEqualTo(Version.V03);
    assertThat(Version.of("1.0")).isEqualTo(Version.V10);
    assertThat(Version.of("1.0.1")).isEqualTo(Version.V10);
    assertThat(Version.of("2.0")).isNull();
  }
}
