package dev.agora.server.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.chain.InclusionProof;
import dev.agora.chain.VerifierKey;
import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventIds;
import dev.agora.chain.event.EventType;
import dev.agora.core.PlanRunner;
import dev.agora.core.approval.Approval;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.error.AgoraError;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Limits;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The console over plain HTTP: every page, its headers, and every way a request is refused. */
@Timeout(60)
class ConsoleHttpTest {

  @TempDir static Path dir;
  static ConsoleFixture f;
  static String ops;
  static String agent;

  /** Arguments an upstream could send back into a page. */
  static final String HOSTILE_ARG = "<img src=x onerror=alert(2)>";

  @BeforeAll
  static void start() throws Exception {
    f = ConsoleFixture.start(dir, "");
    ops = f.login(ConsoleFixture.OPERATOR);
    agent = f.login(ConsoleFixture.AGENT);
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  static SecurityContext operator() {
    return f.node.marketplace().context("operator").named("operator/ops");
  }

  @Test
  void theLoginPageIsPublicAndAGoodKeyGetsAStrictSessionCookie() {
    HttpResponse<String> page = f.get(Console.LOGIN, null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body())
        .contains("name=\"api_key\"", "type=\"password\"")
        .doesNotContain("name=\"token\"", "name=\"csrf\""); // no oauth: no token field
    HttpResponse<String> r =
        f.post(Console.LOGIN, null, Map.of("api_key", ConsoleFixture.OPERATOR));
    assertThat(r.statusCode()).isEqualTo(303);
    assertThat(r.headers().firstValue("Location")).contains(Console.HOME);
    String cookie = r.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(cookie)
        .matches(
            "agora_console=[A-Za-z0-9_-]{43}; Path=/console; Max-Age=1800; HttpOnly;"
                + " SameSite=Strict")
        .doesNotContain("Secure");
    String session = cookie.substring("agora_console=".length(), cookie.indexOf(';'));
    HttpResponse<String> home = f.get(Console.HOME, cookie.substring(0, cookie.indexOf(';')));
    assertThat(home.statusCode()).isEqualTo(200);
    assertThat(home.body())
        .contains("operator/ops")
        .doesNotContain(session, ConsoleFixture.OPERATOR);
  }

  @Test
  void aBadMissingOrEmptyKeyIsRefusedWithoutACookie() {
    for (Map<String, String> form :
        List.of(
            Map.of("api_key", "wrong"),
            Map.of("api_key", ""),
            Map.<String, String>of(),
            Map.of("api_key", ConsoleFixture.OPERATOR, "token", "x"))) {
      HttpResponse<String> r = f.post(Console.LOGIN, null, form);
      if (form.containsKey("token")) { // no oauth: the token field is ignored, the key decides
        assertThat(r.statusCode()).isEqualTo(303);
        continue;
      }
      assertThat(r.statusCode()).as(form.toString()).isEqualTo(401);
      assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
      assertThat(r.body()).contains("not accepted").doesNotContain("wrong\"");
    }
  }

  @Test
  void withoutASessionEveryPageSendsTheBrowserToTheLoginPage() {
    for (String path :
        List.of(
            "/console",
            "/console/",
            Console.HOME,
            "/console/approvals",
            "/console/action?id=x",
            "/console/nothing")) {
      for (String cookie : List.of("", "agora_console=forged", "other=1")) {
        HttpResponse<String> r = f.get(path, cookie.isEmpty() ? null : cookie);
        assertThat(r.statusCode()).as(path + " " + cookie).isEqualTo(303);
        assertThat(r.headers().firstValue("Location")).contains(Console.LOGIN);
        assertThat(r.headers().firstValue("Content-Security-Policy")).contains(Console.CSP);
      }
    }
    HttpResponse<String> post = f.post("/console/approvals", null, Map.of("id", "x"));
    assertThat(post.statusCode()).isEqualTo(303);
  }

  @Test
  void everyConsoleAnswerHasTheStrictHeaders() {
    List<HttpResponse<String>> answers =
        List.of(
            f.get(Console.LOGIN, null),
            f.get("/console/capabilities", null),
            f.get("/console/static/console.css", null),
            f.get("/console/static/nothing.js", null),
            f.get(Console.HOME, ops),
            f.get("/console/nothing", ops),
            f.get("/console/chain", agent),
            f.post("/console/approvals", ops, Map.of()),
            f.post(Console.LOGIN, null, Map.of("api_key", "wrong")));
    for (HttpResponse<String> r : answers) {
      assertThat(r.headers().firstValue("Content-Security-Policy"))
          .as(r.uri().toString())
          .contains(
              "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
                  + " connect-src 'self'; form-action 'self'; frame-ancestors 'none';"
                  + " base-uri 'none'");
      assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
      assertThat(r.headers().firstValue("Referrer-Policy")).contains("same-origin");
    }
    assertThat(answers.stream().map(HttpResponse::statusCode))
        .containsExactly(200, 303, 200, 404, 200, 404, 403, 403, 401);
    // no inline script or style anywhere: every script has a src, no style attribute or element
    String home = answers.get(4).body();
    assertThat(home)
        .doesNotContain("<style", "style=\"", "<script>", " on")
        .contains(
            "<script src=\"/console/static/htmx-4.0.1.min.js\" defer=\"\"></script>",
            "<script src=\"/console/static/proof.js\" defer=\"\"></script>");
  }

  @Test
  void staticFilesAreServedWithCacheHeadersAndNothingElseIs() {
    HttpResponse<String> htmx = f.get("/console/static/" + Statics.HTMX, null);
    assertThat(htmx.statusCode()).isEqualTo(200);
    assertThat(htmx.body()).startsWith("/*! htmx.org 4.0.1").contains("Zero-Clause BSD");
    assertThat(htmx.headers().firstValue("Cache-Control"))
        .contains("public, max-age=31536000, immutable");
    assertThat(htmx.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
    HttpResponse<String> proof = f.get("/console/static/proof.js", null);
    assertThat(proof.body()).contains("crypto.subtle.digest('SHA-256'");
    assertThat(proof.headers().firstValue("Cache-Control")).contains("public, max-age=3600");
    assertThat(f.get("/console/static/../console.css", null).statusCode()).isIn(400, 404);
    assertThat(f.get("/console/static/Console.class", null).statusCode()).isEqualTo(404);
    assertThat(f.post("/console/static/console.css", null, Map.of()).statusCode())
        .as("no form there: without a session, the login page")
        .isEqualTo(303);
  }

  @Test
  void aFormWithoutTheSessionsCsrfTokenIsForbidden() {
    String other = f.login(ConsoleFixture.OPERATOR);
    String othersToken = ConsoleFixture.csrf(f.get(Console.HOME, other).body());
    for (Map<String, String> form :
        List.of(
            Map.of("id", "x", "decision", "approve"),
            Map.of("id", "x", "decision", "approve", "csrf", ""),
            Map.of("id", "x", "decision", "approve", "csrf", "wrong"),
            Map.of("id", "x", "decision", "approve", "csrf", othersToken))) {
      HttpResponse<String> r = f.post("/console/approvals", ops, form);
      assertThat(r.statusCode()).as(form.toString()).isEqualTo(403);
      assertThat(r.body()).contains("no valid CSRF token");
    }
    assertThat(f.post("/console/logout", ops, Map.of()).statusCode()).isEqualTo(403);
    assertThat(f.get(Console.HOME, ops).statusCode()).as("still logged in").isEqualTo(200);
  }

  @Test
  void loggingOutEndsTheSessionAndClearsTheCookie() {
    String c = f.login(ConsoleFixture.OPERATOR);
    assertThat(f.get("/console/logout", c).statusCode()).as("not by a GET").isEqualTo(405);
    HttpResponse<String> out = f.post("/console/logout", c, f.form(c));
    assertThat(out.statusCode()).isEqualTo(303);
    assertThat(out.headers().firstValue("Location")).contains(Console.LOGIN);
    assertThat(out.headers().firstValue("Set-Cookie"))
        .contains("agora_console=; Path=/console; Max-Age=0; HttpOnly; SameSite=Strict");
    assertThat(f.get(Console.HOME, c).statusCode()).isEqualTo(303);
  }

  @Test
  void aCallerSeesOnlyTheCapabilitiesItMayCall() {
    String all = f.get(Console.HOME, ops).body();
    assertThat(all).contains(">ccos.echo<", ">ccos.math.add<", ">up.evil<");
    HttpResponse<String> mine = f.get(Console.HOME, agent);
    assertThat(mine.body())
        .contains(">ccos.echo<", "1 capability")
        .doesNotContain("ccos.math.add", "up.evil");
    assertThat(f.get("/console/capability?id=ccos.math.add", agent).statusCode()).isEqualTo(404);
    assertThat(f.get("/console/capability?id=ccos.echo", agent).statusCode()).isEqualTo(200);
    for (String page :
        List.of(
            "/console/chain",
            "/console/calls",
            "/console/approvals",
            "/console/quarantine",
            "/console/health")) {
      HttpResponse<String> r = f.get(page, agent);
      assertThat(r.statusCode()).as(page).isEqualTo(403);
      assertThat(r.body()).contains("needs a context with level full; &#39;agent/ci&#39; is not");
    }
    // a tenant's operator sees its tenant's capabilities, and no page of every tenant's records
    String acme = f.login(ConsoleFixture.TENANT_OPERATOR);
    assertThat(f.get(Console.HOME, acme).body())
        .contains(">ccos.echo<")
        .doesNotContain("ccos.math.add");
    for (String page : List.of("/console/chain", "/console/approvals", "/console/health")) {
      HttpResponse<String> r = f.get(page, acme);
      assertThat(r.statusCode()).as(page).isEqualTo(403);
      assertThat(r.body()).contains("belongs to tenant &#39;acme&#39;");
    }
  }

  @Test
  void searchFindsByWordsOfIdNameAndDescription() {
    String found = f.get(Console.HOME + "?q=math", ops).body();
    assertThat(found).contains(">ccos.math.add<", "value=\"math\"").doesNotContain(">ccos.echo<");
    assertThat(f.get(Console.HOME + "?q=+", ops).body()).contains(">ccos.echo<", ">ccos.math.add<");
    String none = f.get(Console.HOME + "?q=%3Cnothing%3E", ops).body();
    assertThat(none).contains("0 capabilities", "value=\"&lt;nothing&gt;\"");
  }

  @Test
  void aHostileDescriptionIsEscapedEverywhere() {
    String escaped = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;";
    String list = f.get(Console.HOME, ops).body();
    assertThat(list).contains(escaped).doesNotContain("<script>alert");
    HttpResponse<String> page = f.get("/console/capability?id=up.evil&version=1.0.0", ops);
    assertThat(page.body())
        .contains(escaped, ">upstream<", "sha256:", "origin file", "not required", ">none<")
        .doesNotContain("<script>alert");
    assertThat(f.get("/console/capability?id=shop.orders.total", ops).body())
        .contains("by acme, not checked (no trust: section), expires 2031-01-01", "passport id");
    assertThat(f.get("/console/capability?id=up.evil&version=9.9.9", ops).statusCode())
        .isEqualTo(404);
    assertThat(f.get("/console/capability", ops).statusCode()).isEqualTo(400);
  }

  @Test
  void chainArgumentsAndResultsAreEscapedOnEveryChainPage() {
    Value echoed =
        f.node.marketplace().call(CallRequest.of("ccos.echo", Value.of(HOSTILE_ARG), operator()));
    assertThat(echoed).isEqualTo(Value.of(HOSTILE_ARG));
    String callId =
        f.node.chain().query(dev.agora.chain.ChainQuery.ALL.withType("CapabilityCall")).stream()
            .filter(e -> HOSTILE_ARG.equals(printedArg(e.action().arguments())))
            .reduce((a, b) -> b)
            .orElseThrow()
            .columns()
            .actionId();
    SecurityContext agentContext = f.node.marketplace().context("agent").named("agent/ci");
    assertThatThrownBy(
            () ->
                f.node
                    .marketplace()
                    .call(CallRequest.of("up.evil", Value.of(HOSTILE_ARG), agentContext)))
        .isInstanceOf(AgoraError.SecurityViolation.class);
    String denied = lastOf("PolicyDenied");
    String calls = f.get("/console/calls", ops).body();
    assertThat(calls)
        .contains("<tr class=\"bad\">", "<td>up.evil</td><td>agent/ci</td>", "denied: ");
    assertThat(f.get("/console/action?id=" + denied, ops).body())
        .contains("<dt>error</dt><dd>SecurityViolation: caller &#39;agent/ci&#39; may not call");
    for (String page :
        List.of(
            "/console/chain",
            "/console/calls",
            "/console/chain?capability=ccos.echo",
            "/console/action?id=" + callId)) {
      HttpResponse<String> r = f.get(page, ops);
      assertThat(r.statusCode()).as(page).isEqualTo(200);
      assertThat(r.body())
          .as(page)
          .contains("&lt;img src=x onerror=alert(2)&gt;")
          .doesNotContain("<img");
    }
  }

  /** The id of the latest action of {@code type}. */
  static String lastOf(String type) {
    return f.node
        .chain()
        .query(dev.agora.chain.ChainQuery.ALL.withType(type))
        .getLast()
        .columns()
        .actionId();
  }

  private static String printedArg(Value v) {
    return v instanceof Value.Str s ? s.value() : null;
  }

  @Test
  void theCallsPageRefreshesThroughHtmxAsAFragment() {
    HttpResponse<String> page = f.get("/console/calls", ops);
    assertThat(page.body())
        .contains("<div id=\"live\" hx-get=\"/console/calls\" hx-trigger=\"every 2s\">")
        .contains("In flight: 0");
    HttpResponse<String> fragment =
        f.send(
            HttpRequest.newBuilder(java.net.URI.create(f.base() + "/console/calls"))
                .header("Cookie", ops)
                .header("HX-Request", "true"));
    assertThat(fragment.body())
        .startsWith("<p id=\"in-flight\">In flight: 0</p><table id=\"calls\">")
        .doesNotContain("<html");
  }

  @Test
  void aPlansTreeShowsItsStepsCallsAndResults() {
    PlanRunner.Outcome o =
        f.node
            .marketplace()
            .runPlan(
                "(step \"greet\" (call :ccos.echo \"<b>hi</b>\"))",
                "tree-plan",
                operator(),
                Limits.DEFAULT,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertThat(o.ok()).isTrue();
    String chain = f.get("/console/chain", ops).body();
    assertThat(chain).contains("href=\"/console/plan?id=" + o.planId() + "\"");
    HttpResponse<String> tree = f.get("/console/plan?id=" + o.planId(), ops);
    assertThat(tree.statusCode()).isEqualTo(200);
    assertThat(tree.body())
        .contains(
            "<ul class=\"tree\" id=\"tree\"><li class=\"PlanStarted\">",
            "PlanStepStarted</a> &quot;greet&quot;",
            "CapabilityCall</a> ccos.echo &quot;&lt;b&gt;hi&lt;/b&gt;&quot;",
            "CapabilityResult</a> ok &quot;&lt;b&gt;hi&lt;/b&gt;&quot;",
            "PlanCompleted</a> ok")
        .doesNotContain("<b>hi");
    String call =
        f.node
            .chain()
            .tree(o.planId())
            .getFirst()
            .children()
            .getFirst()
            .children()
            .getFirst()
            .entry()
            .columns()
            .actionId();
    assertThat(f.get("/console/action?id=" + call, ops).body())
        .contains(
            "<dt>plan</dt><dd><a href=\"/console/plan?id=" + o.planId() + "\">",
            "<dt>arguments</dt><dd><pre>&quot;&lt;b&gt;hi&lt;/b&gt;&quot;</pre>",
            "<ul id=\"children\"><li><a href=\"/console/action?id=");
    assertThat(f.get("/console/plan?id=no-such-plan", ops).statusCode()).isEqualTo(404);
    assertThat(f.get("/console/plan", ops).statusCode()).isEqualTo(400);
  }

  @Test
  void anActionsPageCarriesAnInclusionProofThatVerifies() {
    f.node.marketplace().call(CallRequest.of("ccos.echo", Value.of("proved"), operator()));
    String id = lastOf("CapabilityResult");
    HttpResponse<String> r = f.get("/console/action?id=" + id, ops);
    assertThat(r.statusCode()).isEqualTo(200);
    String page = r.body();
    assertThat(page)
        .contains("signed by this node&#39;s key", "c2sp.org/tlog-proof@v1", "id=\"proof-result\"");
    byte[] body = Base64.getDecoder().decode(attr(page, "data-body"));
    long index = Long.parseLong(attr(page, "data-index"));
    List<byte[]> path =
        Arrays.stream(attr(page, "data-path").split(" "))
            .filter(s -> !s.isEmpty())
            .map(Base64.getDecoder()::decode)
            .toList();
    InclusionProof shown =
        InclusionProof.parse(unescape(between(page, "<pre id=\"proof-text\">", "</pre>")));
    assertThat(attr(page, "data-size")).isEqualTo(Long.toString(shown.checkpoint().size()));
    assertThat(attr(page, "data-root"))
        .isEqualTo(Base64.getEncoder().encodeToString(shown.checkpoint().root()));
    VerifierKey key = f.node.ledger().key().verifier();
    assertThat(new InclusionProof(body, index, path, shown.checkpoint()).verify(key)).isTrue();
    body[body.length - 2] ^= 1; // what proof.js must catch too
    assertThat(new InclusionProof(body, index, path, shown.checkpoint()).verify(key)).isFalse();
    assertThat(f.get("/console/action?id=no-such-action", ops).statusCode()).isEqualTo(404);
  }

  static String between(String page, String from, String to) {
    int start = page.indexOf(from) + from.length();
    return page.substring(start, page.indexOf(to, start));
  }

  static String unescape(String html) {
    return html.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
  }

  static String attr(String page, String name) {
    Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(page);
    assertThat(m.find()).as(name).isTrue();
    return m.group(1);
  }

  @Test
  void anApprovalIsDecidedFromTheQueueOnceWithHtmxOrWithout() {
    String first = pending(Vec.of(Value.of(1), Value.of(2)));
    String queue = f.get("/console/approvals", ops).body();
    assertThat(queue).contains("id=\"approval-" + first + "\" class=\"pending\"", "[1,2]");
    // without JavaScript: the form posts, the browser is sent back to the queue
    HttpResponse<String> done =
        f.post("/console/approvals", ops, f.form(ops, "id", first, "decision", "approve"));
    assertThat(done.statusCode()).isEqualTo(303);
    assertThat(done.headers().firstValue("Location")).contains("/console/approvals");
    assertThat(f.node.marketplace().approvals().list())
        .anySatisfy(
            a -> {
              assertThat(a.id()).isEqualTo(first);
              assertThat(a.status()).isEqualTo(Approval.Status.APPROVED);
              assertThat(a.decidedBy()).isEqualTo("operator/ops");
            });
    HttpResponse<String> again =
        f.post(
            "/console/approvals", ops, f.form(ops, "id", first, "decision", "deny", "reason", "x"));
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.body()).contains("was already approved by operator/ops");
    // with htmx: the row comes back, denied, with the reason escaped
    String second = pending(Vec.of(Value.of(3), Value.of(4)));
    HttpResponse<String> row =
        f.post(
            "/console/approvals",
            ops,
            f.form(ops, "id", second, "decision", "deny", "reason", "<not today>"),
            Map.of("HX-Request", "true"));
    assertThat(row.statusCode()).isEqualTo(200);
    assertThat(row.body())
        .startsWith("<tr id=\"approval-" + second + "\" class=\"denied\">")
        .contains("denied by operator/ops", "&lt;not today&gt;");
    assertThat(f.get("/console/approvals", ops).body())
        .contains(
            "id=\"approval-" + first + "\" class=\"approved\"",
            "id=\"approval-" + second + "\" class=\"denied\"");
  }

  @Test
  void aDecisionMustNameAKnownApprovalAndADecisionAndADenialAReason() {
    String id = pending(Vec.of(Value.of(5), Value.of(6)));
    record Case(int status, String text, String... fields) {}
    for (Case c :
        List.of(
            new Case(400, "the parameter &#39;id&#39; is missing", "decision", "approve"),
            new Case(400, "the parameter &#39;decision&#39; is missing", "id", id),
            new Case(
                400,
                "a decision is &#39;approve&#39; or &#39;deny&#39;",
                "id",
                id,
                "decision",
                "maybe"),
            new Case(
                400, "the parameter &#39;reason&#39; is missing", "id", id, "decision", "deny"),
            new Case(409, "no approval &#39;feed&#39;", "id", "feed", "decision", "approve"))) {
      HttpResponse<String> r = f.post("/console/approvals", ops, f.form(ops, c.fields()));
      assertThat(r.statusCode()).as(c.text()).isEqualTo(c.status());
      assertThat(r.body()).contains(c.text());
    }
    assertThat(
            f.post("/console/approvals", agent, f.form(agent, "id", id, "decision", "approve"))
                .statusCode())
        .as("a controlled context may not decide")
        .isEqualTo(403);
    assertThat(f.post(Console.HOME, ops, f.form(ops)).statusCode()).isEqualTo(405);
  }

  /** Makes a call of ccos.math.add that needs approval (no waiting); its approval's id. */
  static String pending(Value args) {
    try {
      f.node.marketplace().call(CallRequest.of("ccos.math.add", args, operator()));
      throw new AssertionError("the call needed no approval");
    } catch (AgoraError e) {
      Matcher m = Pattern.compile("approval required: ([0-9a-f]+)").matcher(e.getMessage());
      assertThat(m.find()).as(e.getMessage()).isTrue();
      assertThat(
              f.node
                  .chain()
                  .query(
                      dev.agora.chain.ChainQuery.ALL.withType(EventType.ApprovalRequested.name())))
          .isNotEmpty();
      return m.group(1);
    }
  }

  @Test
  void nothingQuarantinedSaysSoAndApprovingNothingIsAConflict() {
    assertThat(f.get("/console/quarantine", ops).body()).contains("Nothing is quarantined.");
    HttpResponse<String> r = f.post("/console/quarantine", ops, f.form(ops, "id", "ccos.echo"));
    assertThat(r.statusCode()).isEqualTo(409);
    assertThat(r.body()).contains("&#39;ccos.echo&#39; is not quarantined");
  }

  @Test
  void aConsolePathTheGuardDoesNotSpellAsTheConsolesStillNeedsASession() throws IOException {
    // "/console;x" reaches the console's servlet, but the guard takes it for another path: it
    // needs an API key there, and even with one the console wants its session
    try (Socket s = new Socket("127.0.0.1", f.server.port())) {
      s.getOutputStream()
          .write(
              ("GET /console;x HTTP/1.1\r\nHost: 127.0.0.1:"
                      + f.server.port()
                      + "\r\nX-API-Key: "
                      + ConsoleFixture.OPERATOR
                      + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 303").contains("Location: /console/login");
    }
  }

  @Test
  void theHealthPageShowsEachSourcesAndEachCircuitsLatestState() {
    String before = f.get("/console/health", ops).body();
    assertThat(before)
        .contains(
            "<tr class=\"ok\"><td>upstream</td><td>ok</td><td>2</td><td>[]</td>",
            "No circuit breaker has changed state");
    // what the marketplace records when a source fails and a breaker opens, then closes
    f.node
        .ledger()
        .accept(
            Event.of(EventIds.next(), EventType.DiscoveryCompleted, Instant.now(), null, null, null)
                .withMetadata(
                    Dict.builder()
                        .put("source", Value.of("<remote>"))
                        .put("registered", Value.of(0))
                        .put("problems", Vec.EMPTY)
                        .build())
                .withError("DiscoveryFailed", "refused <x>", Duration.ZERO));
    circuit("open", "closed");
    String open = f.get("/console/health", ops).body();
    assertThat(open)
        .contains(
            "<tr class=\"bad\"><td>&lt;remote&gt;</td><td>DiscoveryFailed: refused &lt;x&gt;</td>",
            "<tr class=\"bad\"><td>up.evil</td><td>:open</td><td>:closed</td>")
        .doesNotContain("<remote>", "No circuit breaker");
    circuit("closed", "half_open");
    assertThat(f.get("/console/health", ops).body())
        .contains("<tr class=\"ok\"><td>up.evil</td><td>:closed</td><td>:half_open</td>")
        .doesNotContain(":open<");
  }

  private static void circuit(String to, String from) {
    f.node
        .ledger()
        .accept(
            Event.of(EventIds.next(), EventType.CircuitChanged, Instant.now(), null, null, "agora")
                .withCapability("up.evil", "1.0.0")
                .withMetadata(
                    Dict.builder()
                        .put("from", Value.keyword(from))
                        .put("to", Value.keyword(to))
                        .build()));
  }

  @Test
  void aLargeFormIsRefusedBeforeItIsRead() {
    HttpResponse<String> r = f.post(Console.LOGIN, null, Map.of("api_key", "k".repeat(20_000)));
    assertThat(r.statusCode()).isEqualTo(413);
  }

  @Test
  void theServersGuardStillAppliesToTheConsole() throws IOException {
    try (Socket s = new Socket("127.0.0.1", f.server.port())) {
      s.getOutputStream()
          .write(
              "GET /console/login HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 403").contains("is not this server");
    }
    HttpResponse<String> crossSite =
        f.post(
            Console.LOGIN,
            null,
            Map.of("api_key", ConsoleFixture.OPERATOR),
            Map.of("Origin", "http://evil.example"));
    assertThat(crossSite.statusCode()).isEqualTo(403);
    assertThat(crossSite.headers().firstValue("Set-Cookie")).isEmpty();
    // and a console cookie is no credential anywhere else
    HttpResponse<String> metrics = f.get("/metrics", ops);
    assertThat(metrics.statusCode()).isEqualTo(401);
  }
}
