package dev.agora.provider.a2a;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.agora.chain.ChainKey;
import dev.agora.core.Marketplace;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ConfigLoader;
import dev.agora.core.discovery.Bootstrap;
import dev.agora.core.doc.DocumentException;
import dev.agora.core.error.AgoraError;
import dev.agora.core.json.Json;
import dev.agora.core.json.JsonObjects;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Reader;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agents that misbehave — malformed cards, cards pointing at private addresses, versions Agora does
 * not speak, garbage streams, errors, tasks that fail — served by a loopback server written to
 * misbehave (no real agent can be made to), and signed cards checked.
 */
class A2aEdgesTest {

  @TempDir Path dir;
  HttpServer server;
  String base;
  final Map<String, Function<String, String[]>> routes = new ConcurrentHashMap<>();
  final List<String> seenAuth = new java.util.concurrent.CopyOnWriteArrayList<>();
  final List<String> seenKeys = new java.util.concurrent.CopyOnWriteArrayList<>();
  final List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
  Marketplace market;
  List<Bootstrap.SourceReport> reports;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        x -> {
          String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          String auth = x.getRequestHeaders().getFirst("Authorization");
          if (auth != null) {
            seenAuth.add(auth);
          }
          for (String h : List.of("X-Agent-Key", "X-API-Key")) {
            String key = x.getRequestHeaders().getFirst(h);
            if (key != null) {
              seenKeys.add(h + " " + key);
            }
          }
          Function<String, String[]> route = routes.get(x.getRequestURI().getPath());
          String[] r = route == null ? new String[] {"404", "text/plain", "no"} : route.apply(body);
          byte[] bytes = r[2].getBytes(StandardCharsets.UTF_8);
          x.getResponseHeaders().set("Content-Type", r[1]);
          x.sendResponseHeaders(Integer.parseInt(r[0]), bytes.length == 0 ? -1 : bytes.length);
          try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
          }
        });
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    if (market != null) {
      market.close();
      market.config().sources().forEach(s -> s.close());
    }
    server.stop(0);
  }

  static String[] json(String body) {
    return new String[] {"200", "application/json", body};
  }

  /** A card whose one interface is {@code url} (JSON-RPC, {@code version}). */
  static String card(String url, String version, boolean streaming) {
    return """
        {"name":"edge","description":"misbehaves","version":"1",
         "supportedInterfaces":[{"url":"%s","protocolBinding":"JSONRPC","protocolVersion":"%s"}],
         "capabilities":{"streaming":%s},
         "skills":[{"id":"go","name":"Go","description":"goes","tags":["t"]},
                   {"id":"odd skill!","name":"","tags":[],"examples":["try me"]}]}"""
        .formatted(url, version, streaming);
  }

  void boot(String source) throws Exception {
    boot(source, "", Map.of());
  }

  /** A node with {@code source}, more of agora.yaml, and the environment its source sees. */
  void boot(String source, String more, Map<String, String> env) throws Exception {
    Path cfg = dir.resolve("agora.yaml");
    Files.writeString(
        cfg,
        """
        sources:
          - %s
        policy:
          egress: {allow: ["*"], private: ["127.0.0.1"]}
        %s
        """
            .formatted(source, more));
    AgoraConfig c = ConfigLoader.load(cfg).withStorage(AgoraConfig.Storage.MEMORY);
    ((A2aSource) c.sources().getFirst()).environment(env::get);
    market = Marketplace.builder().config(c).log(log::add).build();
    reports = market.bootstrap();
  }

  String failure() {
    return reports.getFirst().failure();
  }

  Value call(String id, String input) {
    return market.call(
        CallRequest.of(id, Reader.readValue(input), SecurityContext.full("t"))
            .withTimeout(Duration.ofSeconds(5)));
  }

  void serveCard(String card) {
    routes.put("/.well-known/agent-card.json", b -> json(card));
  }

  @Test
  void cardsThatCannotBeUsedFailTheSourceSayingWhy() throws Exception {
    String src = "{name: e, type: a2a, url: \"" + base + "\"}";
    boot(src);
    assertThat(failure()).contains("no agent card at").contains("agent.json");
    market.close();

    routes.put("/.well-known/agent.json", b -> json("[1]")); // the older path is tried too
    boot(src);
    assertThat(failure()).contains("is not a JSON object");
    market.close();

    serveCard("{\"name\": ");
    boot(src);
    assertThat(failure()).contains("is not JSON");
    market.close();

    serveCard("{\"skills\":[]}");
    boot(src);
    assertThat(failure()).contains("the card has no name");
    market.close();

    serveCard(card(base + "/rpc", "2.0", false).replace("JSONRPC", "GRPC"));
    boot(src);
    assertThat(failure()).contains("offers no interface Agora speaks").contains("GRPC 2.0");
    market.close();

    serveCard(card("ftp://x/", "1.0", false));
    boot(src);
    assertThat(failure()).contains("'ftp://x/' (not http or https)");
    market.close();

    serveCard("{\"name\":\"x\",\"url\":\"" + base + "/rpc\",\"skills\":[{\"name\":\"no id\"}]}");
    boot(src);
    assertThat(failure()).contains("skills[0] has no id");
    market.close();

    routes.put("/.well-known/agent-card.json", b -> new String[] {"500", "text/plain", "down"});
    boot(src);
    assertThat(failure()).contains("HTTP 500 for its card");
    market.close();

    serveCard(card(base + "/rpc", "0.3", false));
    boot("{name: e, type: a2a, url: \"" + base + "\", version: \"1.0\"}");
    assertThat(failure()).contains("offers no interface for A2A 1.0").contains("0.3 JSON-RPC at");
    market.close();

    serveCard(card(base + "/rpc", "1.0", false));
    boot("{name: e, type: a2a, url: \"" + base + "\", binding: rest}");
    assertThat(failure()).contains("offers no rest interface; it offers [1.0 JSON-RPC at");
    market.close();

    boot("{name: e, type: a2a, url: \"" + base + "\", token_env: AGORA_TEST_UNSET_TOKEN}");
    assertThat(failure()).contains("token_env names AGORA_TEST_UNSET_TOKEN, which is not set");
  }

  @Test
  void aSourceSectionWithSecretsOrUnknownChoicesIsAConfigurationError() throws Exception {
    Path cfg = dir.resolve("bad.yaml");
    Files.writeString(
        cfg,
        """
        sources:
          - {name: a, type: a2a, token: abc, url: "http://x"}
          - {name: b, type: a2a, url: "http://x", version: "2.0", binding: grpc}
          - {name: c, type: a2a}
        """);
    assertThatThrownBy(() -> ConfigLoader.load(cfg))
        .isInstanceOf(DocumentException.class)
        .hasMessageContaining("secrets do not belong in agora.yaml")
        .hasMessageContaining("unknown A2A version '2.0'; use 1.0 or 0.3")
        .hasMessageContaining("unknown binding 'grpc'; use jsonrpc or rest")
        .hasMessageContaining("an a2a source needs 'url'");
  }

  @Test
  void aCardPointingAtAPrivateAddressIsStoppedByTheEgressGuard() throws Exception {
    serveCard(card("http://10.1.2.3:9/rpc", "1.0", false));
    boot("{name: e, type: a2a, url: \"" + base + "\"}");
    assertThat(failure()).isNull();
    assertThat(market.registry().get("a2a.e.go")).isNotNull();
    assertThat(market.registry().get("a2a.e.odd-skill-")).isNotNull(); // the id made safe
    assertThatThrownBy(() -> call("a2a.e.go", "{:text \"x\"}"))
        .isInstanceOf(AgoraError.AccessDenied.class)
        .hasMessageContaining("policy.egress");
  }

  @Test
  void anAgentThatCannotStreamIsAskedUntilItsTaskEnds() throws Exception {
    serveCard(card(base + "/rpc", "0.3", false));
    int[] gets = {0};
    routes.put(
        "/rpc",
        b -> {
          Dict req = (Dict) Json.parse(b);
          String method = JsonObjects.text(req, "method");
          if (method.equals("message/send")) {
            assertThat(JsonObjects.at(req, "params", "configuration", "blocking"))
                .isEqualTo(Value.of(true));
            return json(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"kind\":\"task\",\"id\":\"t1\",\"contextId\":\"c1\",\"status\":{\"state\":\"submitted\"}}}");
          }
          String state = ++gets[0] < 3 ? "working" : "completed";
          return json(
              "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"kind\":\"task\",\"id\":\"t1\",\"contextId\":\"c1\",\"status\":{\"state\":\""
                  + state
                  + "\"},\"artifacts\":[{\"artifactId\":\"a\",\"parts\":[{\"kind\":\"text\",\"text\":\"polled\"},{\"kind\":\"file\",\"file\":{\"uri\":\"https://x/f\",\"mimeType\":\"text/plain\",\"name\":\"f\"}}]}]}}");
        });
    boot("{name: e, type: a2a, url: \"" + base + "\", poll: 10ms}");
    Value r = call("a2a.e.go", "{:text \"x\" :data {:k 1}}");
    assertThat(JsonObjects.textAt(r, "text")).isEqualTo("polled");
    assertThat(((Dict) r).get("state")).isEqualTo(Value.keyword("completed"));
    assertThat(((Dict) r).get("task-id")).isEqualTo(Value.of("t1"));
    assertThat(Json.write(((Dict) r).get("artifacts"))).contains("\"media-type\":\"text/plain\"");
    assertThat(gets[0]).isEqualTo(3);
  }

  /** What calling a2a.e.go fails with when the agent answers with {@code events}. */
  AbstractThrowableAssert<?, ? extends Throwable> whenStreaming(String events) {
    routes.put("/rpc", b -> new String[] {"200", "text/event-stream", events});
    return assertThatThrownBy(() -> call("a2a.e.go", "{:text \"x\"}"));
  }

  @Test
  void errorsFailuresAndGarbageAreTypedErrors() throws Exception {
    serveCard(card(base + "/rpc", "1.0", true));
    boot("{name: e, type: a2a, url: \"" + base + "\"}");

    whenStreaming("data:not json\n\n")
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("an event in the agent's stream is not JSON");

    whenStreaming(
            ": hello\nevent: x\ndata: {\"jsonrpc\":\"2.0\",\"id\":1,\n"
                + "data: \"error\":{\"code\":-32001,\"message\":\"Task not found\"}}\n\n")
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("answered error -32001: Task not found")
        .satisfies(e -> assertThat(((AgoraError.ProviderError) e).isTransient()).isFalse());

    routes.put("/rpc", b -> new String[] {"503", "application/json", "{\"message\":\"busy\"}"});
    assertThatThrownBy(() -> call("a2a.e.go", "{:text \"x\"}"))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("HTTP 503")
        .hasMessageContaining("expected an event stream");

    whenStreaming("").hasMessageContaining("the agent's stream ended before it said anything");

    whenStreaming(
            "data: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"task\":{\"id\":\"t\",\"status\":{\"state\":\"TASK_STATE_FAILED\","
                + "\"message\":{\"messageId\":\"m\",\"role\":\"ROLE_AGENT\",\"parts\":[{\"text\":\"out of paper\"}]}}}}}\n\n")
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("task t failed: out of paper");

    whenStreaming(
            "data: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"statusUpdate\":{\"taskId\":\"t\",\"status\":{\"state\":\"TASK_STATE_REJECTED\"}}}}\n\n")
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("task t rejected");

    whenStreaming("data: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"nothing\":1}}\n\n")
        .hasMessageContaining("the agent's answer is not valid A2A");
  }

  @Test
  void aTokenTheAgentEchoesNeverReachesTheCaller() throws Exception {
    serveCard(card(base + "/rpc", "1.0", false));
    routes.put(
        "/rpc",
        b ->
            json(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"message\":{\"messageId\":\"m\",\"role\":\"ROLE_AGENT\",\"parts\":[{\"text\":\"you sent "
                    + seenAuth.getLast()
                    + "\"}]}}}"));
    // a token no header can carry fails the source, naming the variable, never the value
    boot(
        "{name: e, type: a2a, url: \"" + base + "\", token_env: A2A_EDGE_TOKEN}",
        "",
        Map.of("A2A_EDGE_TOKEN", "tok-secret\nX-Injected: 1"));
    assertThat(failure())
        .contains("A2A_EDGE_TOKEN (named by token_env) holds a control character")
        .doesNotContain("tok-secret");
    market.close();

    String token = "tok-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
    boot(
        "{name: e, type: a2a, url: \"" + base + "\", token_env: A2A_EDGE_TOKEN}",
        "",
        Map.of("A2A_EDGE_TOKEN", token));
    assertThat(failure()).isNull();
    Value r = call("a2a.e.go", "{:text \"x\"}");
    assertThat(seenAuth).contains("Bearer " + token);
    assertThat(Json.write(r)).doesNotContain(token).contains("you sent Bearer");
  }

  /** Signs a card as Agora's server does: JWS, EdDSA, detached, over the canonical card. */
  static String sign(String card, ChainKey key) {
    Dict c = (Dict) Json.parse(card);
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header =
        b64.encodeToString(
            Json.canonical(JsonObjects.obj("alg", "EdDSA", "kid", key.verifier().toString()))
                .getBytes(StandardCharsets.UTF_8));
    String payload = b64.encodeToString(Json.canonical(c).getBytes(StandardCharsets.UTF_8));
    String sig =
        b64.encodeToString(key.sign((header + "." + payload).getBytes(StandardCharsets.US_ASCII)));
    return Json.write(
        c.assoc(
            Json.key("signatures"),
            dev.agora.rtfs.Vec.of(
                List.of(JsonObjects.obj("protected", header, "signature", sig)))));
  }

  @Test
  void signedCardsAreVerifiedAndPinnedKeysHeldTo() throws Exception {
    ChainKey key = ChainKey.generate("edge");
    ChainKey other = ChainKey.generate("other");
    String card = card(base + "/rpc", "1.0", false);
    String src = "{name: e, type: a2a, url: \"" + base + "\"";

    serveCard(sign(card, key));
    boot(src + ", card_key: \"" + key.verifier() + "\"}");
    assertThat(failure()).isNull();
    assertThat(market.registry().get("a2a.e.go").metadata().toString()).contains("card-signed-by");
    market.close();

    boot(src + ", card_key: \"" + other.verifier() + "\"}");
    assertThat(failure()).contains("not signed by the key card_key names");
    market.close();

    serveCard(sign(card, key).replace("misbehaves", "behaves"));
    boot(src + "}");
    assertThat(failure()).contains("does not verify: the card was changed after it was signed");
    market.close();

    serveCard(card);
    boot(src + ", require_signed_card: true}");
    assertThat(failure()).contains("the card is not signed");
    market.close();

    serveCard(card.replaceFirst("\\{", "{\"signatures\":[{\"protected\":\"e30\"},7],"));
    boot(src + "}");
    assertThat(failure()).contains("signatures[0] needs 'protected' and 'signature'");
    market.close();

    serveCard(
        card.replaceFirst(
            "\\{", "{\"signatures\":[{\"protected\":\"e30\",\"signature\":\"AA\"}],"));
    boot(src + "}");
    assertThat(failure()).contains("must be alg EdDSA with the verifier key as kid");
    market.close();

    serveCard(
        card.replaceFirst("\\{", "{\"signatures\":[{\"protected\":\"!!\",\"signature\":\"AA\"}],"));
    boot(src + "}");
    assertThat(failure()).contains("is not base64url JSON");
    market.close();

    String badKid =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                "{\"alg\":\"EdDSA\",\"kid\":\"nope\"}".getBytes(StandardCharsets.UTF_8));
    serveCard(
        card.replaceFirst(
            "\\{", "{\"signatures\":[{\"protected\":\"" + badKid + "\",\"signature\":\"AA\"}],"));
    boot(src + "}");
    assertThat(failure()).contains("names a kid that is no verifier key");
  }

  static final String TRUST_ACME =
      """
      trust:
        authorities:
          - {name: acme, public_key: keys/acme.pub, namespaces: ["a2a.e.*"], expires: 2027-12-31}
        pinning: {mode: "off"}
      """;

  /** Writes {@code key}'s public half as keys/acme.pub, which {@link #TRUST_ACME} trusts. */
  void trustAcme(ChainKey key) throws Exception {
    Files.createDirectories(dir.resolve("keys"));
    Files.writeString(
        dir.resolve("keys/acme.pub"),
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(CardTrustTest.publicKey(key).getEncoded())
            + "\n-----END PUBLIC KEY-----\n");
  }

  @Test
  void aCardSignedByATrustedAuthorityAndItsSecuritySchemesAreHeldTo() throws Exception {
    ChainKey acme = ChainKey.generate("acme");
    trustAcme(acme);
    String card =
        card(base + "/rpc", "1.0", false)
            .replaceFirst(
                "\\{",
                "{\"securitySchemes\":{\"k\":{\"apiKeySecurityScheme\":"
                    + "{\"location\":\"header\",\"name\":\"X-Agent-Key\"}}},"
                    + "\"securityRequirements\":[{\"schemes\":{\"k\":{\"list\":[]}}}],");
    routes.put(
        "/rpc",
        b ->
            json(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"message\":{\"messageId\":\"m\","
                    + "\"role\":\"ROLE_AGENT\",\"parts\":[{\"text\":\"ok\"}]}}}"));
    String trust = TRUST_ACME;
    String src = "{name: e, type: a2a, url: \"" + base + "\", require_signed_card: true";

    serveCard(sign(card, acme));
    boot(src + ", api_key_env: K}", trust, Map.of("K", "key-k"));
    assertThat(failure()).isNull();
    assertThat(market.registry().get("a2a.e.go").metadata().toString())
        .contains("card-authority", "acme");
    assertThat(call("a2a.e.go", "{:text \"x\"}").toString()).contains("ok");
    assertThat(seenKeys.getLast()).isEqualTo("X-Agent-Key key-k"); // the card's header, once read
    assertThat(log).noneMatch(l -> l.contains("warning"));
    market.close();

    serveCard(sign(card, ChainKey.generate("rogue")));
    boot(src + ", api_key_env: K}", trust, Map.of("K", "key-k"));
    assertThat(failure()).contains("signed, but by no key of trust.authorities (acme)");
    market.close();

    // a header the card names that cannot carry a key: the default one, with a warning
    serveCard(sign(card.replace("X-Agent-Key", "Host"), acme));
    seenKeys.clear();
    boot(src + ", api_key_env: K}", trust, Map.of("K", "key-k"));
    assertThat(call("a2a.e.go", "{:text \"x\"}").toString()).contains("ok");
    assertThat(seenKeys.getLast()).isEqualTo("X-API-Key key-k");
    assertThat(log)
        .contains(
            "a2a: warning: agent 'e': the card's API key header 'Host' cannot be sent; using"
                + " X-API-Key (set api_key_header to choose)");
    market.close();

    serveCard(sign(card, acme)); // no credentials for what the card asks: loaded, with a warning
    boot(src + "}", trust, Map.of());
    assertThat(failure()).isNull();
    assertThat(log)
        .contains(
            "a2a: warning: agent 'e': the card asks for an API key in header X-Agent-Key"
                + " (api_key_env); this source sends no credentials; its calls may be refused");
  }

  @Test
  void aChangedCardChangesTheCapabilitiesAndOneThatCannotBeReadKeepsThem() throws Exception {
    String card = card(base + "/rpc", "1.0", false);
    serveCard(card);
    boot("{name: e, type: a2a, url: \"" + base + "\", refresh: 1h}"); // refreshed by hand below
    A2aSource source = (A2aSource) market.config().sources().getFirst();
    source.refresh(); // the same card: nothing changes
    assertThat(market.registry().get("a2a.e.go")).isNotNull();

    serveCard(card.replace("\"id\":\"go\"", "\"id\":\"run\""));
    source.refresh();
    assertThat(market.registry().get("a2a.e.run")).isNotNull();
    assertThat(market.registry().get("a2a.e.go")).isNull();
    assertThat(market.registry().get("a2a.e.odd-skill-")).isNotNull();

    serveCard("[1]");
    source.refresh();
    assertThat(market.registry().get("a2a.e.run")).isNotNull();
    assertThat(log)
        .anyMatch(
            l ->
                l.contains("discovery: e:")
                    && l.contains("reading the card again failed, keeping what was listed")
                    && l.contains("is not a JSON object"));

    // once closed, a look at the card changes nothing, and the agent is gone
    serveCard(card);
    source.close();
    source.refresh();
    assertThat(market.registry().get("a2a.e.run")).isNotNull();
    assertThat(market.registry().get("a2a.e.go")).isNull();
    assertThatThrownBy(() -> call("a2a.e.run", "{:text \"x\"}"))
        .hasMessageContaining("is not connected");
    market.close();

    // a card is read again only with a refresh: off — never; anything else is a positive duration
    boot("{name: e, type: a2a, url: \"" + base + "\", refresh: 1h}");
    assertThat(pollingThreads()).contains("agora-a2a-e");
    market.close();
    market.config().sources().forEach(s -> s.close());
    for (Thread t : Thread.getAllStackTraces().keySet()) { // closing stops it: its thread ends
      if (t.getName().equals("agora-a2a-e")) {
        t.join(30_000);
        assertThat(t.isAlive()).isFalse();
      }
    }
    boot("{name: e, type: a2a, url: \"" + base + "\", refresh: \"off\"}");
    assertThat(failure()).isNull();
    assertThat(pollingThreads()).doesNotContain("agora-a2a-e");
    assertThatThrownBy(() -> boot("{name: e, type: a2a, url: \"" + base + "\", refresh: 0s}"))
        .hasMessageContaining("refresh: expected a positive duration");
  }

  static List<String> pollingThreads() {
    return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).toList();
  }

  @Test
  void aCardNoLongerTrustedIsWithdrawnAtTheNextLook() throws Exception {
    ChainKey acme = ChainKey.generate("acme");
    trustAcme(acme);
    String card = card(base + "/rpc", "1.0", false);
    serveCard(sign(card, acme));
    String src =
        "{name: e, type: a2a, url: \"" + base + "\", require_signed_card: true, refresh: 1h}";
    boot(src, TRUST_ACME, Map.of());
    assertThat(failure()).isNull();
    A2aSource source = (A2aSource) market.config().sources().getFirst();

    // the same card, after its authority has expired
    source.clock(() -> Instant.parse("2028-01-01T00:00:00Z"));
    source.refresh();
    assertThat(market.registry().get("a2a.e.go")).isNull();
    assertThat(log)
        .anyMatch(
            l ->
                l.contains("the card is not trusted now, nothing is listed from it")
                    && l.contains("authority 'acme' is no longer trusted since"));
    source.refresh(); // still not trusted: nothing to withdraw, said again
    assertThat(log.stream().filter(l -> l.contains("not trusted now"))).hasSize(2);

    // a changed card signed by another key: withdrawn as well
    source.clock(Instant::now);
    source.refresh(); // trusted again: listed again
    assertThat(market.registry().get("a2a.e.go")).isNotNull();
    serveCard(sign(card.replace("goes", "goes on"), ChainKey.generate("rogue")));
    source.refresh();
    assertThat(market.registry().get("a2a.e.go")).isNull();
  }

  @Test
  void anOlderCardOverHttpJsonIsFollowedToAStateThatWaitsForTheCaller() throws Exception {
    routes.put(
        "/.well-known/agent.json",
        b ->
            json(
                """
                {"name":"old","protocolVersion":"0.3.0","url":"/rpc",
                 "additionalInterfaces":[{"url":"/rest","transport":"HTTP+JSON"},
                                         {"url":"http://[x","transport":"JSONRPC"}],
                 "skills":[{"id":"go"}]}"""));
    routes.put(
        "/rest/v1/message:send",
        b -> {
          assertThat(b).contains("\"content\"").contains("\"blocking\":true");
          return json("{\"task\":{\"id\":\"t9\",\"status\":{\"state\":\"TASK_STATE_WORKING\"}}}");
        });
    routes.put(
        "/rest/v1/tasks/t9",
        b ->
            json(
                "{\"id\":\"t9\",\"contextId\":\"c\",\"status\":{\"state\":\"TASK_STATE_AUTH_REQUIRED\","
                    + "\"message\":{\"messageId\":\"m\",\"role\":\"ROLE_AGENT\",\"content\":[{\"text\":\"log in\"}]}}}"));
    boot("{name: e, type: a2a, url: \"" + base + "\", binding: rest, poll: 5ms}");
    assertThat(failure()).isNull();
    Value r = call("a2a.e.go", "{:text \"x\"}");
    assertThat(((Dict) r).get("state")).isEqualTo(Value.keyword("auth-required"));
    assertThat(JsonObjects.textAt(r, "text")).isEqualTo("log in");
    assertThat(market.config().sources().getFirst().health().up()).isTrue();

    routes.put(
        "/rest/v1/message:send",
        b ->
            new String[] {
              "404", "application/json", "{\"error\":{\"message\":\"no such skill\"}}"
            });
    assertThatThrownBy(() -> call("a2a.e.go", "{:text \"x\"}"))
        .hasMessageContaining("HTTP 404")
        .hasMessageContaining("no such skill");
    routes.put("/rest/v1/message:send", b -> new String[] {"400", "text/plain", "nope"});
    assertThatThrownBy(() -> call("a2a.e.go", "{:text \"x\"}"))
        .hasMessageEndingWith("/rest/v1/message:send");
    routes.put(
        "/rest/v1/message:send",
        b -> new String[] {"500", "application/json", "{\"message\":\"overloaded\"}"});
    assertThatThrownBy(() -> call("a2a.e.go", "{:text \"x\"}"))
        .hasMessageContaining("HTTP 500")
        .hasMessageContaining("overloaded");
    routes.put("/rest/v1/message:send", b -> new String[] {"409", "application/json", "[1]"});
    assertThatThrownBy(() -> call("a2a.e.go", "{:text \"x\"}"))
        .hasMessageEndingWith("HTTP 409 from " + base + "/rest/v1/message:send");
    routes.put("/rest/v1/message:send", b -> new String[] {"409", "application/json", "{}"});
    assertThatThrownBy(() -> call("a2a.e.go", "{:text \"x\"}"))
        .hasMessageEndingWith("HTTP 409 from " + base + "/rest/v1/message:send");
    routes.put("/rest/v1/message:send", b -> json("{\"not json"));
    assertThatThrownBy(() -> call("a2a.e.go", "{:text \"x\"}"))
        .hasMessageContaining("the agent's answer is not JSON");
  }

  @Test
  void jsonRpcAnswersThatAreNotResponsesOrTooLargeAreRefused() throws Exception {
    serveCard(card(base + "/rpc", "1.0", false));
    boot("{name: e, type: a2a, url: \"" + base + "\", max_bytes: 2000}");
    routes.put("/rpc", b -> json("[1]"));
    assertThatThrownBy(() -> call("a2a.e.go", "{:text \"x\"}"))
        .hasMessageContaining("not a JSON-RPC response");
    routes.put("/rpc", b -> json("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{}}"));
    assertThatThrownBy(() -> call("a2a.e.go", "{:text \"x\"}"))
        .hasMessageEndingWith("the agent answered error 0");
    routes.put("/rpc", b -> json("{\"jsonrpc\":\"2.0\",\"id\":1}"));
    assertThatThrownBy(() -> call("a2a.e.go", "{:text \"x\"}"))
        .hasMessageContaining("neither result nor error");
    routes.put("/rpc", b -> json("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32603}}"));
    assertThatThrownBy(() -> call("a2a.e.go", "{:text \"x\"}"))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("answered error -32603");
    routes.put("/rpc", b -> json("{\"pad\":\"" + "x".repeat(3000) + "\"}"));
    assertThatThrownBy(() -> call("a2a.e.go", "{:text \"x\"}"))
        .hasMessageContaining("larger than 2000 bytes (max_bytes)");
  }

  @Test
  void aStreamThatEndsEarlyIsFollowedByAskingAndOversizedStreamsAreCut() throws Exception {
    serveCard(card(base + "/rpc", "1.0", true));
    boot("{name: e, type: a2a, url: \"" + base + "\", max_bytes: 4000, poll: 5ms}");
    String start =
        "data: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"task\":{\"id\":\"t\",\"status\":{\"state\":\"TASK_STATE_WORKING\"}}}}\r\n\r\n";
    String chunk =
        "data: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"artifactUpdate\":{\"taskId\":\"t\",\"append\":%s,"
            + "\"artifact\":{\"artifactId\":\"a\",\"parts\":[{\"text\":\"%s\"}]}}}}\n\n";
    routes.put(
        "/rpc",
        b -> {
          if (b.contains("GetTask")) {
            return json(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"id\":\"t\",\"status\":{\"state\":\"TASK_STATE_COMPLETED\"}}}");
          }
          return new String[] {
            "200",
            "text/event-stream",
            start + chunk.formatted(false, "one") + chunk.formatted(true, "two")
          };
        });
    Value r = call("a2a.e.go", "{:text \"x\"}");
    assertThat(JsonObjects.textAt(r, "text")).isEqualTo("one\ntwo");
    assertThat(((Dict) r).get("state")).isEqualTo(Value.keyword("completed"));

    routes.put(
        "/rpc",
        b ->
            new String[] {
              "200",
              "text/event-stream",
              start
                  + "data: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"artifactUpdate\":{\"append\":true,"
                  + "\"artifact\":{\"name\":\"n\",\"parts\":[{\"data\":{\"k\":2}}]}}}}\n\n"
                  + "data: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"statusUpdate\":{\"status\":{\"state\":"
                  + "\"TASK_STATE_COMPLETED\",\"message\":{\"messageId\":\"m\",\"role\":\"ROLE_AGENT\","
                  + "\"parts\":[{\"data\":1},{\"text\":\"fine\"}]}}}}}\n\n"
            });
    Value r2 = call("a2a.e.go", "{:text \"x\"}");
    assertThat(JsonObjects.textAt(r2, "text")).isEqualTo("fine");
    assertThat(Json.write(((Dict) r2).get("data"))).isEqualTo("{\"k\":2}");
    assertThat(((Dict) r2).get("task-id")).isEqualTo(Value.of("t"));

    whenStreaming("data: " + "x".repeat(5000))
        .hasMessageContaining("a line longer than 4000 bytes");
    whenStreaming(("data: " + "y".repeat(1500) + "\n").repeat(3) + "\n")
        .hasMessageContaining("an event in the agent's stream is larger than 4000 bytes");
  }

  @Test
  void anAgentThatIsGoneIsATransientFailure() throws Exception {
    serveCard(card("http://127.0.0.1:1/rpc", "1.0", false));
    boot("{name: e, type: a2a, url: \"" + base + "\"}");
    assertThatThrownBy(() -> call("a2a.e.go", "{:text \"x\"}"))
        .isInstanceOf(AgoraError.ProviderError.class)
        .satisfies(e -> assertThat(((AgoraError.ProviderError) e).isTransient()).isTrue())
        .hasMessageContaining("ConnectException");
    market.close();
    serveCard(card("http://127.0.0.1:1/rpc", "1.0", true));
    boot("{name: e, type: a2a, url: \"" + base + "\"}");
    assertThatThrownBy(() -> call("a2a.e.go", "{:text \"x\"}"))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("POST http://127.0.0.1:1/rpc");
    market.close();
    boot("{name: e, type: a2a, url: \"http://127.0.0.1:1\"}");
    assertThat(failure()).contains("cannot read its card");
    assertThat(market.config().sources().getFirst().health().up()).isFalse();
  }
}
