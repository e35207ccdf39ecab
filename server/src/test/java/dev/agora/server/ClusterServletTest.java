package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.chain.ChainKey;
import dev.agora.chain.event.EventSink;
import dev.agora.core.AgoraNode;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.cluster.RemoteRtfs;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ConfigLoader;
import dev.agora.core.doc.Documents;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Manifests;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a node's {@code /cluster/v1/rtfs} takes and refuses (issue 18): only signed requests of a
 * node on the node list, sent lately, for a call not taken before, of a capability it offers with
 * the same content and its policy allows.
 */
@Timeout(60)
class ClusterServletTest {

  @TempDir Path dir;
  AgoraNode node;
  AgoraServer server;
  final HttpClient http = HttpClient.newHttpClient();
  String self;
  ChainKey key;

  @BeforeEach
  void start() throws Exception {
    Path file = dir.resolve("agora.yaml");
    Files.writeString(file, RemoteRtfsTest.CONFIG);
    AgoraConfig cfg = ConfigLoader.load(file);
    node = AgoraNode.open(cfg, EventSink.NONE, l -> {});
    node.marketplace().bootstrap();
    server = AgoraServer.start(node, cfg, l -> {});
    self = server.nodeId(); // the node signs as itself: its key is on the list
    key = node.marketplace().nodeKey();
  }

  @AfterEach
  void stop() {
    server.close();
    node.close();
  }

  RemoteRtfs.Request request(String capability, SecurityContext caller, Instant sent) {
    CapabilityManifest m = node.marketplace().registry().get(capability);
    return new RemoteRtfs.Request(
        self,
        UUID.randomUUID().toString(),
        capability,
        m == null ? "1.0.0" : m.version(),
        m == null ? "" : m.provenance().contentHash(),
        Dict.builder().put("n", Value.of(4)).build(),
        caller,
        UUID.randomUUID().toString(),
        null,
        Duration.ofSeconds(10),
        sent,
        0);
  }

  /** {@code r} for {@code node}, with {@code nonce}, content {@code hash} and {@code depth}. */
  static RemoteRtfs.Request as(
      RemoteRtfs.Request r, String node, String nonce, String hash, int depth) {
    return new RemoteRtfs.Request(
        node,
        nonce,
        r.capability(),
        r.version(),
        hash,
        r.input(),
        r.caller(),
        r.callId(),
        r.planId(),
        r.timeout(),
        r.sent(),
        depth);
  }

  static RemoteRtfs.Reply reply(HttpResponse<String> res) {
    return RemoteRtfs.Reply.from(
        RemoteRtfs.Transfer.RTFS.decode(res.body().getBytes(StandardCharsets.UTF_8)));
  }

  RemoteRtfs.Request request(String capability) {
    return request(capability, SecurityContext.full("ops"), Instant.now());
  }

  HttpResponse<String> post(byte[] body, String type, String node, String signature)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.url()).resolve(RemoteRtfs.PATH))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .header("Content-Type", type);
    if (node != null) {
      b.header(RemoteRtfs.NODE_HEADER, node);
    }
    if (signature != null) {
      b.header(RemoteRtfs.SIGNATURE_HEADER, signature);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> send(byte[] body) throws Exception {
    return post(body, RemoteRtfs.Transfer.RTFS.mediaType(), self, sign(self, body, key));
  }

  HttpResponse<String> send(RemoteRtfs.Request r) throws Exception {
    return send(RemoteRtfs.Transfer.RTFS.encode(r.toValue()));
  }

  static String sign(String sender, byte[] body, ChainKey k) {
    return Base64.getEncoder().encodeToString(k.sign(RemoteRtfs.requestSigned(sender, body)));
  }

  @Test
  void aSignedRequestRunsAndTheReplyIsSignedForItsCall() throws Exception {
    RemoteRtfs.Request r = request("remote.double");
    HttpResponse<String> res = send(r);
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.headers().firstValue(RemoteRtfs.NODE_HEADER)).hasValue(self);
    byte[] body = res.body().getBytes(StandardCharsets.UTF_8);
    byte[] sig =
        Base64.getDecoder()
            .decode(res.headers().firstValue(RemoteRtfs.SIGNATURE_HEADER).orElseThrow());
    assertThat(key.verifier().verify(RemoteRtfs.replySigned(self, r.callId(), body), sig)).isTrue();
    assertThat(key.verifier().verify(RemoteRtfs.replySigned(self, "another", body), sig))
        .as("bound to its call")
        .isFalse();
    RemoteRtfs.Reply reply = RemoteRtfs.Reply.from(RemoteRtfs.Transfer.RTFS.decode(body));
    assertThat(reply.result()).isEqualTo(Dict.builder().put("n", Value.of(8)).build());
    assertThat(send(r).statusCode()).as("the same request again: a replay").isEqualTo(409);
  }

  @Test
  void aFailingRunIsAnsweredWithItsKind() throws Exception {
    HttpResponse<String> res = send(request("remote.fails"));
    assertThat(res.statusCode()).isEqualTo(200);
    RemoteRtfs.Reply reply = reply(res);
    assertThat(reply.failure().kind()).isEqualTo("ProviderError");
    assertThat(reply.failure().message()).endsWith("Division by zero");
  }

  @Test
  void whatIsNotProperlySignedIsRefused() throws Exception {
    byte[] body = RemoteRtfs.Transfer.RTFS.encode(request("remote.double").toValue());
    String rtfs = RemoteRtfs.Transfer.RTFS.mediaType();
    assertThat(post(body, "text/plain", self, sign(self, body, key)))
        .satisfies(r -> assertThat(r.statusCode()).isEqualTo(415));
    assertThat(post(body, rtfs, null, null).body())
        .isEqualTo("a request must name its node (Agora-Node) and be signed");
    assertThat(post(body, rtfs, "stranger", sign("stranger", body, key)).body())
        .isEqualTo("node 'stranger' is not on the node list with a key");
    HttpResponse<String> otherKey =
        post(body, rtfs, self, sign(self, body, ChainKey.generate("x")));
    assertThat(otherKey.statusCode()).isEqualTo(401);
    assertThat(otherKey.body()).startsWith("the signature does not check with node '" + self);
    assertThat(post(body, rtfs, self, "not base64!").body())
        .startsWith("the signature does not read: ");
  }

  @Test
  void aRequestThatDoesNotReadOrIsStaleIsRefused() throws Exception {
    HttpResponse<String> garbage = send("{:capability".getBytes(StandardCharsets.UTF_8));
    assertThat(garbage.statusCode()).isEqualTo(400);
    assertThat(garbage.body()).startsWith("the request does not read: the body is not RTFS");
    HttpResponse<String> stale =
        send(
            request("remote.double", SecurityContext.full("ops"), Instant.now().minusSeconds(120)));
    assertThat(stale.statusCode()).isEqualTo(401);
    assertThat(stale.body()).contains("too far from");
    byte[] huge = new byte[ClusterServlet.MAX_BODY + 1];
    assertThat(send(huge).statusCode()).as("its length says so: not read").isEqualTo(413);
    HttpResponse<String> chunked =
        http.send(
            HttpRequest.newBuilder(URI.create(server.url()).resolve(RemoteRtfs.PATH))
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(huge))) // no length: chunked
                .header("Content-Type", RemoteRtfs.Transfer.RTFS.mediaType())
                .header(RemoteRtfs.NODE_HEADER, self)
                .header(RemoteRtfs.SIGNATURE_HEADER, sign(self, huge, key))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(chunked.statusCode()).as("read until it grows past").isEqualTo(413);
  }

  @Test
  void onlyWhatThisNodeOffersAsItIsAndItsPolicyAllowsRuns() throws Exception {
    HttpResponse<String> absent = send(request("nowhere.cap"));
    assertThat(absent.statusCode()).isEqualTo(404);
    assertThat(absent.body()).isEqualTo("node " + self + " does not offer nowhere.cap");
    RemoteRtfs.Request local = request("math.inc");
    assertThat(send(local).statusCode()).as("not a remote-rtfs capability").isEqualTo(409);
    RemoteRtfs.Request r = request("remote.double");
    RemoteRtfs.Request changed = as(r, r.node(), r.nonce(), "0000", 0);
    HttpResponse<String> differs = send(changed);
    assertThat(differs.statusCode()).isEqualTo(409);
    assertThat(differs.body())
        .isEqualTo("node " + self + " offers another definition of remote.double");
    HttpResponse<String> denied =
        send(
            request("remote.double", SecurityContext.controlled("reader", "crm.*"), Instant.now()));
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(denied.body())
        .isEqualTo("node " + self + "'s policy does not let 'reader' call remote.double");
  }

  @Test
  void aNodeWhoseStoreKeepsNoNodeListTakesNoRuns() throws Exception {
    AgoraConfig cfg =
        ConfigLoader.load(dir.resolve("agora.yaml")).withStorage(AgoraConfig.Storage.MEMORY);
    try (AgoraNode alone = AgoraNode.open(cfg, EventSink.NONE, l -> {});
        AgoraServer s = AgoraServer.start(alone, cfg, l -> {})) {
      assertThat(s.nodeId()).isNull();
      HttpResponse<String> res =
          http.send(
              HttpRequest.newBuilder(URI.create(s.url()).resolve(RemoteRtfs.PATH))
                  .POST(HttpRequest.BodyPublishers.ofString("{}"))
                  .header("Content-Type", RemoteRtfs.Transfer.RTFS.mediaType())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(res.statusCode()).isEqualTo(503);
      assertThat(res.body()).startsWith("this node keeps no node list");
    }
  }

  @Test
  void aRequestSignedForAnotherNodeIsRefused() throws Exception {
    RemoteRtfs.Request r = request("remote.double");
    RemoteRtfs.Request elsewhere = as(r, "agora-other", r.nonce(), r.hash(), 0);
    HttpResponse<String> res = send(elsewhere);
    assertThat(res.statusCode()).isEqualTo(401);
    assertThat(res.body()).isEqualTo("the request was signed for node 'agora-other', not this one");
  }

  @Test
  void aRetryOfTheSameCallIsANewRequestAndADepthPastTheLimitFails() throws Exception {
    RemoteRtfs.Request r = request("remote.double");
    assertThat(send(r).statusCode()).isEqualTo(200);
    RemoteRtfs.Request retry = as(r, r.node(), UUID.randomUUID().toString(), r.hash(), 16);
    HttpResponse<String> deep = send(retry);
    assertThat(deep.statusCode()).as("the same call, another attempt").isEqualTo(200);
    RemoteRtfs.Reply reply = reply(deep);
    assertThat(reply.failure().kind()).isEqualTo("LimitExceeded");
    assertThat(reply.failure().message()).contains("more than 16 deep, across nodes");
  }

  @Test
  void aStoppingNodeAnswersTheRunsItTookBeforeItGoes() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    blocking(started, release);
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<HttpResponse<String>> running = pool.submit(() -> send(request("remote.blocking")));
      assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(server.peers().running()).isEqualTo(1);
      server.peers().stop();
      Future<Boolean> drained = pool.submit(() -> server.peers().drain(Duration.ofSeconds(30)));
      HttpResponse<String> late = send(request("remote.double"));
      assertThat(late.statusCode()).as("sent after the stop").isEqualTo(503);
      assertThatThrownBy(() -> drained.get(200, TimeUnit.MILLISECONDS))
          .as("a run it took is still under way")
          .isInstanceOf(TimeoutException.class);
      release.countDown();
      assertThat(drained.get()).isTrue();
      HttpResponse<String> answered = running.get();
      assertThat(answered.statusCode()).isEqualTo(200);
      assertThat(reply(answered).result()).isEqualTo(Dict.builder().put("n", Value.of(4)).build());
      assertThat(server.peers().running()).isZero();
    }
  }

  /**
   * {@code remote.blocking}: a remote-rtfs capability whose run counts {@code started} down and
   * waits for {@code release}.
   */
  private void blocking(CountDownLatch started, CountDownLatch release) {
    node.marketplace()
        .registerLocal(
            manifest("id: test.block\nprovider: {type: local}\n"),
            (input, call) -> {
              started.countDown();
              release.await();
              return input;
            },
            false,
            "test");
    node.marketplace()
        .register(
            manifest(
                "id: remote.blocking\n"
                    + "provider: {type: remote-rtfs, implementation: \"(fn [x] (call :test.block"
                    + " x))\"}\n"),
            "test");
  }

  @Test
  void aBurstPastWhatItTakesAtOnceIsToldItIsBusy() throws Exception {
    int most = ClusterServlet.MAX_AT_ONCE;
    CountDownLatch started = new CountDownLatch(most);
    CountDownLatch release = new CountDownLatch(1);
    blocking(started, release);
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<HttpResponse<String>>> burst = new ArrayList<>();
      for (int i = 0; i < most; i++) {
        burst.add(pool.submit(() -> send(request("remote.blocking"))));
      }
      assertThat(started.await(60, TimeUnit.SECONDS)).as("all %d running", most).isTrue();
      HttpResponse<String> one = send(request("remote.double"));
      assertThat(one.statusCode()).isEqualTo(503);
      assertThat(one.body()).isEqualTo("node " + self + " is busy: " + most + " requests at once");
      release.countDown();
      for (Future<HttpResponse<String>> f : burst) {
        assertThat(f.get().statusCode()).isEqualTo(200);
      }
      assertThat(send(request("remote.double")).statusCode()).as("room again").isEqualTo(200);
    }
  }

  static CapabilityManifest manifest(String yaml) {
    return Manifests.parse(Documents.parse(yaml, "m.yaml", Documents.Format.YAML))
        .manifests()
        .getFirst();
  }

  @Test
  void aStoppingNodeTakesNoMoreRuns() throws Exception {
    server.peers().stop();
    HttpResponse<String> res = send(request("remote.double"));
    assertThat(res.statusCode()).isEqualTo(503);
    assertThat(res.body()).isEqualTo("node " + self + " is stopping");
  }
}
