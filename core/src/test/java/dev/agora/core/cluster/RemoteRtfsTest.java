package dev.agora.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.manifest.Glob;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The remote-rtfs wire format: what is sent arrives as it was, and what does not read says why. */
class RemoteRtfsTest {

  static final SecurityContext TENANT_CALLER =
      new SecurityContext(
              "ops",
              SecurityContext.Level.CONTROLLED,
              List.of(Glob.of("crm.*")),
              Set.of("network"),
              Set.of("crm.read"))
          .in(
              new SecurityContext.Tenant(
                  "acme", List.of(Glob.of("crm.*")), Set.of("acme-crm"), Set.of("globex-erp")));

  static RemoteRtfs.Request request(SecurityContext caller, String plan) {
    return new RemoteRtfs.Request(
        "agora-2",
        "0f1e2d3c",
        "crm.find",
        "1.0.0",
        "ab12",
        Dict.builder().put("n", Value.of(3)).put("tags", Vec.of(Value.of("x"))).build(),
        caller,
        "call-1",
        plan,
        Duration.ofSeconds(30),
        Instant.ofEpochMilli(1_700_000_000_000L),
        3);
  }

  @ParameterizedTest
  @EnumSource(RemoteRtfs.Transfer.class)
  void aRequestArrivesAsItWasSent(RemoteRtfs.Transfer t) {
    for (RemoteRtfs.Request sent :
        List.of(
            request(TENANT_CALLER, "plan-1"),
            request(SecurityContext.full("root"), null),
            request(SecurityContext.pure("p"), null))) {
      assertThat(RemoteRtfs.Request.from(t.decode(t.encode(sent.toValue())))).isEqualTo(sent);
    }
  }

  @Test
  void rtfsKeepsKeywordsAndJsonMakesThemStrings() {
    Dict reply =
        new RemoteRtfs.Reply(
                "n2",
                "call-1",
                Dict.builder().put("k", Value.keyword("done")).build(),
                null,
                List.of("a1"))
            .toValue();
    RemoteRtfs.Reply viaRtfs =
        RemoteRtfs.Reply.from(
            RemoteRtfs.Transfer.RTFS.decode(RemoteRtfs.Transfer.RTFS.encode(reply)));
    assertThat(viaRtfs.result()).isEqualTo(Dict.builder().put("k", Value.keyword("done")).build());
    assertThat(viaRtfs.children()).containsExactly("a1");
    RemoteRtfs.Reply viaJson =
        RemoteRtfs.Reply.from(
            RemoteRtfs.Transfer.JSON.decode(RemoteRtfs.Transfer.JSON.encode(reply)));
    assertThat(viaJson.result()).isEqualTo(Dict.builder().put("k", Value.of("done")).build());
  }

  @Test
  void aFailureArrivesWithItsKindAndFault() {
    RemoteRtfs.Reply failed =
        new RemoteRtfs.Reply(
            "n2", "c", null, new RemoteRtfs.Failure("Timeout", "too slow", true, false), List.of());
    RemoteRtfs.Reply back =
        RemoteRtfs.Reply.from(
            RemoteRtfs.Transfer.RTFS.decode(RemoteRtfs.Transfer.RTFS.encode(failed.toValue())));
    assertThat(back.failure())
        .isEqualTo(new RemoteRtfs.Failure("Timeout", "too slow", true, false));
    assertThat(back.result()).isNull();
  }

  @Test
  void formatsAreFoundByNameAndMediaType() {
    assertThat(RemoteRtfs.Transfer.named("json")).isEqualTo(RemoteRtfs.Transfer.JSON);
    assertThat(RemoteRtfs.Transfer.named("RTFS")).isEqualTo(RemoteRtfs.Transfer.RTFS);
    assertThat(RemoteRtfs.Transfer.named("xml")).isNull();
    assertThat(RemoteRtfs.Transfer.ofMediaType("application/json; charset=utf-8"))
        .isEqualTo(RemoteRtfs.Transfer.JSON);
    assertThat(RemoteRtfs.Transfer.ofMediaType("Application/VND.agora.rtfs"))
        .isEqualTo(RemoteRtfs.Transfer.RTFS);
    assertThat(RemoteRtfs.Transfer.ofMediaType("application/vnd.agora.rtfs-binary"))
        .isEqualTo(RemoteRtfs.Transfer.BINARY);
    assertThat(RemoteRtfs.Transfer.named("binary")).isEqualTo(RemoteRtfs.Transfer.BINARY);
    assertThat(RemoteRtfs.Transfer.ofMediaType("text/plain")).isNull();
    assertThat(RemoteRtfs.Transfer.ofMediaType(null)).isNull();
  }

  @Test
  void whatIsSignedBindsTheSenderTheBodyAndForAReplyTheCall() {
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    assertThat(new String(RemoteRtfs.requestSigned("n1", body), StandardCharsets.UTF_8))
        .startsWith("agora-remote-rtfs/1 request\nn1\n")
        .isNotEqualTo(
            new String(RemoteRtfs.requestSigned("n1", new byte[] {1}), StandardCharsets.UTF_8));
    assertThat(new String(RemoteRtfs.replySigned("n2", "c9", body), StandardCharsets.UTF_8))
        .startsWith("agora-remote-rtfs/1 reply\nn2\nc9\n");
  }

  @Test
  void aBodyThatDoesNotReadSaysWhy() {
    assertThatThrownBy(() -> RemoteRtfs.Transfer.RTFS.decode(bytes("{:a")))
        .isInstanceOf(RemoteRtfsException.class)
        .hasMessageStartingWith("the body is not RTFS: ");
    assertThatThrownBy(() -> RemoteRtfs.Transfer.JSON.decode(bytes("{\"a\":")))
        .isInstanceOf(RemoteRtfsException.class)
        .hasMessageStartingWith("the body is not JSON: ");
    assertThatThrownBy(() -> RemoteRtfs.Transfer.RTFS.decode(bytes("[1 2]")))
        .hasMessage("the body is [1 2] (vector), not a map");
    assertThatThrownBy(() -> RemoteRtfs.Transfer.BINARY.decode(new byte[] {1, 3}))
        .isInstanceOf(RemoteRtfsException.class)
        .hasMessageStartingWith("the body is not BINARY: ")
        .hasMessageContaining("at byte");
  }

  @Test
  void eachMissingOrMistypedFieldIsNamed() {
    Dict good = request(TENANT_CALLER, "p").toValue();
    assertRequest(good.dissoc(Value.keyword("capability")), "missing 'capability'");
    assertRequest(
        good.assoc(Value.keyword("version"), Value.of(1)),
        "'version' is 1 (integer), not a string");
    assertRequest(good.assoc(Value.keyword("sent"), Value.of("now")), "'sent' is not an integer");
    assertThat(RemoteRtfs.Request.from(good.assoc(Value.keyword("depth"), Value.of(-5))).depth())
        .as("a depth out of range is clamped")
        .isZero();
    assertRequest(good.assoc(Value.keyword("caller"), Value.of("x")), "'caller' is not a map");
    Dict caller = (Dict) good.get("caller");
    assertRequest(
        good.assoc(Value.keyword("caller"), caller.assoc(Value.keyword("level"), Value.of("GOD"))),
        "unknown context level 'GOD'");
    assertRequest(
        good.assoc(Value.keyword("caller"), caller.assoc(Value.keyword("allowed"), Value.of("*"))),
        "'allowed' is not a list");
    assertRequest(
        good.assoc(
            Value.keyword("caller"),
            caller.assoc(Value.keyword("permissions"), Vec.of(Value.of(1)))),
        "'permissions' is 1 (integer), not a string");
    Dict reply = new RemoteRtfs.Reply("n", "c", Value.NIL, null, List.of()).toValue();
    assertReply(reply.assoc(Value.keyword("children"), Value.of("a")), "'children' is not a list");
    assertReply(
        reply.dissoc(Value.keyword("result")), "the reply has neither 'result' nor 'error'");
    assertReply(reply.assoc(Value.keyword("error"), Value.of(1)), "'error' is not a map");
  }

  private static void assertRequest(Dict d, String message) {
    assertThatThrownBy(() -> RemoteRtfs.Request.from(d))
        .isInstanceOf(RemoteRtfsException.class)
        .hasMessage(message);
  }

  private static void assertReply(Dict d, String message) {
    assertThatThrownBy(() -> RemoteRtfs.Reply.from(d))
        .isInstanceOf(RemoteRtfsException.class)
        .hasMessage(message);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
