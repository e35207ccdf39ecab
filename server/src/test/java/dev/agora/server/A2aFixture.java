package dev.agora.server;

import dev.agora.chain.event.Event;
import dev.agora.core.AgoraNode;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ConfigLoader;
import dev.agora.core.json.Json;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A node serving A2A on a free loopback port: an operator and a restricted agent with API keys,
 * anonymous callers as a context that may use only {@code test.echo}, the egress policy letting
 * push notifications reach 127.0.0.1, and test capabilities whose calls the test controls: {@code
 * test.gate} waits until the test opens the gate named by its input's {@code gate}.
 */
final class A2aFixture implements AutoCloseable {

  static final String OPS_KEY = "a2a-ops-key";
  static final String AGENT_KEY = "a2a-agent-key";

  final AgoraNode node;
  final AgoraServer server;

  final LogLines log = new LogLines();

  /** Waits up to {@code seconds} for a log line containing {@code fragment}. */
  boolean awaitLog(String fragment, int seconds) throws InterruptedException {
    return log.await(fragment, seconds);
  }

  final List<Event> events = new CopyOnWriteArrayList<>();
  final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  A2aFixture(Path dir, String a2aYaml) throws IOException {
    this(dir, a2aYaml, "");
  }

  /** With more of the server section ({@code extraServerYaml}, indented under it). */
  A2aFixture(Path dir, String a2aYaml, String extraServerYaml) throws IOException {
    Path file = dir.resolve("agora.yaml");
    Files.writeString(
        file,
        """
        policy:
          deny: ["ccos.io.*"]
          egress: {private: ["127.0.0.1"]}
        contexts:
          operator: {level: full}
          agent: {level: controlled, allow: ["ccos.math.*", "test.*"]}
          public: {level: controlled, allow: ["test.echo"]}
        default_context: operator
        server:
          port: 0
          anonymous: public
          api_keys:
            - {name: ops-key, context: operator, sha256: "%s"}
            - {name: agent-key, context: agent, sha256: "%s"}
          a2a: %s
        %s
        """
            .formatted(
                GatewayFixture.sha(OPS_KEY),
                GatewayFixture.sha(AGENT_KEY),
                a2aYaml,
                extraServerYaml));
    AgoraConfig cfg = ConfigLoader.load(file).withStorage(AgoraConfig.Storage.MEMORY);
    node = AgoraNode.open(cfg, events::add, log::add);
    node.marketplace().bootstrap();
    local("test.echo", (in, call) -> in);
    local(
        "test.gate",
        (in, call) -> {
          String gate = ((Value.Str) ((Dict) in).get(Json.key("gate"))).value();
          if (!gate(gate).await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("gate " + gate + " was never opened");
          }
          return Dict.of(Json.key("opened"), Value.of(gate));
        });
    local(
        "test.progress",
        (in, call) -> {
          call.downstream().progress(1, 2.0, "half");
          call.downstream().progress(2, null, null);
          assertThrows(
              () ->
                  call.downstream()
                      .request("sampling/createMessage", Value.NIL, Duration.ofSeconds(1)));
          if (call.downstream().supports("sampling")) {
            throw new IllegalStateException("an A2A caller cannot be asked anything");
          }
          gate("progress").await(60, TimeUnit.SECONDS);
          return Value.of("done");
        });
    node.marketplace()
        .registerLocal(
            CapabilityManifest.builder("test.bare")
                .provider(new ProviderSpec.Local("test.bare", Dict.EMPTY))
                .effects("pure")
                .build(),
            (in, call) -> in,
            false,
            "test");
    local(
        "test.fail",
        (in, call) -> {
          throw new IllegalStateException("it fails on purpose");
        });
    server = AgoraServer.start(node, cfg, log::add);
  }

  private void local(String id, dev.agora.core.local.LocalFunction fn) {
    node.marketplace()
        .registerLocal(
            CapabilityManifest.builder(id)
                .description("a test capability")
                .provider(new ProviderSpec.Local(id, Dict.EMPTY))
                .effects("pure")
                .timeout(Duration.ofSeconds(60))
                .build(),
            fn,
            false,
            "test");
  }

  private static void assertThrows(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException expected) {
      return;
    }
    throw new IllegalStateException("expected a refusal");
  }

  CountDownLatch gate(String name) {
    return gates.computeIfAbsent(name, n -> new CountDownLatch(1));
  }

  void open(String name) {
    gate(name).countDown();
  }

  String base() {
    return server.url().replace("/mcp", "");
  }

  /** A request to {@code path} with {@code headers} (name, value, …). */
  HttpRequest.Builder request(String path, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(60));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return b;
  }

  HttpResponse<String> get(String path, String... headers) {
    return send(request(path, headers).GET());
  }

  HttpResponse<String> post(String path, String body, String... headers) {
    return send(
        request(path, headers)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  HttpResponse<String> send(HttpRequest.Builder b) {
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A JSON-RPC call to /a2a; its parsed answer. */
  Dict rpc(String method, String params, String... headers) {
    HttpResponse<String> r =
        post(
            "/a2a",
            "{\"jsonrpc\":\"2.0\",\"id\":\"r1\",\"method\":\""
                + method
                + "\",\"params\":"
                + params
                + "}",
            headers);
    if (r.statusCode() != 200) {
      throw new AssertionError(r.statusCode() + " " + r.body());
    }
    return (Dict) Json.parse(r.body());
  }

  /** The events of an SSE answer, each {@code data:} parsed, read as they come. */
  java.util.Iterator<Dict> stream(HttpRequest.Builder b) {
    try {
      HttpResponse<Stream<String>> r = http.send(b.build(), HttpResponse.BodyHandlers.ofLines());
      return r.body()
          .filter(l -> l.startsWith("data:"))
          .map(l -> (Dict) Json.parse(l.substring(5).strip()))
          .iterator();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Every event of an SSE answer, until the stream ends. */
  List<Dict> events(HttpRequest.Builder b) {
    List<Dict> out = new ArrayList<>();
    stream(b).forEachRemaining(out::add);
    return out;
  }

  @Override
  public void close() {
    gates.values().forEach(CountDownLatch::countDown);
    server.close();
    node.close();
  }
}
