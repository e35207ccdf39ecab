package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.core.AgoraNode;
import dev.agora.core.json.Json;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tenants ({@code server.tenants}): two tenants' operators on one node, each confined to its
 * tenant's capabilities through every surface (REST, MCP) and in the call path itself, reading only
 * its tenant's records and approvals, sharing its tenant's rate limit — and a caller of no tenant
 * seeing everything, as before.
 */
@Timeout(120)
class TenantsTest {

  @TempDir static Path dir;
  static BareGateway g;
  static AgoraNode node;
  static AgoraServer server;
  static String base;

  @BeforeAll
  static void start() throws IOException {
    g =
        BareGateway.of(
            dir,
            """
        contexts:
          operator: {level: full}
        default_context: operator
        sources:
          - name: acme-crm
            type: static
            capabilities:
              - {id: crm.find, provider: {type: local, implementation: "(fn [x] x)"}, effects: [pure]}
          - name: globex-erp
            type: static
            capabilities:
              - {id: erp.find, provider: {type: local, implementation: "(fn [x] x)"}, effects: [pure]}
        policy:
          rules:
            - {capabilities: "ccos.time.now", when: "true", action: require_approval}
          quotas:
            - {name: math-per-tenant, capabilities: "ccos.math.*", per: tenant, calls: 1000000, window: 1d}
        server:
          port: 0
          limits: {default: {calls_per_second: 1000000, bytes_per_second: 1GiB}}
          tenants:
            acme: {capabilities: ["ccos.math.*", "ccos.time.now", "acme.*", "erp.*"], sources: [acme-crm]}
            globex: {capabilities: ["ccos.echo", "ccos.time.now"], sources: [globex-erp]}
            initech: {capabilities: ["ccos.echo"], limits: {calls_per_second: 0.001, burst: 1s}}
          api_keys:
            - {name: acme-ops, context: operator, tenant: acme, sha256: "%s"}
            - {name: globex-ops, context: operator, tenant: globex, sha256: "%s"}
            - {name: initech-1, context: operator, tenant: initech, sha256: "%s"}
            - {name: initech-2, context: operator, tenant: initech, sha256: "%s"}
            - {name: root, context: operator, sha256: "%s"}
        """
                .formatted(
                    GatewayFixture.sha("acme"),
                    GatewayFixture.sha("globex"),
                    GatewayFixture.sha("initech-1"),
                    GatewayFixture.sha("initech-2"),
                    GatewayFixture.sha("root")),
            l -> {});
    node = g.node();
    server = g.server();
    base = server.url().replace("/mcp", "");
  }

  @AfterAll
  static void stop() {
    g.close();
  }

  static HttpResponse<String> send(String method, String path, String key, String body) {
    return McpHttp.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("X-API-Key", key)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body)));
  }

  @Test
  void aTenantsSourcesAreItsOwnAndItsQuotasAreShown() {
    // what acme's source found is acme's, though no pattern of acme's names it
    assertThat(send("POST", "/api/v1/capabilities/crm.find/call", "acme", "7").body())
        .contains("\"result\":7");
    assertThat(send("POST", "/api/v1/capabilities/crm.find/call", "globex", "7").statusCode())
        .isEqualTo(404);
    // what globex's source found is not acme's, though acme's pattern erp.* matches it
    assertThat(send("POST", "/api/v1/capabilities/erp.find/call", "acme", "7").statusCode())
        .isEqualTo(404);
    assertThat(send("POST", "/api/v1/capabilities/erp.find/call", "globex", "7").body())
        .contains("\"result\":7");
    assertThat(send("GET", "/api/v1/sources", "acme", null).body())
        .contains("acme-crm")
        .doesNotContain("globex-erp");
    assertThat(send("GET", "/api/v1/sources", "root", null).body())
        .contains("acme-crm")
        .contains("globex-erp");
    // the tenant's quota counts each of its callers' calls
    send("POST", "/api/v1/capabilities/ccos.math.add/call", "acme", "[1, 2]");
    String quotas = send("GET", "/api/v1/quotas", "acme", null).body();
    assertThat(quotas)
        .contains("\"name\":\"math-per-tenant\"")
        .contains("\"per\":\"tenant\"")
        .contains("\"scope\":\"acme\"")
        .contains("\"max_calls\":1000000")
        .containsPattern("\"calls\":[1-9]");
    assertThat(send("GET", "/api/v1/quotas", "root", null).body()).isEqualTo("{\"items\":[]}");
  }

  @Test
  void eachTenantReachesOnlyItsOwnCapabilitiesThroughEverySurface() {
    String acme = send("GET", "/api/v1/capabilities?limit=1000", "acme", null).body();
    assertThat(acme).contains("ccos.math.add").doesNotContain("\"ccos.echo\"");
    assertThat(send("GET", "/api/v1/capabilities/ccos.echo", "acme", null).statusCode())
        .isEqualTo(404);
    assertThat(send("POST", "/api/v1/capabilities/ccos.echo/call", "acme", "\"x\"").statusCode())
        .isEqualTo(404);
    // over MCP: not listed, and refused by the call path when called anyway
    McpHttp mcp = McpHttp.withKey(server.url(), "acme");
    String session = mcp.initialise();
    String tools = mcp.post(McpHttp.request(2, "tools/list", "{}"), session).body();
    assertThat(tools).contains("ccos.math.add").doesNotContain("ccos.echo");
    String called =
        mcp.post(
                McpHttp.request(
                    3, "tools/call", "{\"name\":\"ccos.echo\",\"arguments\":{\"input\":\"x\"}}"),
                session)
            .body();
    assertThat(called)
        .contains("\"isError\":true")
        .contains("not among the capabilities of tenant 'acme'");
    // registering or removing outside the tenant is refused; inside it works
    String outside =
        """
        {"id": "globex.thing", "version": "1.0.0", "input_schema": ":int", "output_schema": ":int",
         "effects": ["pure"], "provider": {"type": "local", "implementation": "(fn [x] x)"}}
        """;
    HttpResponse<String> refused = send("POST", "/api/v1/capabilities", "acme", outside);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body())
        .contains("tenant 'acme' changes only capabilities named acme.…, not 'globex.thing'");
    assertThat(
            send("POST", "/api/v1/capabilities", "acme", outside.replace("globex.", "acme."))
                .statusCode())
        .isEqualTo(200);
    // nor anything but RTFS: a process, a Java handler of the node, an upstream would reach past it
    for (String provider :
        List.of(
            "{\"type\": \"process\", \"command\": [\"sh\", \"-c\", \"id\"]}",
            "{\"type\": \"local\", \"handler\": \"ccos.echo\"}",
            "{\"type\": \"http\", \"url\": \"http://127.0.0.1:1/x\"}")) {
      HttpResponse<String> r =
          send(
              "POST",
              "/api/v1/capabilities",
              "acme",
              outside
                  .replace("globex.thing", "acme.sneaky")
                  .replace("{\"type\": \"local\", \"implementation\": \"(fn [x] x)\"}", provider));
      assertThat(r.statusCode()).as(provider + ": " + r.body()).isEqualTo(403);
      assertThat(r.body()).contains("a tenant registers capabilities implemented in RTFS only");
    }
    // nor a capability it may call but other tenants share
    assertThat(
            send(
                    "POST",
                    "/api/v1/capabilities",
                    "acme",
                    outside.replace("globex.thing", "ccos.math.add").replace("1.0.0", "9.0.0"))
                .body())
        .contains("changes only capabilities named acme.");
    assertThat(send("DELETE", "/api/v1/capabilities/ccos.echo", "acme", null).statusCode())
        .isEqualTo(403);
    assertThat(send("POST", "/api/v1/capabilities/ccos.echo/approve", "acme", null).statusCode())
        .isEqualTo(403);
    assertThat(send("GET", "/api/v1/quarantine", "acme", null).statusCode()).isEqualTo(200);
    // the export is the whole log, every tenant's: not for a tenant's caller, full or not
    HttpResponse<String> export = send("GET", "/api/v1/chain/export", "acme", null);
    assertThat(export.statusCode()).isEqualTo(403);
    assertThat(export.body()).contains("the export is the whole log").contains("tenant 'acme'");
    // a caller of no tenant sees all
    assertThat(send("GET", "/api/v1/capabilities?limit=1000", "root", null).body())
        .contains("ccos.echo")
        .contains("ccos.math.add");
  }

  @Test
  void aTenantReadsOnlyItsOwnRecordsAndApprovals() {
    assertThat(send("POST", "/api/v1/capabilities/ccos.math.add/call", "acme", "[1,2]").body())
        .contains("\"result\":3");
    HttpResponse<String> asked =
        send("POST", "/api/v1/capabilities/ccos.time.now/call", "acme", null);
    assertThat(asked.statusCode()).isEqualTo(403);
    String approval =
        ((Value.Str) ((Dict) Json.parse(asked.body())).get(Json.key("approval"))).value();
    String acmeChain = send("GET", "/api/v1/chain?limit=1000", "acme", null).body();
    assertThat(acmeChain).contains("acme:operator/acme-ops").doesNotContain("globex:");
    String globexChain = send("GET", "/api/v1/chain?limit=1000", "globex", null).body();
    assertThat(globexChain).doesNotContain("acme:");
    assertThat(send("GET", "/api/v1/chain?limit=1000", "root", null).body())
        .contains("acme:operator/acme-ops");
    // another tenant's approval does not exist for globex; acme sees and decides its own
    assertThat(send("GET", "/api/v1/approvals", "globex", null).body()).doesNotContain(approval);
    assertThat(
            send("POST", "/api/v1/approvals/" + approval + "/approve", "globex", null).statusCode())
        .isEqualTo(404);
    assertThat(send("GET", "/api/v1/approvals", "acme", null).body()).contains(approval);
    assertThat(
            send("POST", "/api/v1/approvals/" + approval + "/approve", "acme", null).statusCode())
        .isEqualTo(200);
    String action =
        acmeChain.replaceAll("(?s).*?\"id\":\"([^\"]+)\".*", "$1"); // the first action listed
    assertThat(send("GET", "/api/v1/chain/" + action, "globex", null).statusCode()).isEqualTo(404);
    assertThat(send("GET", "/api/v1/chain/" + action, "acme", null).statusCode()).isEqualTo(200);
  }

  @Test
  void aTenantsCallersShareItsRateLimit() {
    // initech: one request's worth of burst for the whole tenant, whichever of its keys sends it
    HttpResponse<String> first = send("GET", "/api/v1/stats", "initech-1", null);
    HttpResponse<String> second = send("GET", "/api/v1/stats", "initech-2", null);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(second.statusCode()).isEqualTo(429);
    assertThat(second.headers().firstValue("Retry-After")).isPresent();
    assertThat(send("GET", "/api/v1/stats", "acme", null).statusCode())
        .as("another tenant is not held back")
        .isEqualTo(200);
  }
}
