package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.chain.ChainQuery;
import dev.agora.chain.Entry;
import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventSink;
import dev.agora.core.AgoraNode;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ConfigLoader;
import dev.agora.core.error.AgoraError;
import dev.agora.core.testing.Await;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The remote-rtfs provider between real servers on one store (issue 18): a call made on one node
 * runs its implementation on a peer, under the caller's context, and the peer's own calls are
 * recorded as children of the call, whose result names the node that ran it.
 */
@Timeout(120)
class RemoteRtfsTest {

  static final String CONFIG =
      """
      data_dir: data
      contexts:
        operator: {level: full}
        reader: {level: controlled, allow: ["remote.*"]}
      default_context: operator
      sources:
        - name: shared
          type: static
          capabilities:
            - {id: math.inc, effects: [pure], provider: {type: local, implementation: "(fn [x] {:n (+ 1 (:n x))})"}}
            - {id: remote.double, effects: [pure], provider: {type: remote-rtfs, implementation: "(fn [x] {:n (* 2 (:n x))})", nodes: cluster}}
            - {id: remote.twice, effects: [pure], provider: {type: remote-rtfs, implementation: "(fn [x] (call :math.inc (call :math.inc x)))"}}
            - {id: remote.fails, effects: [pure], provider: {type: remote-rtfs, implementation: "(fn [x] (/ 1 0))"}}
            - {id: remote.json, effects: [pure], provider: {type: remote-rtfs, transfer: json, implementation: "(fn [x] {:kind :done :n (:n x)})"}}
      server: {port: 0}
      cluster: {heartbeat: 200ms, follow: 1h}
      """;

  @TempDir Path dir;

  private AgoraConfig config() throws Exception {
    Path file = dir.resolve("agora.yaml");
    Files.writeString(file, CONFIG);
    return ConfigLoader.load(file);
  }

  /** A node and its server. */
  record Running(AgoraNode node, AgoraServer server) implements AutoCloseable {
    @Override
    public void close() {
      server.close();
      node.close();
    }
  }

  private Running start(AgoraConfig cfg) {
    AgoraNode node = AgoraNode.open(cfg, EventSink.NONE, l -> {});
    node.marketplace().bootstrap();
    return new Running(node, AgoraServer.start(node, cfg, l -> {}));
  }

  /** Waits (bounded) until {@code r} lists {@code peers} up. */
  private static void awaitPeers(Running r, int peers) {
    Await.until(peers + " peers up at the next heartbeat", () -> up(r) >= peers);
    assertThat(up(r)).isEqualTo(peers);
  }

  private static long up(Running r) {
    Membership m = r.server().cluster();
    return m.peers().stream().filter(m::up).count();
  }

  private static Value call(Running r, String id, long n) {
    return r.node()
        .marketplace()
        .call(
            new CallRequest(
                id,
                null,
                Dict.builder().put("n", Value.of(n)).build(),
                SecurityContext.full("tester"),
                null,
                null,
                Duration.ofSeconds(30)));
  }

  private static Event result(Running r, String capability) {
    return results(r, capability).getLast().action();
  }

  /** The results of calls to {@code capability} recorded on {@code r}'s chain. */
  private static List<Entry> results(Running r, String capability) {
    return r.node()
        .chain()
        .query(ChainQuery.ALL.withCapability(capability).withType("CapabilityResult"));
  }

  @Test
  void aCallRunsOnThePeerAndItsChildrenAreLinkedUnderIt() throws Exception {
    AgoraConfig cfg = config();
    try (Running one = start(cfg);
        Running two = start(cfg)) {
      awaitPeers(one, 1);
      assertThat(call(one, "remote.double", 21))
          .isEqualTo(Dict.builder().put("n", Value.of(42)).build());
      Event doubled = result(one, "remote.double");
      assertThat(doubled.metadata().get("node")).isEqualTo(Value.of(two.server().nodeId()));

      assertThat(call(one, "remote.twice", 1))
          .isEqualTo(Dict.builder().put("n", Value.of(3)).build());
      Event twice = result(one, "remote.twice");
      assertThat(twice.success()).isTrue();
      String callId = twice.parentId();
      List<Entry> children =
          one.node().chain().children(callId).stream()
              .filter(e -> e.columns().type().equals("CapabilityCall"))
              .toList();
      assertThat(children)
          .as("the peer's own calls, recorded in the shared log under the call")
          .extracting(e -> e.columns().capabilityId())
          .containsOnly("math.inc")
          .hasSize(2);
      Dict remote = (Dict) twice.metadata().get("remote");
      assertThat(remote.get("node")).isEqualTo(Value.of(two.server().nodeId()));
      Seq listed = (Seq) remote.get("children");
      Set<String> ids = new HashSet<>();
      for (int i = 0; i < listed.size(); i++) {
        ids.add(((Value.Str) listed.get(i)).value());
      }
      assertThat(ids)
          .containsExactlyInAnyOrderElementsOf(
              children.stream().map(e -> e.columns().actionId()).toList());
      assertThat(children.getFirst().action().caller())
          .as("run under the caller's context, narrowed to the capability")
          .isEqualTo("tester via remote.twice");
      assertThat(one.node().chain().verify().ok()).isTrue();
    }
  }

  @Test
  void aFailureOnThePeerComesBackNamingTheNode() throws Exception {
    AgoraConfig cfg = config();
    try (Running one = start(cfg);
        Running two = start(cfg)) {
      awaitPeers(one, 1);
      assertThatThrownBy(() -> call(one, "remote.fails", 1))
          .isInstanceOf(AgoraError.ProviderError.class)
          .hasMessageContaining("on node " + two.server().nodeId() + ": ")
          .hasMessageEndingWith("Division by zero");
      assertThat(call(one, "remote.json", 5))
          .as("plain JSON: keywords come back as strings")
          .isEqualTo(Dict.builder().put("kind", Value.of("done")).put("n", Value.of(5)).build());
    }
  }

  @Test
  void withNoPeerUpTheCallFailsSayingSo() throws Exception {
    try (Running alone = start(config())) {
      assertThatThrownBy(() -> call(alone, "remote.double", 1))
          .isInstanceOf(AgoraError.ProviderError.class)
          .hasMessageContaining("no peer node is on the node list");
    }
  }

  @Test
  void manyCallsAtOnceAreSpreadOverThePeers() throws Exception {
    AgoraConfig cfg = config();
    try (Running one = start(cfg);
        Running two = start(cfg);
        Running three = start(cfg);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      awaitPeers(one, 2);
      List<Future<Value>> calls = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        long n = i;
        calls.add(pool.submit((Callable<Value>) () -> call(one, "remote.double", n)));
      }
      for (int i = 0; i < calls.size(); i++) {
        assertThat(calls.get(i).get()).isEqualTo(Dict.builder().put("n", Value.of(2L * i)).build());
      }
      Set<Value> ranOn = new HashSet<>();
      for (Entry e : results(one, "remote.double")) {
        ranOn.add(e.action().metadata().get("node"));
      }
      assertThat(ranOn)
          .as("both peers took calls")
          .containsExactlyInAnyOrder(
              Value.of(two.server().nodeId()), Value.of(three.server().nodeId()));
    }
  }
}
