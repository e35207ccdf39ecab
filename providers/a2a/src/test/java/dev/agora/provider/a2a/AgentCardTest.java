package dev.agora.provider.a2a;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.a2a.A2a.Version;
import dev.agora.core.json.Json;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Cards read as the client needs them: interfaces in order, skills, signatures. */
class AgentCardTest {

  static final URI FROM = URI.create("http://agent.example/.well-known/agent-card.json");

  static AgentCard read(String json) throws AgentCard.Invalid {
    return AgentCard.read(Json.parse(json), FROM);
  }

  @Test
  void interfacesComeInTheCardsOrderOnceEachWithRelativeUrlsResolved() throws Exception {
    AgentCard c =
        read(
            """
            {"name":"a","protocolVersion":"0.3.0","url":"/rest","preferredTransport":"HTTP+JSON",
             "supportedInterfaces":[7,{"url":"/v1rpc","protocolBinding":"JSONRPC","protocolVersion":"1.0"},
               {"url":"/v1rpc","protocolBinding":"JSONRPC","protocolVersion":"1.0"},
               {"protocolBinding":"JSONRPC","protocolVersion":"1.0"}],
             "additionalInterfaces":["x",{"url":"/r","transport":"REST"}],
             "capabilities":{"streaming":"yes"},
             "skills":[{"id":"s","tags":["a",1],"examples":"no"}]}""");
    assertThat(c.interfaces())
        .extracting(AgentCard.Interface::describe)
        .containsExactly(
            "1.0 JSON-RPC at http://agent.example/v1rpc",
            "0.3 HTTP+JSON at http://agent.example/rest",
            "0.3 HTTP+JSON at http://agent.example/r");
    assertThat(c.interfaces().get(1).version()).isEqualTo(Version.V03_REST);
    assertThat(c.streaming()).isFalse();
    assertThat(c.skills().getFirst().tags()).containsExactly("a");
    assertThat(c.skills().getFirst().examples()).isEmpty();
    assertThat(read("{\"name\":\"b\",\"url\":\"/x\"}").skills()).isEmpty();
  }

  @Test
  void cardsThatCannotBeUsedSayWhy() {
    assertThatThrownBy(() -> AgentCard.read(Value.of(1), FROM))
        .hasMessage("the card is not a JSON object");
    assertThatThrownBy(() -> read("{\"name\":\" \"}")).hasMessage("the card has no name");
    assertThatThrownBy(() -> read("{\"name\":\"n\"}"))
        .hasMessage(
            "the card offers no interface Agora speaks (JSON-RPC or HTTP+JSON, A2A 1.0 or 0.3)");
    assertThatThrownBy(() -> read("{\"name\":\"n\",\"url\":\"/x\",\"skills\":[3]}"))
        .hasMessage("skills[0] has no id");
    assertThatThrownBy(() -> read("{\"name\":\"n\",\"url\":\"/x\",\"skills\":[{\"id\":\"\"}]}"))
        .hasMessage("skills[0] has no id");
  }

  static String b64(String s) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static Dict signed(String sigs) {
    return (Dict) Json.parse("{\"name\":\"n\",\"signatures\":" + sigs + "}");
  }

  @Test
  void signaturesThatAreNotJwsOfTheRightKindAreRefused() throws Exception {
    assertThat(CardSignatures.verified(signed("\"not a list\""))).isEmpty();
    assertThat(CardSignatures.verified(signed("[]"))).isEmpty();
    assertThatThrownBy(() -> CardSignatures.verified(signed("[{\"protected\":\"e30\"}]")))
        .hasMessageContaining("needs 'protected' and 'signature'");
    assertThatThrownBy(
            () ->
                CardSignatures.verified(
                    signed(
                        "[{\"protected\":\""
                            + b64("{\"alg\":\"RS256\",\"kid\":\"k\"}")
                            + "\",\"signature\":\"AA\"}]")))
        .hasMessageContaining("found alg RS256");
    assertThatThrownBy(
            () ->
                CardSignatures.verified(
                    signed(
                        "[{\"protected\":\""
                            + b64("{\"alg\":\"EdDSA\"}")
                            + "\",\"signature\":\"AA\"}]")))
        .hasMessageContaining("with the verifier key as kid");
  }
}
