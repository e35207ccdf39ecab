package dev.agora.provider.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.chain.event.EventType;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.spi.Provider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resource subscriptions through the MCP provider, against a scripted stdio server that logs each
 * {@code resources/subscribe} ("+sub") and {@code resources/unsubscribe} ("-sub") to stderr and
 * sends {@code notifications/resources/updated} when its {@code poke} tool is called: a URI is
 * subscribed to once however many watch it, unsubscribed when the last stops, subscribed to again
 * on a new session, and each update reaches exactly the watchers of its URI.
 */
class ResourceSubscriptionsTest {

  private static final String SCENARIO =
      """
      {"init": {"capabilities": {"tools": {}, "resources": {"subscribe": true}}}, "replies": {
        "tools/list": {"result": {"tools": [{"name": "poke", "inputSchema": {"type": "object"}},
                                            {"name": "crash", "inputSchema": {"type": "object"}},
                                            {"name": "reshuffle", "inputSchema": {"type": "object"}}]}},
        "resources/list": {"seq": [
          {"result": {"resources": [{"uri": "mem://a", "name": "a"}, {"uri": "mem://b", "name": "b"}]}},
          {"result": {"resources": [{"uri": "mem://a", "name": "a"}, {"uri": "mem://n", "name": "n"}]}}]},
        "resources/templates/list": {"result": {"resourceTemplates": [
          {"uriTemplate": "mem://t/{id}", "name": "t"}]}},
        "resources/subscribe:mem://a": [{"stderr": "+sub mem://a"}, {"result": {}}],
        "resources/subscribe:mem://t/1": {"seq": [[{"stderr": "+sub mem://t/1"}, {"result": {}}],
                                                  {"error": {"code": -32603, "message": "not now"}}]},
        "resources/subscribe:mem://b": {"error": {"code": -32602, "message": "b cannot be watched"}},
        "resources/unsubscribe:mem://a": [{"stderr": "-sub mem://a"}, {"result": {}}],
        "resources/unsubscribe:mem://t/1": {"error": {"code": -32603, "message": "forgot it"}},
        "tools/call:poke": [
          {"notify": {"method": "notifications/resources/updated", "params": {"uri": "mem://a"}}},
          {"notify": {"method": "notifications/resources/updated", "params": {"uri": "mem://t/1"}}},
          {"notify": {"method": "notifications/resources/updated", "params": {"uri": "mem://zz"}}},
          {"notify": {"method": "notifications/resources/updated", "params": {}}},
          {"result": {"content": [{"type": "text", "text": "poked"}]}}],
        "tools/call:crash": [{"exitOnce": 1}, {"result": {"content": []}}],
        "tools/call:reshuffle": [
          {"notify": {"method": "notifications/resources/list_changed", "params": {}}},
          {"result": {"content": []}}]
      }}
      """;

  private static final SecurityContext WHO = SecurityContext.full("test");

  @TempDir Path dir;

  @Test
  void updatesReachTheWatchersOfTheirUriAndTheServerIsAskedOnce() throws Exception {
    try (McpFixture m = Scripted.start(dir, SCENARIO)) {
      BlockingQueue<String> heard = new LinkedBlockingQueue<>();
      CapabilityManifest a = m.marketplace.registry().get("mcp.s.resource.a");
      Provider.Subscription first = m.marketplace.subscribe(WHO, a, null, () -> heard.add("1:a"));
      Provider.Subscription second = m.marketplace.subscribe(WHO, a, null, () -> heard.add("2:a"));
      Provider.Subscription template =
          m.marketplace.subscribe(
              WHO,
              m.marketplace.registry().get("mcp.s.template.t"),
              "mem://t/1",
              () -> heard.add("t"));
      assertThat(m.source("s").connection().watched())
          .containsExactlyInAnyOrder("mem://a", "mem://t/1");

      m.call("mcp.s.poke", null);
      assertThat(next(heard, 3)).containsExactlyInAnyOrder("1:a", "2:a", "t");
      assertThat(m.awaitLog("+sub mem://a", 1, 10)).isTrue();
      assertThat(m.log.stream().filter(l -> l.contains("+sub mem://a")).count())
          .as("two watchers, one subscription on the server")
          .isEqualTo(1);

      first.close();
      first.close(); // twice is harmless
      m.call("mcp.s.poke", null);
      assertThat(next(heard, 2)).containsExactlyInAnyOrder("2:a", "t");
      assertThat(m.logText()).doesNotContain("-sub mem://a");

      second.close();
      assertThat(m.awaitLog("-sub mem://a", 10)).isTrue();
      template.close(); // the server fails the unsubscribe: said in the log, nothing else
      assertThat(m.awaitLog("resources/unsubscribe mem://t/1 failed", 10)).isTrue();
      assertThat(m.source("s").connection().watched()).isEmpty();
      Provider.Subscription fresh = m.marketplace.subscribe(WHO, a, null, () -> heard.add("new"));
      m.call("mcp.s.poke", null);
      assertThat(next(heard, 1)).as("only the one watching now hears").containsExactly("new");
      fresh.close();
    }
  }

  /**
   * Hundreds of watchers of one URI come and go at once: the server is asked to subscribe once and
   * to unsubscribe once, and every watcher hears the update while they all watch.
   */
  @Test
  void manyWatchersAtOnceMakeOneSubscription() throws Exception {
    try (McpFixture m = Scripted.start(dir, SCENARIO)) {
      CapabilityManifest a = m.marketplace.registry().get("mcp.s.resource.a");
      int n = 300;
      BlockingQueue<String> heard = new LinkedBlockingQueue<>();
      List<Attempt> subscribing = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        subscribing.add(
            Attempt.start(() -> m.marketplace.subscribe(WHO, a, null, () -> heard.add("x"))));
      }
      List<Provider.Subscription> all = new ArrayList<>();
      for (Attempt s : subscribing) {
        all.add((Provider.Subscription) s.result());
      }
      m.call("mcp.s.poke", null);
      assertThat(next(heard, n)).hasSize(n);
      List<Attempt> closing = new ArrayList<>();
      for (Provider.Subscription s : all) {
        closing.add(
            Attempt.start(
                () -> {
                  s.close();
                  return null;
                }));
      }
      for (Attempt c : closing) {
        c.result();
      }
      assertThat(m.awaitLog("-sub mem://a", 10)).isTrue();
      assertThat(m.log.stream().filter(l -> l.contains("+sub mem://a")).count()).isEqualTo(1);
      assertThat(m.log.stream().filter(l -> l.contains("-sub mem://a")).count()).isEqualTo(1);
      assertThat(m.source("s").connection().watched()).isEmpty();
    }
  }

  @Test
  void aNewSessionIsSubscribedAgain() throws Exception {
    try (McpFixture m = Scripted.start(dir, SCENARIO)) {
      BlockingQueue<String> heard = new LinkedBlockingQueue<>();
      m.marketplace.subscribe(
          WHO,
          m.marketplace.registry().get("mcp.s.resource.a"),
          null,
          () -> {
            heard.add("a");
            throw new IllegalStateException("a watcher that fails");
          });
      m.marketplace.subscribe(
          WHO, m.marketplace.registry().get("mcp.s.template.t"), "mem://t/1", () -> {});
      assertThatThrownBy(() -> m.call("mcp.s.crash", null)).isInstanceOf(AgoraError.class);
      m.call("mcp.s.poke", null); // opens the new session
      assertThat(m.awaitLog("+sub mem://a", 2, 10)).as(m.logText()).isTrue();
      assertThat(next(heard, 1)).containsExactly("a");
      assertThat(m.awaitLog("telling a watcher of mem://a failed", 10))
          .as("a failing watcher is logged, and the others still hear")
          .isTrue();
      assertThat(
              m.awaitLog("resources/subscribe mem://t/1 failed on the new session (not now)", 10))
          .as(m.logText())
          .isTrue();
      assertThat(m.source("s").connection().watched())
          .as("still watched: its watchers stay, to hear once it is made again")
          .containsExactlyInAnyOrder("mem://a", "mem://t/1");
    }
  }

  @Test
  void aChangedResourceListIsListedAgainAndApplied() throws Exception {
    try (McpFixture m = Scripted.start(dir, SCENARIO)) {
      assertThat(m.marketplace.registry().get("mcp.s.resource.b")).isNotNull();
      m.call("mcp.s.reshuffle", null);
      m.awaitEvent(EventType.CapabilityRegistered, "mcp.s.resource.n");
      m.awaitEvent(EventType.CapabilityRemoved, "mcp.s.resource.b");
      assertThat(m.marketplace.registry().get("mcp.s.resource.a")).isNotNull();
      assertThat(m.marketplace.registry().get("mcp.s.poke")).as("tools untouched").isNotNull();
    }
  }

  @Test
  void whatCannotBeWatchedIsRefusedAndLeavesNothingBehind() throws Exception {
    try (McpFixture m = Scripted.start(dir, SCENARIO)) {
      assertThatThrownBy(
              () ->
                  m.marketplace.subscribe(
                      WHO, m.marketplace.registry().get("mcp.s.resource.b"), null, () -> {}))
          .isInstanceOf(AgoraError.ProviderError.class)
          .hasMessage("capability 'mcp.s.resource.b' failed: MCP server 's': b cannot be watched");
      assertThatThrownBy(
              () ->
                  m.marketplace.subscribe(
                      WHO, m.marketplace.registry().get("mcp.s.template.t"), "web://x", () -> {}))
          .hasMessageContaining("the URI 'web://x' is not one of resource template mem://t/{id}");
      assertThatThrownBy(
              () ->
                  m.marketplace.subscribe(
                      WHO, m.marketplace.registry().get("mcp.s.read-resource"), null, () -> {}))
          .hasMessageContaining("which resource? no URI given");
      assertThatThrownBy(
              () ->
                  m.marketplace.subscribe(
                      WHO, m.marketplace.registry().get("mcp.s.poke"), "mem://a", () -> {}))
          .hasMessageContaining("only an MCP server's resources can be subscribed to");
      assertThat(m.source("s").connection().watched()).isEmpty();

      Provider.Subscription viaReader =
          m.marketplace.subscribe(
              WHO, m.marketplace.registry().get("mcp.s.read-resource"), "mem://a", () -> {});
      assertThat(m.source("s").connection().watched()).containsExactly("mem://a");
      viaReader.close();
    }
  }

  @Test
  void aServerWithoutSubscriptionsIsNotAsked() throws Exception {
    String scenario =
        """
        {"init": {"capabilities": {"resources": {}}}, "replies": {
          "resources/list": {"result": {"resources": [{"uri": "mem://a", "name": "a"}]}},
          "resources/subscribe": [{"stderr": "asked anyway"}, {"result": {}}]
        }}
        """;
    try (McpFixture m = Scripted.start(dir, scenario)) {
      assertThatThrownBy(
              () ->
                  m.marketplace.subscribe(
                      WHO, m.marketplace.registry().get("mcp.s.resource.a"), null, () -> {}))
          .isInstanceOf(AgoraError.ProviderError.class)
          .hasMessageContaining(
              "MCP server 's': it does not offer resource subscriptions"
                  + " (no capabilities.resources.subscribe)");
      assertThat(m.logText()).doesNotContain("asked anyway");
    }
  }

  /** The next {@code n} things heard, each within 10 s (they come from other threads). */
  private static List<String> next(BlockingQueue<String> heard, int n) throws InterruptedException {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String s = heard.poll(10, TimeUnit.SECONDS);
      if (s == null) {
        break;
      }
      out.add(s);
    }
    return out;
  }
}
