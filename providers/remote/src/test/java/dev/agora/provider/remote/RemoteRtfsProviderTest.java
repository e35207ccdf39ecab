package dev.agora.provider.remote;

import static dev.agora.provider.remote.Fixtures.onCluster;
import static dev.agora.provider.remote.Fixtures.onUrls;
import static dev.agora.provider.remote.Fixtures.ran;
import static dev.agora.provider.remote.Fixtures.remoteNote;
import static dev.agora.provider.remote.Fixtures.rtfs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.agora.chain.ChainKey;
import dev.agora.core.call.policy.Egress;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.cluster.RemoteRtfs;
import dev.agora.core.error.AgoraError;
import dev.agora.core.error.Fault;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Provenance;
import dev.agora.core.spi.NodeStore;
import dev.agora.core.spi.Provider;
import dev.agora.rtfs.Value;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The remote-rtfs provider against real peers on loopback: what it sends, what it makes of every
 * kind of answer, and each way an answer is refused.
 */
class RemoteRtfsProviderTest {

  private static final Value INPUT = rtfs("{:name \"ada\" :tags [:x :y] :n 3}");

  /** {@code r.echo} sent as RTFS text: for answers written by hand. */
  private static final CapabilityManifest TEXT = onCluster(", transfer: rtfs");

  private final TestCluster cluster = new TestCluster("home");
  private final RemoteRtfsProvider provider = new RemoteRtfsProvider();
  private final List<PeerNode> peers = new ArrayList<>();
  private PeerNode b;

  @BeforeEach
  void start() throws IOException {
    provider.cluster(cluster);
    b = peer("b");
    cluster.peer(b.node(0));
  }

  @AfterEach
  void stop() {
    peers.forEach(PeerNode::close);
  }

  private PeerNode peer(String id) throws IOException {
    PeerNode p = new PeerNode(id, cluster.self, cluster.key.verifier());
    peers.add(p);
    return p;
  }

  private AgoraError fails(CapabilityManifest m, TestCall call) {
    Throwable t = catchThrowable(() -> provider.execute(m, INPUT, call));
    assertThat(t).as("the call should fail with an AgoraError").isInstanceOf(AgoraError.class);
    return (AgoraError) t;
  }

  /** The ProviderError of a call to {@code r.echo} on b answering with {@code answer}. */
  private AgoraError.ProviderError answeredWith(PeerNode.Answer answer) {
    b.answer = answer;
    TestCall call = new TestCall("r.echo");
    AgoraError e = fails(onCluster(), call);
    assertThat(e).isInstanceOf(AgoraError.ProviderError.class);
    assertThat(b.received).hasSize(1);
    return (AgoraError.ProviderError) e;
  }

  /** {@code r.echo} built in code with {@code transfer}, as no manifest file could have it. */
  private static CapabilityManifest built(Value transfer) {
    return CapabilityManifest.builder("r.echo")
        .provider(
            new dev.agora.core.manifest.ProviderSpec.RemoteRtfs(
                List.of(),
                dev.agora.rtfs.Dict.builder()
                    .put("implementation", Value.of("(fn [x] x)"))
                    .put("transfer", transfer)
                    .build()))
        .build();
  }

  /** A refused answer: the provider's fault, not transient, nothing noted. */
  private void refusedAnswer(PeerNode.Answer answer, String message) {
    refusedAnswer(onCluster(), answer, message);
  }

  /** The same, for a call to {@code m}. */
  private void refusedAnswer(CapabilityManifest m, PeerNode.Answer answer, String message) {
    b.answer = answer;
    TestCall call = new TestCall("r.echo");
    AgoraError e = fails(m, call);
    assertThat(e)
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessage("capability 'r.echo' failed: node b: " + message);
    assertThat(((AgoraError.ProviderError) e).isTransient()).isFalse();
    assertThat(e.fault()).isEqualTo(Fault.PROVIDER);
    assertThat(call.notes()).as("nothing of a refused answer is noted").isEmpty();
  }

  // ---- what it is ----

  @Test
  void is_the_remote_rtfs_provider_and_keeps_its_deadline() {
    assertThat(provider.type()).isEqualTo("remote-rtfs");
    assertThat(provider.serves("remote-rtfs")).isTrue();
    assertThat(provider.serves("local")).isFalse();
    assertThat(provider.keepsDeadline(onCluster())).isTrue();
    assertThat(provider.inline(onCluster())).isFalse();
  }

  @Test
  void is_found_by_the_service_loader() {
    assertThat(ServiceLoader.load(Provider.class).stream().map(ServiceLoader.Provider::type))
        .contains(RemoteRtfsProvider.class);
  }

  // ---- success ----

  @Test
  void runs_on_a_cluster_peer_and_notes_its_node_and_children() throws Exception {
    TestCall call = new TestCall("r.echo");
    Instant before = Instant.now();

    Value result = provider.execute(onCluster(), INPUT, call);

    assertThat(result).isEqualTo(ran(INPUT, "b"));
    assertThat(call.notes())
        .containsExactly(Map.entry("node", Value.of("b")), Map.entry("remote", remoteNote("b")));
    assertThat(b.received).hasSize(1);
    PeerNode.Received r = b.received.getFirst();
    assertThat(r.path()).isEqualTo("/cluster/v1/rtfs");
    assertThat(r.sender()).isEqualTo("home");
    assertThat(r.transfer()).as("binary by default").isEqualTo(RemoteRtfs.Transfer.BINARY);
    assertThat(r.contentType()).isEqualTo("application/vnd.agora.rtfs-binary");
    assertThat(r.accept()).isEqualTo("application/vnd.agora.rtfs-binary");
    RemoteRtfs.Request q = r.request();
    assertThat(q.capability()).isEqualTo("r.echo");
    assertThat(q.version()).isEqualTo("1.0.0");
    assertThat(q.hash()).as("no provenance: no hash").isEmpty();
    assertThat(q.input()).isEqualTo(INPUT);
    assertThat(q.caller()).isEqualTo(SecurityContext.full("t"));
    assertThat(q.callId()).isEqualTo(call.callId());
    assertThat(q.planId()).isEqualTo("plan-7");
    assertThat(q.timeout()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(20));
    assertThat(q.timeout()).isGreaterThan(Duration.ofSeconds(10));
    assertThat(q.sent()).isBetween(before.truncatedTo(ChronoUnit.MILLIS), Instant.now());
  }

  @Test
  void sends_the_content_hash_of_a_registered_manifest() throws Exception {
    CapabilityManifest m =
        onCluster().withProvenance(new Provenance("test", "abc123", Instant.now()));
    provider.execute(m, INPUT, new TestCall("r.echo"));
    assertThat(b.received.getFirst().request().hash()).isEqualTo("abc123");
  }

  @Test
  void json_transfer_turns_keywords_into_strings() throws Exception {
    TestCall call = new TestCall("r.echo");
    Value result = provider.execute(onCluster(", transfer: json"), INPUT, call);

    Value asJson = rtfs("{:name \"ada\" :tags [\"x\" \"y\"] :n 3}");
    assertThat(result).isEqualTo(ran(asJson, "b"));
    assertThat(b.received.getFirst().transfer()).isEqualTo(RemoteRtfs.Transfer.JSON);
    assertThat(b.received.getFirst().contentType()).isEqualTo("application/json");
    assertThat(b.received.getFirst().accept()).isEqualTo("application/json");
    assertThat(b.received.getFirst().request().input()).isEqualTo(asJson);
    assertThat(call.note("remote")).isEqualTo(remoteNote("b"));
  }

  @Test
  void the_transfer_may_be_named_in_any_case() throws Exception {
    provider.execute(onCluster(", transfer: RTFS"), INPUT, new TestCall("r.echo"));
    provider.execute(onCluster(", transfer: Json"), INPUT, new TestCall("r.echo"));
    assertThat(b.received.stream().map(PeerNode.Received::transfer))
        .containsExactly(RemoteRtfs.Transfer.RTFS, RemoteRtfs.Transfer.JSON);
  }

  @Test
  void an_rtfs_manifest_names_its_transfer_with_a_keyword() throws Exception {
    CapabilityManifest m =
        dev.agora.core.manifest.Manifests.parse(
                dev.agora.core.doc.Documents.parse(
                    "(capability \"r.echo\" :provider {:type :remote-rtfs"
                        + " :implementation \"(fn [x] x)\" :transfer :json})",
                    "m.rtfs",
                    dev.agora.core.doc.Documents.Format.RTFS))
            .manifests()
            .getFirst();
    provider.execute(m, INPUT, new TestCall("r.echo"));
    assertThat(b.received.getFirst().transfer()).isEqualTo(RemoteRtfs.Transfer.JSON);
  }

  @Test
  void an_unknown_transfer_is_refused_before_anything_is_sent() {
    // Manifests refuses it at load; a manifest made in code meets the provider's own check
    AgoraError xml = fails(built(Value.of("xml")), new TestCall("r.echo"));
    assertThat(xml)
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessage(
            "capability 'r.echo' failed: unknown transfer \"xml\"; use binary, rtfs or json");
    assertThat(xml.fault()).isEqualTo(Fault.CALLER);
    AgoraError number = fails(built(Value.of(3)), new TestCall("r.echo"));
    assertThat(number).hasMessageContaining("unknown transfer 3; use binary, rtfs or json");
    assertThat(b.hits).hasValue(0);
  }

  // ---- no cluster, no nodes ----

  @Test
  void without_a_cluster_it_refuses_and_says_to_serve() {
    RemoteRtfsProvider alone = new RemoteRtfsProvider();
    AgoraError e =
        catchThrowableOfType(
            AgoraError.ProviderError.class,
            () -> alone.execute(onCluster(), INPUT, new TestCall("r.echo")));
    assertThat(e)
        .hasMessageStartingWith("capability 'r.echo' failed: a remote-rtfs capability runs on a")
        .hasMessageContaining("'agora serve'");
    assertThat(e.fault()).isEqualTo(Fault.CALLER);
    assertThat(((AgoraError.ProviderError) e).isTransient()).isFalse();
    assertThat(b.hits).hasValue(0);
  }

  @Test
  void no_peer_on_the_node_list_is_a_transient_failure() {
    cluster.peers.clear();
    AgoraError e = fails(onCluster(), new TestCall("r.echo"));
    assertThat(e)
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessage(
            "capability 'r.echo' failed: no peer node is on the node list to run it (agora nodes"
                + " lists them)");
    assertThat(((AgoraError.ProviderError) e).isTransient()).isTrue();
    assertThat(e.fault()).isEqualTo(Fault.PROVIDER);
  }

  // ---- nodes by URL, through the egress guard ----

  @Test
  void listed_urls_go_through_the_egress_guard_and_are_found_on_the_node_list() throws Exception {
    TestCall call = new TestCall("r.echo", Duration.ofSeconds(20), TestCall.LOOPBACK);

    Value result = provider.execute(onUrls(b.url()), INPUT, call);

    assertThat(result).isEqualTo(ran(INPUT, "b"));
    assertThat(call.notes())
        .containsExactly(Map.entry("node", Value.of("b")), Map.entry("remote", remoteNote("b")));
    assertThat(b.received).hasSize(1);
  }

  @Test
  void the_default_egress_refuses_a_loopback_node_url() {
    AgoraError e = fails(onUrls(b.url()), new TestCall("r.echo"));
    assertThat(e)
        .isInstanceOf(AgoraError.AccessDenied.class)
        .hasMessageContaining("host '127.0.0.1' resolves to")
        .hasMessageContaining("loopback address 127.0.0.1; list it under policy.egress.private");
    assertThat(((AgoraError.AccessDenied) e).rule()).isEqualTo("policy.egress");
    assertThat(b.hits).hasValue(0);
  }

  @Test
  void every_listed_url_is_checked_before_any_is_called() {
    AgoraError e =
        fails(
            onUrls(b.url(), "http://10.0.0.5:8420/mcp"),
            new TestCall("r.echo", Duration.ofSeconds(20), TestCall.LOOPBACK));
    assertThat(e)
        .isInstanceOf(AgoraError.AccessDenied.class)
        .hasMessageContaining("host '10.0.0.5' resolves to")
        .hasMessageContaining("private address 10.0.0.5");
    assertThat(b.hits).hasValue(0);
  }

  @Test
  void a_listed_url_no_node_on_the_list_has_is_passed_over_saying_so() {
    cluster.peers.clear();
    TestCall call = new TestCall("r.echo", Duration.ofSeconds(20), TestCall.LOOPBACK);
    AgoraError e = fails(onUrls(b.url()), call);
    assertThat(e)
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessage(
            "capability 'r.echo' failed: no node could take it: "
                + b.url()
                + ": no node on the node list is at this URL");
    assertThat(((AgoraError.ProviderError) e).isTransient()).isTrue();
    assertThat(b.hits).as("a URL is not a node: nothing is signed for it").hasValue(0);
    assertThat(call.notes()).isEmpty();
  }

  // ---- statuses ----

  @ParameterizedTest
  @ValueSource(ints = {500, 502, 504})
  void a_server_error_is_a_transient_failure(int status) {
    AgoraError.ProviderError e = answeredWith(PeerNode.status(status, "boom\n"));
    assertThat(e).hasMessage("capability 'r.echo' failed: node b answered " + status + ": boom");
    assertThat(e.isTransient()).isTrue();
    assertThat(e.fault()).isEqualTo(Fault.PROVIDER);
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 401, 403, 415})
  void a_client_error_is_the_callers_to_mend(int status) {
    AgoraError.ProviderError e = answeredWith(PeerNode.status(status, "not from you"));
    assertThat(e)
        .hasMessage("capability 'r.echo' failed: node b refused: " + status + " not from you");
    assertThat(e.isTransient()).isFalse();
    assertThat(e.fault()).isEqualTo(Fault.CALLER);
  }

  @Test
  void an_answer_larger_than_the_limit_is_refused_unread() throws Exception {
    RemoteRtfsProvider small = new RemoteRtfsProvider(java.time.Clock.systemUTC(), 1024);
    small.cluster(cluster);
    b.answer = PeerNode.status(200, "x".repeat(4096));
    Throwable t = catchThrowable(() -> small.execute(onCluster(), INPUT, new TestCall("r.echo")));
    assertThat(t)
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessage("capability 'r.echo' failed: node b answered more than 1024 bytes");
    b.answer = PeerNode.chunked(4096); // no length: counted as it comes
    t = catchThrowable(() -> small.execute(onCluster(), INPUT, new TestCall("r.echo")));
    assertThat(t)
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessage("capability 'r.echo' failed: node b answered more than 1024 bytes");
    small.close();
  }

  @Test
  void a_refusal_without_a_body_says_so_and_a_long_one_is_cut() {
    assertThat(answeredWith(PeerNode.status(403, "")))
        .hasMessage("capability 'r.echo' failed: node b refused: 403 (no body)");
    b.received.clear();
    String long1 = "x".repeat(299) + "yz" + "w".repeat(700);
    assertThat(answeredWith(PeerNode.status(400, long1)))
        .hasMessage("capability 'r.echo' failed: node b refused: 400 " + "x".repeat(299) + "y");
  }

  @Test
  void a_request_the_peer_cannot_check_is_refused_by_it() {
    // the peer expects requests from "home" signed with home's key; this cluster signs with another
    TestCluster impostor = new TestCluster("home");
    impostor.peer(b.node(0));
    provider.cluster(impostor);
    AgoraError e = fails(onCluster(), new TestCall("r.echo"));
    assertThat(e).hasMessage("capability 'r.echo' failed: node b refused: 401 bad signature");
    assertThat(b.received).isEmpty();
    assertThat(b.hits).hasValue(1);
  }

  // ---- answers that are not believed ----

  @Test
  void an_unsigned_answer_is_refused() {
    refusedAnswer(
        (peer, ex, r) -> {
          byte[] body = r.transfer().encode(peer.reply(r.request()).toValue());
          peer.send(ex, 200, r.transfer(), peer.id, null, body);
        },
        "its answer's signature does not check with its key");
  }

  @Test
  void an_answer_signed_with_another_key_is_refused() {
    ChainKey other = ChainKey.generate("b");
    refusedAnswer(
        (peer, ex, r) -> {
          byte[] body = r.transfer().encode(peer.reply(r.request()).toValue());
          String sig =
              java.util.Base64.getEncoder()
                  .encodeToString(
                      other.sign(RemoteRtfs.replySigned("b", r.request().callId(), body)));
          peer.send(ex, 200, r.transfer(), peer.id, sig, body);
        },
        "its answer's signature does not check with its key");
  }

  @Test
  void an_answer_signed_for_another_call_is_refused() {
    refusedAnswer(
        (peer, ex, r) -> {
          byte[] body = r.transfer().encode(peer.reply(r.request()).toValue());
          peer.send(ex, 200, r.transfer(), peer.id, peer.sign("call-other", body), body);
        },
        "its answer's signature does not check with its key");
  }

  @Test
  void an_answer_whose_body_was_changed_after_signing_is_refused() {
    refusedAnswer(
        (peer, ex, r) -> {
          byte[] body = r.transfer().encode(peer.reply(r.request()).toValue());
          String sig = peer.sign(r.request().callId(), body);
          byte[] changed =
              new String(body, StandardCharsets.UTF_8)
                  .replace("ada", "eve")
                  .getBytes(StandardCharsets.UTF_8);
          peer.send(ex, 200, r.transfer(), peer.id, sig, changed);
        },
        "its answer's signature does not check with its key");
  }

  @Test
  void a_signature_that_is_not_base64_does_not_read() {
    b.answer =
        (peer, ex, r) -> {
          byte[] body = r.transfer().encode(peer.reply(r.request()).toValue());
          peer.send(ex, 200, r.transfer(), peer.id, "%%not base64%%", body);
        };
    TestCall call = new TestCall("r.echo");
    assertThat(fails(onCluster(), call))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageStartingWith(
            "capability 'r.echo' failed: node b: its answer's signature does not read: ");
    assertThat(call.notes()).isEmpty();
  }

  @Test
  void a_key_on_the_node_list_that_does_not_read_is_named() {
    NodeStore.Node listed = b.node(0);
    cluster.peers.clear();
    cluster.peer(
        new NodeStore.Node(
            "b", listed.url(), listed.started(), listed.seen(), 0, "garbage-not-a-key"));
    refusedAnswer(
        PeerNode.REPLY,
        "its answer's signature does not read: not a verifier key: expected <name>+<hash>+<key>");
  }

  @Test
  void an_answer_as_another_node_is_refused_even_if_that_node_signed_it() throws IOException {
    PeerNode c = peer("c");
    cluster.know(c.node(0)); // c's key is known: its signature checks, but b was asked
    refusedAnswer(
        (peer, ex, r) -> {
          byte[] body = r.transfer().encode(c.reply(r.request()).toValue());
          peer.send(ex, 200, r.transfer(), "c", c.sign(r.request().callId(), body), body);
        },
        "it answered as node 'c'");
  }

  @Test
  void an_answer_that_names_no_node_is_refused() {
    refusedAnswer(
        (peer, ex, r) -> {
          byte[] body = r.transfer().encode(peer.reply(r.request()).toValue());
          peer.send(ex, 200, r.transfer(), null, peer.sign(r.request().callId(), body), body);
        },
        "it answered as node 'null'");
  }

  @Test
  void a_peer_listed_without_a_key_is_not_believed() {
    NodeStore.Node listed = b.node(0);
    cluster.peers.clear();
    cluster.peer(new NodeStore.Node("b", listed.url(), listed.started(), listed.seen(), 0));
    refusedAnswer(PeerNode.REPLY, "node 'b' has no key on the node list to check its answer");
  }

  @Test
  void a_signed_body_that_is_not_binary_does_not_read() {
    refusedAnswer(
        signedBody("[1 2 3]"),
        "its answer does not read: the body is not BINARY: unknown format 0x5b (this decoder"
            + " reads 0x01) at byte 0");
  }

  @Test
  void a_signed_body_that_is_not_rtfs_does_not_read() {
    refusedAnswer(
        TEXT,
        signedBody("{:node \"b\" :call"),
        "its answer does not read: the body is not RTFS: " + messageOf("{:node \"b\" :call"));
  }

  @Test
  void a_signed_body_that_is_not_a_map_does_not_read() {
    refusedAnswer(
        TEXT,
        signedBody("[1 2 3]"),
        "its answer does not read: the body is [1 2 3] (vector), not a map");
  }

  @Test
  void a_signed_reply_with_neither_result_nor_error_does_not_read() {
    b.answer =
        (peer, ex, r) -> {
          byte[] body =
              ("{:node \"b\" :call \"" + r.request().callId() + "\" :children []}")
                  .getBytes(StandardCharsets.UTF_8);
          peer.send(ex, 200, r.transfer(), peer.id, peer.sign(r.request().callId(), body), body);
        };
    TestCall call = new TestCall("r.echo");
    assertThat(fails(TEXT, call))
        .hasMessage(
            "capability 'r.echo' failed: node b: its answer does not read: the reply has neither"
                + " 'result' nor 'error'");
  }

  @Test
  void a_signed_answer_to_another_call_is_refused() {
    refusedAnswer(
        (peer, ex, r) -> {
          RemoteRtfs.Reply other =
              new RemoteRtfs.Reply("b", "call-other", Value.of(1), null, List.of());
          byte[] body = r.transfer().encode(other.toValue());
          peer.send(ex, 200, r.transfer(), peer.id, peer.sign(r.request().callId(), body), body);
        },
        "it answered call call-other");
  }

  private static PeerNode.Answer signedBody(String text) {
    return (peer, ex, r) -> {
      byte[] body = text.getBytes(StandardCharsets.UTF_8);
      peer.send(ex, 200, r.transfer(), peer.id, peer.sign(r.request().callId(), body), body);
    };
  }

  /** What decoding {@code text} as RTFS says, after "the body is not RTFS: ". */
  private static String messageOf(String text) {
    try {
      RemoteRtfs.Transfer.RTFS.decode(text.getBytes(StandardCharsets.UTF_8));
      throw new AssertionError("expected " + text + " not to read");
    } catch (dev.agora.core.cluster.RemoteRtfsException e) {
      return e.getMessage().substring("the body is not RTFS: ".length());
    }
  }

  // ---- failures on the peer ----

  private PeerNode.Answer failing(String kind, String message, boolean callerFault) {
    return failing(kind, message, callerFault, false);
  }

  private PeerNode.Answer failing(
      String kind, String message, boolean callerFault, boolean isTransient) {
    return (peer, ex, r) -> {
      RemoteRtfs.Reply reply =
          new RemoteRtfs.Reply(
              "b",
              r.request().callId(),
              null,
              new RemoteRtfs.Failure(kind, message, callerFault, isTransient),
              List.of("b-child-1", "b-child-2"));
      byte[] body = r.transfer().encode(reply.toValue());
      peer.send(ex, 200, r.transfer(), peer.id, peer.sign(r.request().callId(), body), body);
    };
  }

  @Test
  void a_timeout_on_the_peer_is_a_timeout_here() {
    b.answer = failing("Timeout", "capability 'r.echo' did not finish within 2s", false);
    TestCall call = new TestCall("r.echo", Duration.ofSeconds(17), Egress.DEFAULT);
    AgoraError e = fails(onCluster(), call);
    assertThat(e).isInstanceOf(AgoraError.Timeout.class);
    assertThat(((AgoraError.Timeout) e).deadline()).isEqualTo(Duration.ofSeconds(17));
    assertThat(e.capabilityId()).isEqualTo("r.echo");
    assertThat(call.notes())
        .as("the peer's node and children are noted however it failed")
        .containsExactly(Map.entry("node", Value.of("b")), Map.entry("remote", remoteNote("b")));
  }

  @Test
  void a_transient_failure_on_the_peer_stays_transient_here() {
    b.answer = failing("ProviderError", "the upstream was away", false, true);
    AgoraError e = fails(onCluster(), new TestCall("r.echo"));
    assertThat(e).isInstanceOf(AgoraError.ProviderError.class);
    assertThat(((AgoraError.ProviderError) e).isTransient()).isTrue();
  }

  @Test
  void each_attempt_is_signed_for_its_node_with_a_nonce_of_its_own() throws Exception {
    provider.execute(onCluster(), INPUT, new TestCall("r.echo"));
    provider.execute(onCluster(), INPUT, new TestCall("r.echo"));
    assertThat(b.received).extracting(r -> r.request().node()).containsOnly("b");
    assertThat(b.received.get(0).request().nonce())
        .hasSize(32)
        .isNotEqualTo(b.received.get(1).request().nonce());
    assertThat(b.received.getFirst().request().depth()).as("not inside an implementation").isZero();
  }

  @Test
  void a_failure_that_was_the_callers_fault_is_refused() {
    b.answer = failing("InvalidInput", "the name is too long", true);
    TestCall call = new TestCall("r.echo");
    AgoraError e = fails(onCluster(), call);
    assertThat(e)
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessage("capability 'r.echo' failed: on node b: the name is too long");
    assertThat(e.fault()).isEqualTo(Fault.CALLER);
    assertThat(((AgoraError.ProviderError) e).isTransient()).isFalse();
    assertThat(call.note("node")).isEqualTo(Value.of("b"));
  }

  @Test
  void another_failure_is_the_providers() {
    b.answer = failing("ProviderError", "division by zero", false);
    TestCall call = new TestCall("r.echo");
    AgoraError e = fails(onCluster(), call);
    assertThat(e)
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessage("capability 'r.echo' failed: on node b: division by zero");
    assertThat(e.fault()).isEqualTo(Fault.PROVIDER);
    assertThat(((AgoraError.ProviderError) e).isTransient()).isFalse();
    assertThat(call.note("remote")).isEqualTo(remoteNote("b"));
  }

  // ---- deadlines and broken connections ----

  @Test
  void a_peer_that_does_not_answer_by_the_deadline_is_a_timeout() {
    b.answer = PeerNode.hang();
    TestCall call = new TestCall("r.echo", Duration.ofMillis(300), TestCall.LOOPBACK);
    long start = System.nanoTime();
    AgoraError e = fails(onCluster(), call);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(e).isInstanceOf(AgoraError.Timeout.class).hasMessageContaining("300");
    assertThat(((AgoraError.Timeout) e).deadline()).isEqualTo(Duration.ofMillis(300));
    assertThat(took).as("it kept the deadline").isLessThan(Duration.ofSeconds(5));
    assertThat(b.received).hasSize(1);
    assertThat(b.received.getFirst().request().timeout())
        .isPositive()
        .isLessThanOrEqualTo(Duration.ofMillis(300));
    assertThat(call.notes()).isEmpty();
  }

  @Test
  void a_deadline_already_passed_is_a_timeout_before_anything_is_sent() {
    TestCall call = new TestCall("r.echo", Duration.ofMillis(-1), TestCall.LOOPBACK);
    AgoraError e = fails(onCluster(), call);
    assertThat(e).isInstanceOf(AgoraError.Timeout.class);
    assertThat(b.hits).hasValue(0);
  }

  @Test
  void a_deadline_reached_exactly_is_a_timeout() {
    TestCall call =
        new TestCall("r.echo", Duration.ofSeconds(1), TestCall.LOOPBACK) {
          @Override
          public Duration remaining() {
            return Duration.ZERO;
          }
        };
    AgoraError e = fails(onCluster(), call);
    assertThat(e).isInstanceOf(AgoraError.Timeout.class);
    assertThat(((AgoraError.Timeout) e).deadline()).isEqualTo(Duration.ofSeconds(1));
    assertThat(b.hits).hasValue(0);
  }

  @Test
  void a_connection_closed_before_the_answer_is_a_transient_failure() {
    AgoraError.ProviderError e = answeredWith(PeerNode.hangUp());
    assertThat(e).hasMessageStartingWith("capability 'r.echo' failed: node b did not answer: ");
    assertThat(e.isTransient()).isTrue();
    assertThat(e.fault()).isEqualTo(Fault.PROVIDER);
    assertThat(b.hits).as("a call that reached a node is not sent again").hasValue(1);
  }

  @Test
  void an_answer_cut_short_is_a_transient_failure() {
    AgoraError.ProviderError e = answeredWith(PeerNode.cutShort());
    assertThat(e).hasMessageStartingWith("capability 'r.echo' failed: node b did not answer: ");
    assertThat(e.isTransient()).isTrue();
    assertThat(b.hits).hasValue(1);
  }
}
