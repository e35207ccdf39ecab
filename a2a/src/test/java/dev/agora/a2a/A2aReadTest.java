package dev.agora.a2a;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.a2a.A2a.Artifact;
import dev.agora.a2a.A2a.ArtifactUpdate;
import dev.agora.a2a.A2a.Data;
import dev.agora.a2a.A2a.Event;
import dev.agora.a2a.A2a.Message;
import dev.agora.a2a.A2a.State;
import dev.agora.a2a.A2a.StatusUpdate;
import dev.agora.a2a.A2a.Task;
import dev.agora.a2a.A2a.Text;
import dev.agora.a2a.A2a.Version;
import dev.agora.core.json.Json;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What agents answer, read back in every dialect: what the server writes, the client reads. */
class A2aReadTest {

  static final Message STATUS =
      new Message("s", true, List.of(new Text("half way")), "c", "t", Dict.EMPTY);
  static final Artifact ARTIFACT =
      new Artifact("a", "result", List.of(new Text("r"), new Data(Json.parse("{\"n\":1}"))));

  static Task task(State s) {
    return new Task("t", "c", s, STATUS, "2026-12-05T00:00:00Z", List.of(ARTIFACT), List.of());
  }

  @Test
  void tasksMessagesAndUpdatesWrittenInEachDialectAreReadBack() {
    for (Version v : Version.values()) {
      for (State s : State.values()) {
        Task t = task(s);
        Task back = A2aCodec.task(A2aCodec.write(t, v, null, true), v);
        assertThat(back.state()).as(v + " " + s).isEqualTo(s);
        assertThat(back.id()).isEqualTo("t");
        assertThat(back.contextId()).isEqualTo("c");
        assertThat(back.timestamp()).isEqualTo("2026-12-05T00:00:00Z");
        assertThat(back.status().parts()).containsExactly(new Text("half way"));
        assertThat(back.artifacts()).containsExactly(ARTIFACT);
        assertThat(A2aCodec.event(A2aCodec.sent(t, v), v)).isEqualTo(back);

        Event update = A2aCodec.event(A2aCodec.statusUpdate(t, v), v);
        assertThat(update)
            .isEqualTo(
                new StatusUpdate("t", "c", s, back.status(), v != Version.V10 && s.terminal()));
        assertThat(A2aCodec.event(A2aCodec.artifactUpdate(t, ARTIFACT, v), v))
            .isEqualTo(new ArtifactUpdate("t", "c", ARTIFACT, false));
      }
      Message reply = new Message("m", true, List.of(new Text("hi")), "c", null, Dict.EMPTY);
      assertThat(A2aCodec.event(A2aCodec.sent(reply, v), v)).isEqualTo(reply);
    }
  }

  @Test
  void aTaskWithoutStatusMessageOrArtifactsAndAnAppendedArtifactAreRead() {
    Task bare =
        A2aCodec.task(Json.parse("{\"id\":\"t\",\"status\":{\"state\":\"working\"}}"), Version.V03);
    assertThat(bare.status()).isNull();
    assertThat(bare.artifacts()).isEmpty();
    assertThat(bare.contextId()).isNull();
    Event appended =
        A2aCodec.event(
            Json.parse(
                "{\"artifactUpdate\":{\"taskId\":\"t\",\"append\":true,\"artifact\":{\"parts\":[{\"text\":\"x\"}]}}}"),
            Version.V10);
    assertThat(appended)
        .isEqualTo(
            new ArtifactUpdate("t", null, new Artifact(null, null, List.of(new Text("x"))), true));
    Artifact noParts = A2aCodec.artifact(Json.parse("{\"artifactId\":\"a\"}"), "x", Version.V10);
    assertThat(noParts.parts()).isEmpty();
  }

  @Test
  void everySpellingOfAStateIsReadAndUnknownOnesAreNot() {
    assertThat(State.read("TASK_STATE_INPUT_REQUIRED")).isEqualTo(State.INPUT_REQUIRED);
    assertThat(State.read("input-required")).isEqualTo(State.INPUT_REQUIRED);
    assertThat(State.read("TASK_STATE_CANCELLED")).isEqualTo(State.CANCELED);
    assertThat(State.read(" canceled ")).isEqualTo(State.CANCELED);
    assertThat(State.read("unknown")).isNull();
    assertThat(State.read("TASK_STATE_UNSPECIFIED")).isNull();
    assertThat(State.read(null)).isNull();
    assertThat(Version.of(null)).isEqualTo(Version.V03);
    assertThat(Version.of(" ")).isEqualTo(Version.V03);
    assertThat(Version.of("1.0.2")).isEqualTo(Version.V10);
    assertThat(Version.of("0.3.0")).isEqualTo(Version.V03);
    assertThat(Version.of("2.0")).isNull();
  }

  @Test
  void answersThatAreNoA2aSayWhatIsWrong() {
    assertThatThrownBy(() -> A2aCodec.event(Value.of(1), Version.V10))
        .hasMessage("Invalid params: an answer must be an object, found a number");
    assertThatThrownBy(() -> A2aCodec.event(Json.parse("{\"kind\":\"poem\"}"), Version.V03))
        .hasMessage("Invalid params: an answer of unknown kind 'poem'");
    assertThatThrownBy(() -> A2aCodec.event(Json.parse("{\"result\":1,\"x\":2}"), Version.V10))
        .hasMessage(
            "Invalid params: an answer must be a task, message, statusUpdate or artifactUpdate;"
                + " found members [result, x]");
    assertThatThrownBy(() -> A2aCodec.task(Json.parse("[]"), Version.V10))
        .hasMessage("Invalid params: a task must be an object, found an array");
    assertThatThrownBy(() -> A2aCodec.task(Json.parse("{\"id\":\" \"}"), Version.V10))
        .hasMessage("Invalid params: a task needs an id");
    assertThatThrownBy(() -> A2aCodec.task(Json.parse("{\"id\":\"t\"}"), Version.V10))
        .hasMessage("Invalid params: task t has no status.state");
    assertThatThrownBy(
            () ->
                A2aCodec.task(
                    Json.parse("{\"id\":\"t\",\"status\":{\"state\":\"dreaming\"}}"), Version.V10))
        .hasMessage("Invalid params: task t has the unknown state 'dreaming'");
    assertThatThrownBy(
            () ->
                A2aCodec.event(
                    Json.parse("{\"kind\":\"status-update\",\"taskId\":\"t\",\"status\":{}}"),
                    Version.V03))
        .hasMessage("Invalid params: the status update of task t has no status.state");
    assertThatThrownBy(
            () ->
                A2aCodec.task(
                    Json.parse(
                        "{\"id\":\"t\",\"status\":{\"state\":\"working\"},\"artifacts\":[1]}"),
                    Version.V10))
        .hasMessage("Invalid params: task.artifacts[0] must be an object, found a number");
    A2a.Failure f = A2aCodec.invalid("x");
    assertThat(f.error).isEqualTo(A2a.Error.INVALID_PARAMS);
    assertThat(f.error.code).isEqualTo(-32602);
    assertThat(f.error.status).isEqualTo(400);
  }
}
