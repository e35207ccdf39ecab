package dev.agora.provider.a2a;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.a2a.A2a.Artifact;
import dev.agora.a2a.A2a.Data;
import dev.agora.a2a.A2a.File;
import dev.agora.a2a.A2a.Message;
import dev.agora.a2a.A2a.State;
import dev.agora.a2a.A2a.Text;
import dev.agora.core.json.Json;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Reader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The call's input as a message, and what the agent said as the call's result. */
class ResultsTest {

  @Test
  void theInputBecomesAUserMessageNamingTheSkill() {
    Message m = Results.message(Reader.readValue("{:data {:a 1} :task-id \"t\"}"), "sk");
    assertThat(m.fromAgent()).isFalse();
    assertThat(m.parts()).hasSize(1).first().isInstanceOf(Data.class);
    assertThat(m.taskId()).isEqualTo("t");
    assertThat(m.contextId()).isNull();
    assertThat(Json.write(m.metadata())).isEqualTo("{\"skillId\":\"sk\"}");
    assertThat(Results.message(Value.NIL, "sk").parts()).isEmpty();
    assertThat(Results.message(Reader.readValue("{:text \"x\" :data 3}"), "sk").parts())
        .containsExactly(new Text("x"));
  }

  @Test
  void aCompletedTaskSaysItsArtifactsAndAWaitingOneWhatItAsks() {
    Message said = new Message("m", true, List.of(new Text("status")), null, null, null);
    List<Artifact> arts =
        List.of(
            new Artifact(
                null, null, List.of(new Text("a"), new Data(Value.of(1)), new Data(Value.of(2)))),
            new Artifact("x", "f", List.of(new File(null, null, null, null))));
    Dict done = Results.result(State.COMPLETED, null, null, said, arts);
    assertThat(done.get("text")).isEqualTo(Value.of("a"));
    assertThat(done.get("data")).isEqualTo(Value.of(1));
    assertThat(done.get("task-id")).isNull();
    assertThat(Json.write(done.get("artifacts")))
        .isEqualTo(
            "[{\"parts\":[{\"text\":\"a\"},{\"data\":1},{\"data\":2}]},"
                + "{\"parts\":[{\"file\":{}}],\"artifact-id\":\"x\",\"name\":\"f\"}]");
    Dict waiting = Results.result(State.INPUT_REQUIRED, "t", "c", said, arts);
    assertThat(waiting.get("text")).isEqualTo(Value.of("status\na"));
    Dict bare = Results.result(State.COMPLETED, "t", "c", null, List.of());
    assertThat(bare.get("text")).isEqualTo(Value.of(""));
    assertThat(bare.get("data")).isNull();
  }
}
