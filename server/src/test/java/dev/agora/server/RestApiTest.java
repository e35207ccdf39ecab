package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.ChainExport;
import dev.agora.chain.ChainQuery;
import dev.agora.chain.Receipt;
import dev.agora.chain.event.EventSink;
import dev.agora.core.AgoraNode;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ConfigLoader;
import dev.agora.core.json.Json;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST API under /api/v1, over real HTTP, as an operator (a full context) and as an agent (a
 * controlled one): what each may see and do, every answer JSON, every refusal an RFC 9457 problem,
 * the same call path and Causal Chain as MCP — and its OpenAPI document, imported by Agora's own
 * OpenAPI source into a second node that calls the first through it.
 */
@Timeout(120)
class RestApiTest {

  static final String OPS = "ops-rest-key";
  static final String AGENT = "agent-rest-key";

  @TempDir static Path dir;
  static BareGateway g;
  static AgoraNode node;
  static AgoraServer server;
  static String base;
  static final List<String> log = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws IOException {
    g =
        BareGateway.of(
            dir,
            """
        contexts:
          operator: {level: full}
          agent: {level: controlled, allow: ["ccos.echo", "ccos.math.*", "rest.*"]}
        default_context: operator
        policy:
          rules:
            - {capabilities: "ccos.echo", when: "true", action: require_approval}
        server:
          port: 0
          api_keys:
            - {name: ops, context: operator, sha256: "%s"}
            - {name: bot, context: agent, sha256: "%s"}
            - {name: path, context: operator, sha256: "%s"}
        """
                .formatted(
                    GatewayFixture.sha(OPS),
                    GatewayFixture.sha(AGENT),
                    GatewayFixture.sha(System.getenv("PATH"))),
            log::add);
    node = g.node();
    server = g.server();
    base = server.url().replace("/mcp", "");
  }

  @AfterAll
  static void stop() {
    g.close();
  }

  record Answer(int status, String type, Value body) {
    Dict dict() {
      return (Dict) body;
    }

    Value get(String key) {
      return dict().get(Json.key(key));
    }

    String text() {
      return Printer.print(body);
    }
  }

  static Answer send(String method, String path, String key, String body) {
    return send(method, path, key, body, "text/plain");
  }

  static Answer send(String method, String path, String key, String body, String type) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", type);
    if (key != null) {
      b.header("X-API-Key", key);
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = McpHttp.send(b);
    String answered = r.headers().firstValue("Content-Type").orElse("");
    return new Answer(
        r.statusCode(), answered, r.body().isEmpty() ? Value.NIL : Json.parse(r.body()));
  }

  static Answer get(String path, String key) {
    return send("GET", path, key, null);
  }

  static Answer post(String path, String key, String body) {
    return send("POST", path, key, body);
  }

  static List<String> ids(Answer a) {
    List<String> out = new ArrayList<>();
    for (Value v : ((Vec) a.get("items")).items()) {
      out.add(((Value.Str) ((Dict) v).get(Json.key("id"))).value());
    }
    return out;
  }

  /** A problem: its status, content type and the RFC 9457 members. */
  static void problem(Answer a, int status, String kind, String detail) {
    assertThat(a.status()).as(a.text()).isEqualTo(status);
    assertThat(a.type()).startsWith("application/problem+json");
    assertThat(a.get("type")).isEqualTo(Value.of("urn:agora:problem:" + kind));
    assertThat(a.get("status")).isEqualTo(Value.of(status));
    assertThat(((Value.Str) a.get("detail")).value()).contains(detail);
    assertThat(a.get("instance")).isInstanceOf(Value.Str.class);
  }

  @Test
  void capabilitiesAreListedSearchedAndPagedAsTheCallerMaySeeThem() {
    Answer all = get("/api/v1/capabilities", AGENT);
    assertThat(all.status()).isEqualTo(200);
    assertThat(all.type()).startsWith("application/json");
    assertThat(ids(all)).contains("ccos.echo", "ccos.math.add").doesNotContain("ccos.io.log");
    assertThat(ids(get("/api/v1/capabilities", OPS))).contains("ccos.io.log");
    assertThat(ids(get("/api/v1/capabilities?q=echo", AGENT))).containsExactly("ccos.echo");
    List<String> paged = new ArrayList<>();
    String next = "0";
    while (next != null) {
      Answer page = get("/api/v1/capabilities?limit=1&cursor=" + next, AGENT);
      assertThat(ids(page)).hasSizeLessThanOrEqualTo(1);
      paged.addAll(ids(page));
      next = page.get("next") instanceof Value.Str s ? s.value() : null;
    }
    assertThat(paged).isEqualTo(ids(all));
    problem(get("/api/v1/capabilities?limit=0", AGENT), 400, "InvalidParameter", "'limit'");
    problem(get("/api/v1/capabilities?cursor=x", AGENT), 400, "InvalidParameter", "'cursor'");
    Answer one = get("/api/v1/capabilities/ccos.math.add", AGENT);
    assertThat(one.get("id")).isEqualTo(Value.of("ccos.math.add"));
    assertThat(one.get("input_schema")).isNotNull();
    assertThat(Json.write(one.get("provider"))).isEqualTo("{\"type\":\"local\"}");

    problem(
        get("/api/v1/capabilities/ccos.io.log", AGENT),
        404,
        "NotFound",
        "that this caller may call");
    problem(get("/api/v1/capabilities/nope?version=9", OPS), 404, "NotFound", "'nope' 9");
    assertThat(get("/api/v1/capabilities", null).status()).isEqualTo(401);
    problem(
        get("/api/v1/nothing/here", AGENT),
        404,
        "NotFound",
        "no operation GET /api/v1/nothing/here");
    problem(send("PUT", "/api/v1/capabilities", OPS, "{}"), 404, "NotFound", "no operation PUT");
  }

  @Test
  void aCallGoesThroughTheCallPathAndItsFailuresAreProblems() {
    Answer sum = post("/api/v1/capabilities/ccos.math.add/call", AGENT, "[20, 22]");
    assertThat(sum.status()).as(sum.text()).isEqualTo(200);
    assertThat(sum.get("result")).isEqualTo(Value.of(42));
    assertThat(sum.get("receipt")).isInstanceOf(Dict.class);
    Answer bad = post("/api/v1/capabilities/ccos.math.add/call", AGENT, "\"two\"");
    problem(bad, 400, "InvalidInput", "invalid input for 'ccos.math.add'");
    problem(
        post("/api/v1/capabilities/ccos.math.add/call", AGENT, "{oops"),
        400,
        "InvalidBody",
        "not JSON");
    // a call that needs approval: 403 with the approval's id; approved by an operator, it runs
    Answer asked = post("/api/v1/capabilities/ccos.echo/call", AGENT, "\"ask first\"");
    problem(asked, 403, "ApprovalRequired", "approval required");
    String approval = ((Value.Str) asked.get("approval")).value();
    Answer pending = get("/api/v1/approvals?status=pending", OPS);
    assertThat(pending.text()).contains(approval).contains("agent/bot");
    problem(get("/api/v1/approvals", AGENT), 403, "Forbidden", "only a caller of a full context");
    problem(
        post("/api/v1/approvals/" + approval + "/approve", AGENT, null),
        403,
        "Forbidden",
        "'agent/bot' is controlled");
    Answer approved = post("/api/v1/approvals/" + approval + "/approve", OPS, null);
    assertThat(approved.get("status")).isEqualTo(Value.of("approved"));
    assertThat(approved.get("decided_by")).isEqualTo(Value.of("operator/ops"));
    problem(
        post("/api/v1/approvals/" + approval + "/approve", OPS, null), 409, "Conflict", approval);
    problem(
        post("/api/v1/approvals/ffff/deny", OPS, "{\"reason\": \"no\"}"), 404, "NotFound", "ffff");
    Answer ran = post("/api/v1/capabilities/ccos.echo/call", AGENT, "\"ask first\"");
    assertThat(ran.get("result")).as(ran.text()).isEqualTo(Value.of("ask first"));
    // denied with a reason
    String second =
        ((Value.Str)
                post("/api/v1/capabilities/ccos.echo/call", OPS, "\"ask first\"").get("approval"))
            .value();
    Answer denied =
        post("/api/v1/approvals/" + second + "/deny", OPS, "{\"reason\": \"not today\"}");
    assertThat(denied.get("note")).isEqualTo(Value.of("not today"));
    String third =
        ((Value.Str)
                post("/api/v1/capabilities/ccos.echo/call", OPS, "\"ask again\"").get("approval"))
            .value();
    assertThat(post("/api/v1/approvals/" + third + "/deny", OPS, null).get("note"))
        .isEqualTo(Value.of("denied through the REST API"));
    assertThat(get("/api/v1/approvals?status=denied", OPS).text())
        .contains(second)
        .contains(third)
        .doesNotContain(approval);
    assertThat(get("/api/v1/approvals?status=used", OPS).text()).contains(approval);
  }

  @Test
  void operatorsRegisterAndRemoveCapabilitiesAndAgentsMayNot() {
    String manifest =
        """
        {"id": "rest.double", "version": "1.0.0", "description": "doubles",
         "input_schema": ":int", "output_schema": ":int", "effects": ["pure"],
         "provider": {"type": "local", "implementation": "(fn [x] (* 2 x))"}}
        """;
    problem(
        post("/api/v1/capabilities", AGENT, manifest), 403, "Forbidden", "register capabilities");
    Answer added = post("/api/v1/capabilities", OPS, manifest);
    assertThat(added.status()).as(added.text()).isEqualTo(200);
    assertThat(added.text()).contains("rest.double").contains("registered");
    assertThat(post("/api/v1/capabilities/rest.double/call", AGENT, "21").get("result"))
        .isEqualTo(Value.of(42));
    // how it runs is the operator's to see
    assertThat(Json.write(get("/api/v1/capabilities/rest.double", OPS).get("provider")))
        .contains("(fn [x] (* 2 x))");
    assertThat(Json.write(get("/api/v1/capabilities/rest.double", AGENT).get("provider")))
        .isEqualTo("{\"type\":\"local\"}");
    problem(
        post("/api/v1/capabilities", OPS, "{\"id\": \"x\"}"), 400, "InvalidManifest", "'provider'");
    problem(
        post("/api/v1/capabilities", OPS, "not json"), 400, "InvalidBody", "not a JSON manifest");
    String two =
        "[" + manifest.replace("1.0.0", "1.1.0") + "," + manifest.replace("1.0.0", "1.2.0") + "]";
    assertThat(post("/api/v1/capabilities", OPS, two).text()).contains("1.1.0").contains("1.2.0");
    assertThat(send("DELETE", "/api/v1/capabilities/rest.double?version=1.2.0", OPS, null).status())
        .isEqualTo(200);
    assertThat(get("/api/v1/capabilities/rest.double", AGENT).get("version"))
        .isEqualTo(Value.of("1.1.0"));
    problem(
        send("DELETE", "/api/v1/capabilities/rest.double?version=9.9.9", OPS, null),
        404,
        "NotFound",
        "'rest.double' 9.9.9");
    problem(
        send("DELETE", "/api/v1/capabilities/rest.double", AGENT, null),
        403,
        "Forbidden",
        "remove");
    assertThat(send("DELETE", "/api/v1/capabilities/rest.double", OPS, null).status())
        .isEqualTo(200);
    problem(
        send("DELETE", "/api/v1/capabilities/rest.double", OPS, null),
        404,
        "NotFound",
        "to remove");
    problem(
        post("/api/v1/capabilities/rest.double/approve", OPS, null),
        404,
        "NotFound",
        "in quarantine");
    assertThat(get("/api/v1/quarantine", OPS).get("items")).isEqualTo(Vec.EMPTY);
  }

  @Test
  void plansRunAndTheChainIsReadAsTheCallerMayReadIt() {
    Answer plan = post("/api/v1/plans", AGENT, "(step \"sum\" (call :ccos.math.add [1 2]))");
    assertThat(plan.status()).as(plan.text()).isEqualTo(200);
    assertThat(plan.get("value")).isEqualTo(Value.of(3));
    String planId = ((Value.Str) plan.get("plan")).value();
    Answer tree = get("/api/v1/plans/" + planId + "/tree", AGENT);
    assertThat(tree.text())
        .contains("PlanStarted")
        .contains("CapabilityCall")
        .contains("ccos.math.add");
    Answer json =
        send("POST", "/api/v1/plans", AGENT, "{\"source\": \"(* 6 7)\"}", "application/json");
    assertThat(json.get("value")).as(json.text()).isEqualTo(Value.of(42));
    problem(
        send("POST", "/api/v1/plans", AGENT, "{\"src\": 1}", "application/json"),
        400,
        "InvalidBody",
        "{\"source\": \"<RTFS>\"}");
    Answer failed = post("/api/v1/plans", AGENT, "(call :ccos.io.log \"no\")");
    problem(failed, 422, "PlanFailed", "ccos.io.log");
    assertThat(failed.get("plan")).isInstanceOf(Value.Str.class);
    // the operator's own plan is not the agent's to read
    String opsPlan = ((Value.Str) post("/api/v1/plans", OPS, "(+ 1 1)").get("plan")).value();
    problem(get("/api/v1/plans/" + opsPlan + "/tree", AGENT), 404, "NotFound", opsPlan);
    assertThat(get("/api/v1/plans/" + opsPlan + "/tree", OPS).status()).isEqualTo(200);

    Answer calls = get("/api/v1/chain?type=CapabilityCall&capability=ccos.math.add", AGENT);
    assertThat(calls.text()).contains("agent/bot").doesNotContain("operator/ops");
    Answer everyone = get("/api/v1/chain?type=PlanStarted", OPS);
    assertThat(everyone.text()).contains("agent/bot").contains("operator/ops");
    Answer own = get("/api/v1/chain?type=PlanStarted&caller=operator/ops", AGENT);
    assertThat(own.text()).doesNotContain("operator/ops");
    problem(get("/api/v1/chain?type=Nope", OPS), 400, "InvalidParameter", "no action type 'Nope'");
    problem(get("/api/v1/chain?since=yesterday", OPS), 400, "InvalidParameter", "'since'");
    assertThat(get("/api/v1/chain?since=2020-01-01T00:00:00Z&limit=2", OPS).get("next"))
        .isInstanceOf(Value.Str.class);

    String action =
        ((Value.Str) ((Dict) ((Vec) calls.get("items")).items().get(0)).get(Json.key("id")))
            .value();
    Answer one = get("/api/v1/chain/" + action, AGENT);
    assertThat(one.text()).contains("CapabilityResult"); // its child
    Answer proof = get("/api/v1/chain/" + action + "/proof", AGENT);
    assertThat(proof.get("verified")).isEqualTo(Value.TRUE);
    assertThat(((Value.Str) proof.get("proof")).value()).contains("index");
    problem(get("/api/v1/chain/nope/proof", AGENT), 404, "NotFound", "'nope'");
    Answer verified = get("/api/v1/chain/verify", AGENT);
    assertThat(verified.get("ok")).isEqualTo(Value.TRUE);
    assertThat(get("/api/v1/stats", AGENT).get("capabilities")).isInstanceOf(Value.Int.class);
    assertThat(get("/api/v1/sources", AGENT).get("items")).isEqualTo(Vec.EMPTY);
  }

  @Test
  void aCallsReceiptAndTheWholeChainAreFetchedAndCheckOffline() throws Exception {
    Answer sum = post("/api/v1/capabilities/ccos.math.add/call", AGENT, "[1, 2]");
    Dict given = (Dict) sum.get("receipt");
    String call = ((Value.Str) given.get(Json.key("call"))).value();
    String outcome = ((Value.Str) given.get(Json.key("action"))).value();
    for (String id : List.of(call, outcome)) {
      Answer again = get("/api/v1/chain/" + id + "/receipt", AGENT);
      assertThat(again.status()).as(again.text()).isEqualTo(200);
      // the file form: the same canonical JSON with one final newline
      Receipt r = Receipt.parse(Json.write(again.body()) + "\n");
      assertThat(r.action()).isEqualTo(outcome);
      assertThat(r.verify(node.ledger().key().verifier()).valid()).isTrue();
    }
    assertThat(get("/api/v1/chain/" + call + "/receipt", OPS).status()).isEqualTo(200);
    // another caller's receipt is not the agent's to read; a plan's start is not a call
    Answer ops = post("/api/v1/capabilities/ccos.math.add/call", OPS, "[3, 4]");
    String opsCall = ((Value.Str) ((Dict) ops.get("receipt")).get(Json.key("call"))).value();
    problem(get("/api/v1/chain/" + opsCall + "/receipt", AGENT), 404, "NotFound", opsCall);
    String plan = ((Value.Str) post("/api/v1/plans", OPS, "(+ 1 2)").get("plan")).value();
    String started =
        node.chain()
            .query(ChainQuery.ALL.withPlan(plan).withType("PlanStarted"))
            .getFirst()
            .action()
            .id();
    problem(get("/api/v1/chain/" + started + "/receipt", OPS), 404, "NotFound", "no receipt");

    // the export: JSON Lines, verified offline as agora chain verify-export does
    HttpResponse<String> export =
        McpHttp.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/chain/export"))
                .header("X-API-Key", OPS));
    assertThat(export.statusCode()).isEqualTo(200);
    assertThat(export.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/jsonl");
    Path file = dir.resolve("export.jsonl");
    Files.writeString(file, export.body());
    ChainExport.Result checked = ChainExport.verify(file, node.ledger().key().verifier());
    assertThat(checked.report().ok()).as(checked.report().reason()).isTrue();
    assertThat(checked.report().size()).isGreaterThan(3);
    assertThat(export.body().lines().findFirst().orElseThrow())
        .contains("\"format\":\"" + ChainExport.FORMAT + "\"");
    problem(get("/api/v1/chain/export", AGENT), 403, "Forbidden", "full context");
  }

  @Test
  void theOpenApiDocumentListsEveryRouteAndAgorasOwnSourceImportsIt() throws Exception {
    Answer doc = get("/api/openapi.json", OPS);
    assertThat(doc.get("openapi")).isEqualTo(Value.of("3.1.0"));
    Dict paths = (Dict) doc.get("paths");
    assertThat(paths.asMap().keySet().stream().map(Json::keyName))
        .contains(
            "/api/v1/capabilities", "/api/v1/capabilities/{id}/call", "/api/v1/chain/{id}/proof");
    Matcher ops = Pattern.compile("\"operationId\":\"(\\w+)\"").matcher(Json.write(doc.body()));
    List<String> operations = new ArrayList<>();
    while (ops.find()) {
      operations.add(ops.group(1));
    }
    assertThat(operations).hasSize(21).doesNotHaveDuplicates();
    // a second node imports the document and calls the first through it, with an API key taken
    // from the environment (PATH's value is one of the first node's keys)
    Path spec = dir.resolve("agora-openapi.json");
    Files.writeString(spec, Json.write(doc.body()));
    Path file = dir.resolve("client.yaml");
    Files.writeString(
        file,
        """
        sources:
          - {name: agora, type: openapi, path: agora-openapi.json, server: "%s", auth: {token_env: PATH}}
        policy:
          egress: {allow: ["*"], private: ["127.0.0.1"]}
        contexts: {operator: {level: full}}
        default_context: operator
        """
            .formatted(base));
    AgoraConfig cfg = ConfigLoader.load(file).withStorage(AgoraConfig.Storage.MEMORY);
    try (AgoraNode client = AgoraNode.open(cfg, EventSink.NONE, log::add)) {
      client.marketplace().bootstrap();
      for (String op : operations) {
        assertThat(client.marketplace().registry().get("agora." + op)).as(op).isNotNull();
      }
      SecurityContext me = SecurityContext.full("test");
      Value stats = client.marketplace().call(CallRequest.of("agora.getStats", Dict.EMPTY, me));
      assertThat(Printer.print(stats)).contains("capabilities");
      Value sum =
          client
              .marketplace()
              .call(
                  CallRequest.of(
                      "agora.callCapability",
                      Json.parse("{\"id\": \"ccos.math.add\", \"body\": [40, 2]}"),
                      me));
      assertThat(Printer.print(sum)).contains("42");
    } finally {
      cfg.sources().forEach(s -> s.close());
    }
  }
}
