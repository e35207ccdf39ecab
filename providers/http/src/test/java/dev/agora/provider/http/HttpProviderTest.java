package dev.agora.provider.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventType;
import dev.agora.chain.event.MemorySink;
import dev.agora.core.Marketplace;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.Egress;
import dev.agora.core.call.policy.IsolationPolicy;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.call.resilience.ResiliencePolicy;
import dev.agora.core.call.resilience.ResilienceSettings;
import dev.agora.core.doc.Documents;
import dev.agora.core.error.AgoraError;
import dev.agora.core.error.Fault;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Glob;
import dev.agora.core.manifest.Manifests;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import dev.agora.rtfs.reader.Reader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP provider against a real server on 127.0.0.1, through the marketplace's call path. */
@Timeout(60)
class HttpProviderTest {

  static final String TOKEN = "tok-3f9a-very-secret";
  static final String PASSWORD = "pw-77-also-secret";

  @TempDir Path dir;

  TestServer server;
  Marketplace market;
  MemorySink sink;
  final List<String> log = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = new TestServer();
    sink = new MemorySink(10_000);
    Map<String, String> env = Map.of("TEST_TOKEN", TOKEN, "TEST_PASSWORD", PASSWORD);
    market =
        Marketplace.builder().sink(sink).log(log::add).provider(new HttpProvider(env::get)).build();
    // the test server is on loopback: allowed explicitly, as an operator would
    market.setPolicy(
        IsolationPolicy.allowAll().withEgress(new Egress(List.of("*"), List.of("127.0.0.1"))));
  }

  @AfterEach
  void stop() throws Exception {
    market.close();
    server.close();
  }

  private void register(String yaml) {
    Manifests.LoadResult r =
        Manifests.parse(
            Documents.parse(
                yaml.replace("$BASE", server.url("")), "test.yaml", Documents.Format.YAML));
    assertThat(r.problems()).isEmpty();
    for (CapabilityManifest m : r.manifests()) {
      market.register(m, "test");
    }
  }

  private Value call(String id, String rtfsInput) {
    return market.call(
        CallRequest.of(id, Reader.readValue(rtfsInput), SecurityContext.full("tester")));
  }

  @Test
  void urlTemplatesQueryParametersAndJsonBodies() {
    register(
        """
        - id: t.get
          provider: {type: http, method: GET, url: "$BASE/echo?city={city}"}
          effects: [network]
        - id: t.post
          provider: {type: http, method: POST, url: "$BASE/echo/{kind}", headers: {X-Kind: "{kind}"}}
          effects: [network]
        - id: t.body
          provider: {type: http, method: PUT, url: "$BASE/echo", body: payload}
          effects: [network]
        """);
    Value got = call("t.get", "{:city \"Oslo / Bergen\" :days [1 2] :units \"metric\"}");
    assertThat(Printer.print(got))
        .contains(":method \"GET\"")
        .contains(":uri \"/echo?city=Oslo%20%2F%20Bergen&days=1&days=2&units=metric\"")
        .contains(":body nil");
    Value posted = call("t.post", "{:kind \"a b\" :name \"Ada\" :tags [\"x\"]}");
    assertThat(Printer.print(posted))
        .contains(":method \"POST\"")
        .contains(":uri \"/echo/a%20b\"")
        .contains(":body {:name \"Ada\" :tags [\"x\"]}");
    assertThat(server.received.getLast().header("X-Kind")).isEqualTo("a b");
    assertThat(server.received.getLast().header("Content-Type")).isEqualTo("application/json");
    Value put = call("t.body", "{:payload [1 2 3] :ignored true}");
    assertThat(Printer.print(put)).contains(":body [1 2 3]");
  }

  @Test
  void textEmptyAndUnexpectedBodies() {
    register(
        """
        - {id: t.text, provider: {type: http, url: "$BASE/text"}}
        - {id: t.empty, provider: {type: http, url: "$BASE/empty"}}
        - {id: t.binary, provider: {type: http, url: "$BASE/binary"}}
        - {id: t.binary-as-text, provider: {type: http, url: "$BASE/binary", response: {as: text}}}
        - {id: t.garbage, provider: {type: http, url: "$BASE/garbage"}}
        - {id: t.huge, provider: {type: http, url: "$BASE/huge", response: {max_bytes: 100000}}}
        - {id: t.huge-chunked, provider: {type: http, url: "$BASE/huge-chunked", response: {max_bytes: 100000}}}
        - {id: t.chunked-ok, provider: {type: http, url: "$BASE/huge-chunked"}}
        """);
    assertThat(call("t.text", "nil")).isEqualTo(Value.of("plain words"));
    assertThat(call("t.empty", "nil")).isEqualTo(Value.NIL);
    assertThatThrownBy(() -> call("t.binary", "nil"))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining(
            "Content-Type 'application/octet-stream', which is neither JSON nor text");
    assertThat(call("t.binary-as-text", "nil")).isEqualTo(Value.of("\u0000\u0001"));
    assertThatThrownBy(() -> call("t.garbage", "nil"))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("the response from GET http://127.0.0.1:")
        .hasMessageContaining("is not valid JSON");
    assertThatThrownBy(() -> call("t.huge", "nil"))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("is larger than 100000 bytes (response.max_bytes)");
    assertThatThrownBy(() -> call("t.huge-chunked", "nil"))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("is larger than 100000 bytes (response.max_bytes)");
    assertThat(((Vec) call("t.chunked-ok", "nil")).size())
        .isEqualTo(600_001); // under the 10 MiB default
  }

  @Test
  void statusCodesBecomeTransientOrCallerErrors() throws Exception {
    register(
        """
        - {id: t.fail, provider: {type: http, url: "$BASE/fail"}}
        - {id: t.missing, provider: {type: http, url: "$BASE/missing"}}
        - {id: t.reset, provider: {type: http, url: "%s"}}
        - {id: t.refused, provider: {type: http, url: "http://127.0.0.1:%d/"}}
        """
            .formatted(server.resetUrl(), closedPort()));
    AgoraError.ProviderError fail = providerError("t.fail");
    assertThat(fail.isTransient()).isTrue();
    assertThat(fail)
        .hasMessageContaining("HTTP 500 from GET http://127.0.0.1:")
        .hasMessageContaining("boom");
    AgoraError.ProviderError missing = providerError("t.missing");
    assertThat(missing.isTransient()).isFalse();
    assertThat(missing).hasMessageContaining("HTTP 404").hasMessageContaining("no such thing");
    AgoraError.ProviderError reset = providerError("t.reset");
    assertThat(reset.isTransient()).isTrue();
    assertThat(reset).hasMessageContaining("IOException");
    AgoraError.ProviderError refused = providerError("t.refused");
    assertThat(refused.isTransient()).isTrue();
    assertThat(refused).hasMessageContaining("ConnectException");
    assertThat(Printer.print(missing.data())).contains(":transient false");
  }

  @Test
  void aSlowServerMeetsTheDeadline() {
    register(
        """
        - {id: t.slow, provider: {type: http, url: "$BASE/slow"}, timeout: 300ms}
        - {id: t.drip, provider: {type: http, url: "$BASE/drip"}, timeout: 300ms}
        """);
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> call("t.slow", "nil"))
        .isInstanceOf(AgoraError.Timeout.class)
        .hasMessageContaining("did not finish within 300 ms");
    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(20_000); // not the server's 30 s
    long t1 = System.nanoTime(); // headers on time, then the body stalls: the deadline still holds
    assertThatThrownBy(() -> call("t.drip", "nil"))
        .isInstanceOf(AgoraError.Timeout.class)
        .hasMessageContaining("did not finish within 300 ms");
    assertThat((System.nanoTime() - t1) / 1_000_000).isLessThan(20_000);
  }

  @Test
  void secretsComeFromTheEnvironmentOrFilesAndNeverShowInErrorsOrEvents() throws Exception {
    Path pw = dir.resolve("pw.txt");
    Files.writeString(pw, PASSWORD + "\n");
    register(
        """
        - {id: t.bearer, provider: {type: http, url: "$BASE/echo", auth: {type: bearer, token_env: TEST_TOKEN}}}
        - {id: t.key, provider: {type: http, url: "$BASE/echo", auth: {type: api_key, query: key, key_env: TEST_TOKEN}}}
        - {id: t.basic, provider: {type: http, url: "$BASE/echo", auth: {type: basic, user: ada, password_file: "%s"}}}
        - {id: t.echoes, provider: {type: http, url: "$BASE/echo-auth", auth: {type: bearer, token_env: TEST_TOKEN}}}
        - {id: t.unset, provider: {type: http, url: "$BASE/echo", auth: {type: bearer, token_env: NOT_SET_ANYWHERE}}}
        """
            .formatted(pw));
    call("t.bearer", "nil");
    assertThat(server.received.getLast().header("Authorization")).isEqualTo("Bearer " + TOKEN);
    call("t.key", "{:q \"x\"}");
    assertThat(server.received.getLast().uri()).isEqualTo("/echo?q=x&key=" + TOKEN);
    call("t.basic", "nil");
    assertThat(server.received.getLast().header("Authorization"))
        .isEqualTo("Basic " + Base64.getEncoder().encodeToString(("ada:" + PASSWORD).getBytes()));
    // the server echoes the token in its error: it is scrubbed from the message
    assertThatThrownBy(() -> call("t.echoes", "nil"))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("HTTP 401")
        .hasMessageContaining("[redacted:TEST_TOKEN]")
        .hasMessageNotContaining(TOKEN);
    assertThatThrownBy(() -> call("t.unset", "nil"))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining(
            "the environment variable NOT_SET_ANYWHERE (a secret of this capability) is not set");
    // the result of t.key holds the URI the server saw (with the key): that is the server's answer,
    // recorded
    // as the call's result — but no event carries the secret as an argument or error
    for (Event e : sink.events()) {
      assertThat(String.valueOf(e.arguments()) + e.error())
          .doesNotContain(TOKEN)
          .doesNotContain(PASSWORD);
    }
    assertThat(String.join("\n", log)).doesNotContain(TOKEN).doesNotContain(PASSWORD);
  }

  @Test
  void egressIsCheckedAfterResolutionAndOnEveryRedirectHop() {
    String inner = server.url("/echo");
    register(
        """
        - {id: t.local, provider: {type: http, url: "http://localhost:%d/echo"}}
        - {id: t.redirect-ok, provider: {type: http, url: "$BASE/redirect?to=%s&status=307"}}
        - {id: t.redirect-out, provider: {type: http, url: "$BASE/redirect?to=%s"}}
        - {id: t.metadata, provider: {type: http, url: "http://169.254.169.254/latest/meta-data/"}}
        - {id: t.loop, provider: {type: http, url: "$BASE/redirect?to=%s"}}
        """
            .formatted(
                server.server.getAddress().getPort(),
                enc(inner),
                enc("http://localhost:" + server.server.getAddress().getPort() + "/echo"),
                enc(server.url("/redirect?to=" + enc(server.url("/echo"))))));
    // localhost resolves to loopback, and only 127.0.0.1 is listed as private
    assertThatThrownBy(() -> call("t.local", "nil"))
        .isInstanceOf(AgoraError.AccessDenied.class)
        .hasMessageContaining("policy.egress: host 'localhost' resolves to a loopback address");
    assertThat(Printer.print(call("t.redirect-ok", "nil"))).contains(":uri \"/echo\"");
    // the first hop is allowed, the redirect target is not — refused before it is contacted
    int before = server.hits("/echo");
    assertThatThrownBy(() -> call("t.redirect-out", "nil"))
        .isInstanceOf(AgoraError.AccessDenied.class)
        .hasMessageContaining("host 'localhost'");
    assertThat(server.hits("/echo")).isEqualTo(before);
    assertThatThrownBy(() -> call("t.metadata", "nil"))
        .isInstanceOf(AgoraError.AccessDenied.class)
        .hasMessageContaining("the cloud metadata address 169.254.169.254");
    assertThat(Printer.print(call("t.loop", "nil")))
        .contains(":uri \"/echo\""); // two hops, both fine
    // by default nothing private is reachable at all
    market.setPolicy(IsolationPolicy.allowAll());
    assertThatThrownBy(() -> call("t.redirect-ok", "nil"))
        .isInstanceOf(AgoraError.AccessDenied.class)
        .hasMessageContaining("host '127.0.0.1' resolves to a loopback address 127.0.0.1");
    market.setPolicy(
        IsolationPolicy.allowAll().withEgress(new Egress(List.of("api.example.com"), List.of())));
    assertThatThrownBy(() -> call("t.redirect-ok", "nil"))
        .isInstanceOf(AgoraError.AccessDenied.class)
        .hasMessageContaining("host '127.0.0.1' is not in policy.egress.allow");
  }

  @Test
  void resilienceAgainstARealServer() {
    ResilienceSettings.Retry fast =
        new ResilienceSettings.Retry(3, Duration.ofMillis(1), Duration.ofMillis(5), 2, 0.5);
    ResilienceSettings.CircuitBreaker cb =
        new ResilienceSettings.CircuitBreaker(50, 3, 3, Duration.ofMinutes(5), 1);
    market.setResilience(
        new ResiliencePolicy(
            new ResilienceSettings(fast, cb, null, null, null, List.of()),
            Map.of(),
            List.of(
                new ResiliencePolicy.Rule(
                    Glob.of("t.failing"),
                    new ResilienceSettings(null, null, null, null, null, List.of("t.text")),
                    "rule[0]"))));
    register(
        """
        - {id: t.flaky-get, provider: {type: http, url: "$BASE/flaky", idempotent: true}, effects: [network]}
        - {id: t.post, provider: {type: http, method: POST, url: "$BASE/unavailable"}, effects: [network]}
        - {id: t.failing, provider: {type: http, url: "$BASE/fail"}, effects: [network]}
        - {id: t.text, provider: {type: http, url: "$BASE/text"}, effects: [network]}
        """);
    assertThat(Printer.print(call("t.flaky-get", "nil"))).isEqualTo("{:ok true :attempt 3}");
    assertThat(server.hits("/flaky")).isEqualTo(3);
    // a transient 503, but the capability is not marked idempotent: tried once
    assertThatThrownBy(() -> call("t.post", "nil")).hasMessageContaining("HTTP 503");
    assertThat(server.hits("/unavailable")).isEqualTo(1);
    // /fail answers 500: the fallback answers instead, until the circuit opens and the server is
    // left alone
    for (int i = 0; i < 3; i++) {
      assertThat(call("t.failing", "nil")).isEqualTo(Value.of("plain words"));
    }
    int hits = server.hits("/fail");
    assertThat(call("t.failing", "nil")).isEqualTo(Value.of("plain words"));
    assertThat(server.hits("/fail")).isEqualTo(hits);
    assertThat(sink.events(EventType.CircuitChanged)).isNotEmpty();
  }

  /**
   * Issue 12: twenty calls whose input made the upstream answer 400 opened the circuit for every
   * caller. Against a real loopback server: the 400s are the caller's fault and all reach the
   * server; the 500s that follow are the provider's, and open it.
   */
  @Test
  void upstream400sNeverOpenTheCircuitButItsOwn500sDo_issue12() {
    ResilienceSettings.CircuitBreaker cb =
        new ResilienceSettings.CircuitBreaker(50, 4, 4, Duration.ofMinutes(5), 1);
    market.setResilience(
        new ResiliencePolicy(
            new ResilienceSettings(null, cb, null, null, null, List.of()), Map.of(), List.of()));
    register(
        """
        - {id: t.status, provider: {type: http, url: "$BASE/status"}, effects: [network]}
        """);
    for (int i = 0; i < 20; i++) {
      assertThat(providerError("t.status", "{:code 400}"))
          .satisfies(e -> assertThat(e.fault()).isEqualTo(Fault.CALLER))
          .satisfies(e -> assertThat(e.isTransient()).isFalse())
          .hasMessageContaining("HTTP 400 from GET");
    }
    assertThat(server.hits("/status")).isEqualTo(20);
    assertThat(sink.events(EventType.CircuitChanged)).isEmpty();
    for (int i = 0; i < 4; i++) {
      assertThat(providerError("t.status", "{:code 500}"))
          .satisfies(e -> assertThat(e.fault()).isEqualTo(Fault.PROVIDER))
          .hasMessageContaining("HTTP 500 from GET");
    }
    assertThat(providerError("t.status", "{:code 400}"))
        .hasMessageContaining("its circuit breaker is open");
    assertThat(server.hits("/status")).isEqualTo(24); // refused without reaching the server
    assertThat(sink.events(EventType.CircuitChanged))
        .extracting(e -> Printer.print(e.metadata()))
        .containsExactly("{:from :closed :to :open}");
  }

  @Test
  void badProviderSectionsSayWhatIsWrong() {
    register(
        """
        - {id: t.secret, provider: {type: http, url: "$BASE/echo", auth: {type: bearer, token: abc}}}
        - {id: t.verb, provider: {type: http, method: FETCH, url: "$BASE/echo"}}
        - {id: t.scheme, provider: {type: http, url: "ftp://example.com/x"}}
        - {id: t.extra, provider: {type: http, url: "$BASE/echo", retries: 3}}
        - {id: t.template, provider: {type: http, url: "$BASE/echo/{id}"}}
        """);
    assertThatThrownBy(() -> call("t.secret", "nil"))
        .hasMessageContaining("secrets do not belong in manifests");
    assertThatThrownBy(() -> call("t.verb", "nil"))
        .hasMessageContaining("'FETCH' is not an HTTP method");
    assertThatThrownBy(() -> call("t.scheme", "nil"))
        .hasMessageContaining("must start with http:// or https://");
    assertThatThrownBy(() -> call("t.extra", "nil")).hasMessageContaining("unknown key 'retries'");
    assertThatThrownBy(() -> call("t.template", "{:other 1}"))
        .hasMessageContaining("the argument 'id' that the template");
  }

  @Test
  void redirectsWithoutLocationOrWithoutEndAreErrors() {
    String base = server.url("");
    register(
        """
        - {id: t.nowhere, provider: {type: http, url: "$BASE/redirect?status=302"}}
        - {id: t.loop, provider: {type: http, url: "$BASE/loop"}}
        """);
    AgoraError.ProviderError nowhere = providerError("t.nowhere");
    assertThat(nowhere.getMessage())
        .contains("HTTP 302 from GET " + base + "/redirect?… without a Location to follow");
    assertThat(nowhere.isTransient()).isFalse();
    assertThat(providerError("t.loop").getMessage())
        .contains("more than 5 redirects from GET " + base + "/loop");
    assertThat(server.hits("/loop")).isEqualTo(HttpProvider.MAX_REDIRECTS + 1);
  }

  @Test
  void redirectsChangeTheMethodAsBrowsersDo() {
    String echo = enc(server.url("/echo"));
    register(
        """
        - {id: t.p302, provider: {type: http, method: POST, url: "$BASE/redirect?status=302&to=%1$s"}}
        - {id: t.p307, provider: {type: http, method: POST, url: "$BASE/redirect?status=307&to=%1$s"}}
        - {id: t.g301, provider: {type: http, method: GET, url: "$BASE/redirect?status=301&to=%1$s"}}
        - {id: t.h303, provider: {type: http, method: DELETE, url: "$BASE/redirect?status=303&to=%1$s"}}
        """
            .formatted(echo));
    Value p302 = call("t.p302", "{:a 1}");
    assertThat(Printer.print(p302)).contains(":method \"GET\"").contains(":body nil");
    assertThat(server.received.getLast().header("Content-Type")).isNull();
    Value p307 = call("t.p307", "{:a 1}");
    assertThat(Printer.print(p307)).contains(":method \"POST\"").contains(":body {:a 1}");
    assertThat(server.received.getLast().header("Content-Type")).isEqualTo("application/json");
    assertThat(Printer.print(call("t.g301", "nil"))).contains(":method \"GET\"");
    assertThat(Printer.print(call("t.h303", "nil"))).contains(":method \"GET\"");
  }

  @Test
  void errorAnswersCarryAShortSnippetAndTheirKind() {
    String base = server.url("");
    register(
        """
        - {id: t.e418, provider: {type: http, url: "$BASE/status?code=418"}}
        - {id: t.e408, provider: {type: http, url: "$BASE/status?code=408&len=3"}}
        - {id: t.e429, provider: {type: http, url: "$BASE/status?code=429&len=500"}}
        - {id: t.e304, provider: {type: http, url: "$BASE/status?code=304"}}
        """);
    AgoraError.ProviderError teapot = providerError("t.e418");
    assertThat(teapot.getMessage()).endsWith("HTTP 418 from GET " + base + "/status?…");
    assertThat(teapot.isTransient()).isFalse();
    AgoraError.ProviderError timeout = providerError("t.e408");
    assertThat(timeout.getMessage()).endsWith("HTTP 408 from GET " + base + "/status?…: eee");
    assertThat(timeout.isTransient()).isTrue();
    AgoraError.ProviderError busy = providerError("t.e429");
    assertThat(busy.getMessage()).endsWith(": " + "e".repeat(200) + "…");
    assertThat(busy.isTransient()).isTrue();
    // a 304 is no redirect to follow: an error like any other non-2xx answer
    assertThat(providerError("t.e304").getMessage()).contains("HTTP 304 from GET ");
  }

  @Test
  void upstreamGarbageAndCutBodiesAreTransientErrors() throws Exception {
    try (RawServer garbage = new RawServer("SSH-2.0-OpenSSH_9.6\r\n\r\n");
        RawServer cut =
            new RawServer(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n5\r\n[1, 2\r\n")) {
      register(
          """
          - {id: t.garbage, provider: {type: http, url: "%s/x"}}
          - {id: t.cut, provider: {type: http, url: "%s/x"}}
          """
              .formatted(garbage.url(), cut.url()));
      AgoraError.ProviderError notHttp = providerError("t.garbage");
      assertThat(notHttp.isTransient()).isTrue();
      assertThat(notHttp.getMessage()).contains("GET " + garbage.url() + "/x: ");
      AgoraError.ProviderError halfBody = providerError("t.cut");
      assertThat(halfBody.isTransient()).isTrue();
      assertThat(halfBody.getMessage())
          .contains("GET " + cut.url() + "/x: ")
          .contains("IOException");
    }
  }

  @Test
  void aHeaderTheClientRefusesIsAClearError() {
    register(
        """
        - {id: t.badname, provider: {type: http, url: "$BASE/echo", headers: {"Bad Header": x}}}
        - {id: t.host, provider: {type: http, url: "$BASE/echo", headers: {Host: example.com}}}
        """);
    assertThat(providerError("t.badname").getMessage())
        .contains("cannot build the request: ")
        .contains("Bad Header");
    assertThat(providerError("t.host").getMessage())
        .contains("cannot build the request: ")
        .contains("Host");
  }

  @Test
  void absentAndNilArgumentsAreLeftOut() {
    register(
        """
        - {id: t.q, provider: {type: http, url: "$BASE/echo", query: [a]}}
        - {id: t.b, provider: {type: http, method: POST, url: "$BASE/echo", body: payload}}
        """);
    assertThat(Printer.print(call("t.q", "nil"))).contains(":uri \"/echo\"");
    assertThat(Printer.print(call("t.q", "{:a [1 nil 2] :b nil :c [nil 3]}")))
        .contains(":uri \"/echo?a=1&a=2&c=3\"");
    assertThat(Printer.print(call("t.b", "nil"))).contains(":body nil");
    assertThat(Printer.print(call("t.b", "{:other 1}"))).contains(":body nil");
  }

  @Test
  void responseAsOverridesTheContentType() {
    register(
        """
        - {id: t.json, provider: {type: http, url: "$BASE/status?code=200&len=0", response: {as: json}}}
        - {id: t.forced, provider: {type: http, url: "$BASE/status?code=200&len=3", response: {as: json}}}
        - {id: t.astext, provider: {type: http, url: "$BASE/echo", response: {as: text}}}
        - {id: t.untyped, provider: {type: http, url: "$BASE/status?code=200&len=2&type=none"}}
        - {id: t.problem, provider: {type: http, url: "$BASE/status?code=200&len=2&type=application%2Fproblem%2Bjson"}}
        """);
    assertThat(call("t.json", "nil")).isEqualTo(Value.NIL);
    assertThat(providerError("t.forced").getMessage()).contains("is not valid JSON");
    assertThat(call("t.astext", "nil")).isInstanceOf(Value.Str.class);
    assertThat(providerError("t.untyped").getMessage())
        .contains("has Content-Type 'none', which is neither JSON nor text");
    assertThat(providerError("t.problem").getMessage()).contains("is not valid JSON");
  }

  @Test
  void aNewVersionOfACapabilityIsReadAgain() {
    register("- {id: t.v, version: 1.0.0, provider: {type: http, url: \"$BASE/text\"}}");
    assertThat(call("t.v", "nil")).isEqualTo(Value.of("plain words"));
    register("- {id: t.v, version: 2.0.0, provider: {type: http, url: \"$BASE/empty\"}}");
    assertThat(call("t.v", "nil")).isEqualTo(Value.NIL);
  }

  @Test
  void theDefaultProviderReadsTheProcessEnvironment() {
    HttpProvider p = new HttpProvider();
    assertThat(p.type()).isEqualTo("http");
    assertThat(p.keepsDeadline(null)).isTrue();
    p.close();
  }

  private AgoraError.ProviderError providerError(String id) {
    return providerError(id, "nil");
  }

  private AgoraError.ProviderError providerError(String id, String rtfsInput) {
    try {
      call(id, rtfsInput);
    } catch (AgoraError.ProviderError e) {
      return e;
    }
    throw new AssertionError(id + " did not fail with a ProviderError");
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
