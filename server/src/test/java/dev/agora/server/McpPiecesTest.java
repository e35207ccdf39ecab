package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.agora.chain.event.EventSink;
import dev.agora.core.AgoraNode;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.error.AgoraError;
import dev.agora.core.json.Json;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The gateway's parts on their own: messages, a client's link to its call, the catalog's forms. */
@Timeout(60)
class McpPiecesTest {

  private static Rpc.Invalid invalid(String json) {
    return catchThrowableOfType(
        Rpc.Invalid.class, () -> Rpc.parse(json.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void messagesAreClassifiedAndEveryMalformedOneSaysWhy() throws Exception {
    assertThat(Rpc.parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}".getBytes()))
        .isEqualTo(new Rpc.Request(Value.of(1), "ping", Dict.EMPTY));
    assertThat(Rpc.parse("{\"jsonrpc\":\"2.0\",\"method\":\"n\",\"params\":null}".getBytes()))
        .isEqualTo(new Rpc.Notification("n", Dict.EMPTY));
    assertThat(Rpc.parse("{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"result\":{}}".getBytes()))
        .isInstanceOf(Rpc.Response.class);
    assertThat(invalid("42").getMessage()).contains("(it is an object)");
    assertThat(invalid("[{}]").getMessage()).contains("a batch");
    assertThat(invalid("{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"m\"}").getMessage())
        .contains("an id is a string or number");
    assertThat(invalid("{\"jsonrpc\":\"2.0\",\"id\":1e999,\"method\":\"m\"}").id)
        .as("a number JSON cannot write back is no id")
        .isEqualTo(Value.NIL);
    Rpc.Invalid noResult = invalid("{\"jsonrpc\":\"2.0\",\"id\":3}");
    assertThat(noResult.id).isEqualTo(Value.of(3));
    assertThat(noResult.getMessage()).contains("a method, or an id and one of result or error");
    assertThat(invalid("{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":1,\"error\":{}}").code)
        .isEqualTo(Rpc.INVALID_REQUEST);
    assertThat(invalid("{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":7}").code)
        .isEqualTo(Rpc.INVALID_REQUEST);
    assertThat(invalid("{\"jsonrpc\":\"2.0\",\"result\":7}").code).isEqualTo(Rpc.INVALID_REQUEST);
    assertThat(invalid("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":5}").getMessage())
        .contains("method must be a string");
    Rpc.Invalid params = invalid("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"m\",\"params\":[1]}");
    assertThat(params.code).isEqualTo(Rpc.INVALID_PARAMS);
    assertThat(params.getMessage()).endsWith("found an array");
    assertThat(Rpc.parse("{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}".getBytes()))
        .as("a fractional id is still an id")
        .isEqualTo(new Rpc.Request(Value.of(1.5), "ping", Dict.EMPTY));
    assertThat(
            List.of(
                Rpc.type(null),
                Rpc.type(Value.NIL),
                Rpc.type(Value.TRUE),
                Rpc.type(Value.of(1)),
                Rpc.type(Value.of("s")),
                Rpc.type(Dict.EMPTY),
                Rpc.type(Value.of(0.5))))
        .containsExactly(
            "nothing", "null", "a boolean", "a number", "a string", "an object", "a number");
    assertThat(Json.write(Rpc.error(null, Rpc.INVALID_REQUEST, "m", null)))
        .as("no id: null, as JSON-RPC says")
        .isEqualTo(
            "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"m\"}}");
    assertThat(
            Json.write(
                Rpc.obj("i", 1, "l", 2L, "d", 0.5, "b", true, "list", List.of(1), "nil", null)))
        .isEqualTo("{\"i\":1,\"l\":2,\"d\":0.5,\"b\":true,\"list\":[1]}");
    assertThat(new Rpc.Failure(1, "m").data).isNull();
  }

  /** A channel that keeps what is sent, and can be made to refuse. */
  static final class Kept implements Channel {
    final List<Dict> sent = new CopyOnWriteArrayList<>();
    final Semaphore sends = new Semaphore(0);
    volatile boolean open = true;

    @Override
    public boolean send(Dict message) {
      sent.add(message);
      sends.release();
      return open;
    }
  }

  private static String refusal(ClientLink link, String method) {
    return catchThrowableOfType(
            AgoraError.ProviderError.class,
            () -> link.request(method, Dict.EMPTY, Duration.ofSeconds(5)))
        .getMessage();
  }

  @Test
  void aLinkAsksOnlyAClientThatCanAnswerAndSaysWhyNot() throws Exception {
    Peer peer = new Peer(SecurityContext.full("op"), null, 4);
    peer.capabilities = (Dict) Json.parse("{\"sampling\":{},\"elicitation\":{}}");
    Kept channel = new Kept();
    assertThat(refusal(new ClientLink(peer, channel, null, true), "sampling/createMessage"))
        .contains("cannot be put to a 2026-07-28 client");
    ClientLink link = new ClientLink(peer, channel, null, false);
    assertThat(refusal(link, "tools/call")).contains("is not a request Agora passes");
    assertThat(refusal(link, "roots/list")).contains("needs a client that declared 'roots'");
    assertThat(new ClientLink(peer, Channel.NONE, null, false).supports("sampling")).isFalse();
    link.progress(1, null, null);
    assertThat(channel.sent).as("no token: no progress").isEmpty();

    channel.open = false;
    assertThat(refusal(link, "sampling/createMessage")).contains("the client is gone");
    channel.open = true;

    Thread answering =
        Thread.ofVirtual()
            .start(
                () -> {
                  channel.sends.acquireUninterruptibly(2); // the refused one, then this question
                  Value asked = Rpc.field(channel.sent.getLast(), "id");
                  assertThat(((Value.Str) asked).value()).matches("agora-[0-9a-f]+-2");
                  peer.answered(
                      new Rpc.Response(
                          asked, null, Rpc.obj("code", -1, "message", "no model here")));
                });
    assertThat(refusal(link, "sampling/createMessage"))
        .endsWith("the client refused sampling/createMessage: no model here");
    answering.join();
    assertThat(
            catchThrowableOfType(
                    AgoraError.ProviderError.class,
                    () -> link.request("elicitation/create", Dict.EMPTY, Duration.ofMillis(1)))
                .getMessage())
        .contains("did not answer elicitation/create within");

    CountDownLatch asked = new CountDownLatch(1);
    Channel signalling =
        m -> {
          asked.countDown();
          return true;
        };
    ClientLink waiting = new ClientLink(peer, signalling, null, false);
    Thread ended =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    asked.await();
                  } catch (InterruptedException e) {
                    return;
                  }
                  peer.cancelAll(); // the session ends while the question is open
                });
    assertThat(refusal(waiting, "sampling/createMessage")).contains("the client's session ended");
    ended.join();
    Thread.currentThread().interrupt();
    assertThat(refusal(waiting, "sampling/createMessage")).contains("was cancelled");
    assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
    peer.answered(new Rpc.Response(Value.of("nobody-waits"), Value.TRUE, null));
  }

  @Test
  void aPeerCancelsByIdWhateverItsSpellingAndDrainsWhatRuns() throws Exception {
    Peer peer = new Peer(SecurityContext.full("op"), null, 1);
    Peer.Running r = peer.start(Value.of(9));
    assertThat(peer.start(Value.of(10))).as("one slot").isNull();
    assertThat(peer.drain(Duration.ofMillis(1))).isFalse();
    peer.cancel(Value.of("x")); // unknown: ignored
    peer.cancel(Value.of("nine"));
    assertThat(r.cancelled).isFalse();
    peer.cancel(Value.of("9"));
    assertThat(r.cancelled).isTrue();
    assertThat(Thread.interrupted()).isTrue();
    peer.finish(Value.of(9), r);
    assertThat(peer.drain(Duration.ofMillis(1))).isTrue();
    Thread.currentThread().interrupt();
    assertThat(peer.drain(Duration.ofSeconds(1))).as("an interrupted wait gives up").isFalse();
    assertThat(Thread.interrupted()).as("and keeps the interrupt").isTrue();
  }

  @Test
  void aPeersSubscriptionsAreBoundedAndEndWithIt() throws Exception {
    Peer peer = new Peer(SecurityContext.full("op"), null, 1);
    List<String> closed = new CopyOnWriteArrayList<>();
    CountDownLatch allClosed = new CountDownLatch(Peer.MAX_SUBSCRIPTIONS);
    for (int i = 0; i < Peer.MAX_SUBSCRIPTIONS; i++) {
      String uri = "u://" + i;
      peer.watch(
          uri,
          () ->
              () -> {
                closed.add(uri);
                allClosed.countDown();
              });
    }
    peer.watch(
        "u://0",
        () -> {
          throw new AssertionError("already subscribed: nothing is made");
        });
    Rpc.Failure full =
        catchThrowableOfType(Rpc.Failure.class, () -> peer.watch("u://more", () -> () -> {}));
    assertThat(full.code).isEqualTo(Rpc.INVALID_REQUEST);
    assertThat(full.getMessage()).contains("1024 resources are subscribed to on this session");

    peer.unwatch("u://1");
    peer.unwatch("u://1"); // not subscribed any more: nothing to do
    assertThat(closed).containsExactly("u://1");
    assertThat(peer.watched()).hasSize(Peer.MAX_SUBSCRIPTIONS - 1);

    peer.unwatchAll();
    // ended on a thread of its own (ending may ask upstreams): waited for, not assumed
    assertThat(allClosed.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(closed).hasSize(Peer.MAX_SUBSCRIPTIONS);
    assertThat(peer.watched()).isEmpty();
    peer.unwatchAll(); // twice is harmless
    peer.unwatch("u://2");
    Rpc.Failure ended =
        catchThrowableOfType(Rpc.Failure.class, () -> peer.watch("u://x", () -> null));
    assertThat(ended.getMessage()).isEqualTo("Invalid request: the session has ended");
  }

  @Test
  void theCatalogSpeaksMcpAndFindsTemplates() throws Exception {
    assertThat(Catalog.kind(CapabilityManifest.builder("a.b").build())).isNull();
    CapabilityManifest other =
        CapabilityManifest.builder("mcp.s.x")
            .provider(new ProviderSpec.Mcp("s", "x", Rpc.obj("kind", Value.keyword("other"))))
            .build();
    assertThat(Catalog.kind(other)).isNull();
    assertThat(Catalog.listOf(other)).isNull();
    assertThat(
            Catalog.kind(
                CapabilityManifest.builder("mcp.s.y")
                    .provider(new ProviderSpec.Mcp("s", "y", Dict.EMPTY))
                    .build()))
        .as("no kind anywhere: a tool")
        .isNull();
    assertThat(
            Json.write(
                Catalog.mcp(Json.parse("{\"mime-type\":\"a/b\",\"x\":null,\"v\":[{\"k\":1}]}"))))
        .isEqualTo("{\"mimeType\":\"a/b\",\"v\":[{\"k\":1}]}");
    assertThat(Json.write(Catalog.contents("u://1", Value.of(5))))
        .isEqualTo("[{\"uri\":\"u://1\",\"text\":\"5\"}]");

    AgoraNode node =
        AgoraNode.open(
            AgoraConfig.defaults().withStorage(AgoraConfig.Storage.MEMORY),
            EventSink.NONE,
            l -> {});
    try (node) {
      CapabilityManifest template = // as the MCP provider maps a resource template
          CapabilityManifest.builder("mcp.gone.template.t")
              .provider(
                  new ProviderSpec.Mcp(
                      "gone",
                      "read-resource",
                      Rpc.obj("kind", Value.keyword("resource"), "uri-template", "test://t/{id}")))
              .input("[:map [:uri :string]]")
              .metadata(
                  Rpc.obj(
                      "mcp",
                      Rpc.obj(
                          "server",
                          "gone",
                          "kind",
                          Value.keyword("resource-template"),
                          "uri-template",
                          "test://t/{id}",
                          "mime-type",
                          "text/plain")))
              .build();
      node.marketplace().registry().register(template, "test");
      assertThat(Catalog.listOf(template)).isEqualTo("resources");
      McpGateway gateway = new McpGateway(node.marketplace());
      Peer peer = new Peer(SecurityContext.full("op"), null, 8);
      Dict listed =
          gateway.answer(
              peer,
              new Rpc.Request(Value.of(1), "resources/templates/list", Dict.EMPTY),
              Channel.NONE);
      assertThat(Json.write(listed))
          .contains("\"uriTemplate\":\"test://t/{id}\"", "\"mimeType\":\"text/plain\"");
      Dict read =
          gateway.answer(
              peer,
              new Rpc.Request(Value.of(2), "resources/read", Rpc.obj("uri", "test://t/7")),
              Channel.NONE);
      assertThat(Json.write(read))
          .as("the template's capability was called (and failed: its server is not there)")
          .contains("\"code\":-32000")
          .doesNotContain("Resource not found");
      assertThat(
              Json.write(
                  gateway.answer(
                      peer,
                      new Rpc.Request(Value.of(3), "resources/read", Dict.EMPTY),
                      Channel.NONE)))
          .contains("params.uri must be a string");
      assertThat(
              Json.write(
                  gateway.answer(
                      peer, new Rpc.Request(Value.of(4), "prompts/get", Dict.EMPTY), Channel.NONE)))
          .contains("no prompt named null");
      gateway.close();
    }
  }
}
