package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.ChainQuery;
import dev.agora.core.json.Json;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An upstream server's resources and prompts (server-everything's), listed and read through the
 * gateway as the caller: a caller sees only those it may call, and every read is recorded.
 */
@Timeout(120)
class CatalogTest extends AgainstGateway {

  private static McpHttp ops() {
    return McpHttp.withKey(g.server.url(), GatewayFixture.OPS_KEY);
  }

  private static Dict result(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return (Dict) ((Dict) Json.parse(r.body())).get("result");
  }

  @Test
  void resourcesAreListedAndReadAsTheCaller() {
    String session = ops().initialise();
    Dict listed = result(ops().post(McpHttp.request(1, "resources/list", "{}"), session));
    Seq resources = (Seq) listed.get("resources");
    assertThat(resources.items()).isNotEmpty();
    Dict first = (Dict) resources.items().getFirst();
    String uri = ((Value.Str) first.get("uri")).value();
    assertThat(((Value.Str) first.get("name")).value()).startsWith("mcp.everything.resource.");

    Dict read =
        result(
            ops().post(McpHttp.request(2, "resources/read", "{\"uri\":\"" + uri + "\"}"), session));
    Dict content = (Dict) ((Seq) read.get("contents")).items().getFirst();
    assertThat(content.get("uri")).isEqualTo(Value.of(uri));
    assertThat(
            content.containsKey(Value.keyword("text"))
                || content.containsKey(Value.keyword("blob")))
        .isTrue();
    assertThat(
            g.node.chain().query(ChainQuery.ALL.withType("CapabilityCall")).stream()
                .map(e -> e.columns().capabilityId()))
        .contains(((Value.Str) first.get("name")).value());

    HttpResponse<String> unknown =
        ops()
            .post(
                McpHttp.request(3, "resources/read", "{\"uri\":\"test://no/such/thing\"}"),
                session);
    assertThat(unknown.body())
        .contains("\"code\":-32002", "Resource not found: test://no/such/thing");

    McpHttp agent = McpHttp.withKey(g.server.url(), GatewayFixture.AGENT_KEY);
    String mine = agent.initialise();
    assertThat(
            result(agent.post(McpHttp.request(4, "resources/list", "{}"), mine)).get("resources"))
        .as("the agent may call no resource, so it sees none")
        .isEqualTo(Vec.of(List.of()));
    assertThat(
            agent
                .post(McpHttp.request(5, "resources/read", "{\"uri\":\"" + uri + "\"}"), mine)
                .body())
        .contains("\"code\":-32002");
  }

  @Test
  void promptsAreListedAndGot() {
    String session = ops().initialise();
    Seq prompts =
        (Seq) result(ops().post(McpHttp.request(1, "prompts/list", "{}"), session)).get("prompts");
    Dict simple =
        (Dict)
            prompts.items().stream()
                .filter(p -> ((Seq) ((Dict) p).get("arguments")).items().isEmpty())
                .findFirst()
                .orElseThrow();
    String name = ((Value.Str) simple.get("name")).value();
    assertThat(name).startsWith("mcp.everything.prompt.");
    Dict got =
        result(
            ops()
                .post(
                    McpHttp.request(
                        2, "prompts/get", "{\"name\":\"" + name + "\",\"arguments\":{}}"),
                    session));
    Dict message = (Dict) ((Seq) got.get("messages")).items().getFirst();
    assertThat(message.get("role")).isIn(Value.of("user"), Value.of("assistant"));
    assertThat(((Dict) message.get("content")).get("type")).isNotNull();
    assertThat(
            ops()
                .post(McpHttp.request(3, "prompts/get", "{\"name\":\"ccos.echo\"}"), session)
                .body())
        .contains("\"code\":-32602", "no prompt named ccos.echo");
    assertThat(ops().post(McpHttp.request(4, "resources/templates/list", "{}"), session).body())
        .contains("\"resourceTemplates\":[");
  }
}
