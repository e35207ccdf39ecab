package dev.agora.provider.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.chain.Canonical;
import dev.agora.chain.CausalChain;
import dev.agora.chain.ChainKey;
import dev.agora.chain.ChainQuery;
import dev.agora.chain.Entry;
import dev.agora.chain.Ledger;
import dev.agora.chain.event.Event;
import dev.agora.core.Marketplace;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.Egress;
import dev.agora.core.call.policy.IsolationPolicy;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.doc.Documents;
import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Manifests;
import dev.agora.core.spi.SecretSpellings;
import dev.agora.core.store.MemoryStore;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.Value;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 11, "secrets leak through results": a real loopback server that echoes the credentials it
 * was sent — in its body, as a map key, base64-encoded, in the URI, in an error — and what reaches
 * the caller, the Causal Chain (a real ledger, read back from its store), the log and the metrics:
 * the secret's name, never the secret in any form.
 */
@Timeout(60)
class SecretEchoTest {

  static final String TOKEN = "tok-3f9a-very-secret/+=";
  static final String KEY = "key-81bd-also-secret";
  static final String PASSWORD = "pw-77-third-secret";

  TestServer server;
  TestServer other; // another origin (another port)
  Marketplace market;
  Ledger ledger;
  CausalChain chain;
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  final List<String> log = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = new TestServer();
    other = new TestServer();
    ledger =
        new Ledger(
            new MemoryStore().chain(),
            ChainKey.generate("test"),
            Ledger.Settings.DEFAULT,
            log::add);
    chain = new CausalChain(ledger, List.of());
    Map<String, String> env =
        Map.of("WEATHER_TOKEN", TOKEN, "WEATHER_KEY", KEY, "WEATHER_PASSWORD", PASSWORD);
    market =
        Marketplace.builder()
            .sink(ledger)
            .log(log::add)
            .provider(new HttpProvider(env::get))
            .build();
    market.meters().add(meters);
    market.setPolicy(
        IsolationPolicy.allowAll().withEgress(new Egress(List.of("*"), List.of("127.0.0.1"))));
    Manifests.LoadResult r =
        Manifests.parse(
            Documents.parse(
                """
        - {id: w.bearer, provider: {type: http, url: "$BASE/echo-headers", auth: {type: bearer, token_env: WEATHER_TOKEN}}}
        - {id: w.header, provider: {type: http, url: "$BASE/echo-headers", auth: {type: api_key, header: X-Api-Key, key_env: WEATHER_KEY}}}
        - {id: w.query, provider: {type: http, url: "$BASE/echo-headers", auth: {type: api_key, query: key, key_env: WEATHER_KEY}}}
        - {id: w.basic, provider: {type: http, url: "$BASE/echo-headers", auth: {type: basic, user: ada, password_env: WEATHER_PASSWORD}}}
        - {id: w.refused, provider: {type: http, url: "$BASE/echo-auth", auth: {type: bearer, token_env: WEATHER_TOKEN}}}
        - {id: w.hop-key, provider: {type: http, url: "$BASE/redirect?to=$OTHER&status=307", auth: {type: api_key, header: X-Api-Key, key_env: WEATHER_KEY}}}
        - {id: w.hop-bearer, provider: {type: http, url: "$BASE/redirect?to=$OTHER&status=307", auth: {type: bearer, token_env: WEATHER_TOKEN}}}
        - {id: w.hop-same, provider: {type: http, url: "$BASE/redirect?to=$SAME&status=307", auth: {type: api_key, header: X-Api-Key, key_env: WEATHER_KEY}}}
        """
                    .replace("$BASE", server.url(""))
                    .replace("$OTHER", encode(other.url("/echo-headers")))
                    .replace("$SAME", encode(server.url("/echo-headers"))),
                "w.yaml",
                Documents.Format.YAML));
    assertThat(r.problems()).isEmpty();
    for (CapabilityManifest m : r.manifests()) {
      market.register(m, "test");
    }
  }

  @AfterEach
  void stop() throws Exception {
    market.close();
    ledger.close();
    server.close();
    other.close();
  }

  private String call(String id) {
    return Printer.print(
        market.call(CallRequest.of(id, Value.NIL, SecurityContext.full("tester"))));
  }

  private static String encode(String url) {
    return URLEncoder.encode(url, StandardCharsets.UTF_8);
  }

  /** No spelling of any secret, nor of basic auth's user:password. */
  private static void assertClean(String text) {
    SecretSpellings.assertNone(text, TOKEN, KEY, PASSWORD, "ada:" + PASSWORD);
  }

  @Test
  void anEchoedBearerTokenComesBackAsItsName() {
    String r = call("w.bearer");
    assertThat(r)
        .contains(
            "\"Bearer [redacted:WEATHER_TOKEN]\"",
            "{\"Bearer [redacted:WEATHER_TOKEN]\" true}",
            ":b64 \"[redacted:WEATHER_TOKEN]\"");
    assertClean(r);
  }

  @Test
  void echoedKeysInHeadersQueriesAndNestedValuesComeBackAsTheirName() {
    String header = call("w.header");
    assertThat(header)
        .contains(":key \"[redacted:WEATHER_KEY]\"", ":nested [[\"[redacted:WEATHER_KEY]\"]]");
    String query = call("w.query");
    assertThat(query).contains(":uri \"/echo-headers?key=[redacted:WEATHER_KEY]\"");
    assertClean(header + query);
  }

  @Test
  void basicAuthIsRedactedAsSentUserAndPasswordTogether() {
    String r = call("w.basic");
    assertThat(r).contains("\"Basic [redacted:WEATHER_PASSWORD]\"");
    assertClean(r);
  }

  /**
   * Only Authorization was kept from another origin on a redirect: a key sent in its own header
   * (X-Api-Key) went on to whatever host the upstream named, which the egress guard may allow but
   * the key was never meant for.
   */
  @Test
  void credentialsAreNotCarriedToAnotherOriginOnARedirect() {
    assertThat(call("w.hop-key")).contains(":key \"null\"", ":authorization \"null\"");
    assertThat(call("w.hop-bearer")).contains(":key \"null\"", ":authorization \"null\"");
    assertThat(call("w.hop-same")).contains(":key \"[redacted:WEATHER_KEY]\"");
  }

  @Test
  void anErrorThatEchoesTheTokenNamesItInstead() {
    assertThatThrownBy(() -> call("w.refused"))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("HTTP 401")
        .hasMessageContaining("[redacted:WEATHER_TOKEN]")
        .satisfies(e -> assertClean(e.getMessage()));
  }

  @Test
  void neitherTheCausalChainNorTheLogNorTheMetricsEverHoldASecret() {
    for (String id : List.of("w.bearer", "w.header", "w.query", "w.basic")) {
      call(id);
    }
    assertThatThrownBy(() -> call("w.refused")).isInstanceOf(AgoraError.class);
    List<Entry> stored = chain.query(ChainQuery.ALL);
    assertThat(stored).hasSizeGreaterThan(10);
    for (Entry entry : stored) { // the bytes the store keeps, and the action they decode to
      assertClean(new String(entry.body(), StandardCharsets.UTF_8));
      Event e = Canonical.decode(entry.body());
      assertClean(String.valueOf(e.arguments()) + e.result() + e.error() + e.metadata());
    }
    assertThat(chain.verify().ok()).isTrue();
    assertThat(
            stored.stream().map(en -> Canonical.decode(en.body()).error()).filter(x -> x != null))
        .anySatisfy(error -> assertThat(error).contains("[redacted:WEATHER_TOKEN]"));
    assertClean(String.join("\n", log));
    assertThat(meters.getMeters()).isNotEmpty();
    for (Meter m : meters.getMeters()) {
      assertClean(m.getId().toString());
    }
  }
}
