package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.ChainKey;
import dev.agora.chain.event.EventSink;
import dev.agora.core.AgoraNode;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ConfigLoader;
import dev.agora.core.doc.DocumentException;
import dev.agora.core.doc.Documents;
import dev.agora.core.manifest.Manifests;
import dev.agora.core.spi.NodeStore;
import dev.agora.core.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Serving nodes on one store (issue 18): each says it is there when it starts and leaves when it
 * stops; a heartbeat that fails is logged once and the node goes on.
 */
@Timeout(60)
class MembershipTest {

  @TempDir Path dir;

  @Test
  void twoServersOnOneStoreAreBothListedAndEachLeavesWhenItStops() throws Exception {
    Path file = dir.resolve("agora.yaml");
    Files.writeString(
        file,
        """
        data_dir: data
        server: {port: 0}
        cluster: {heartbeat: 1h}
        """);
    AgoraConfig cfg = ConfigLoader.load(file);
    Path other = dir.resolve("other.yaml");
    Files.writeString(
        other,
        """
        data_dir: data
        server: {port: 0}
        cluster: {node_id: "second.node", advertise: "https://agora-2.example.com/mcp"}
        """);
    AgoraConfig cfg2 = ConfigLoader.load(other);
    try (AgoraNode n1 = AgoraNode.open(cfg, EventSink.NONE, l -> {});
        AgoraNode n2 = AgoraNode.open(cfg2, EventSink.NONE, l -> {})) {
      AgoraServer s1 = AgoraServer.start(n1, cfg, l -> {});
      try (AgoraServer s2 = AgoraServer.start(n2, cfg2, l -> {})) {
        assertThat(s1.nodeId()).isEqualTo(AgoraServer.defaultNodeId(s1.port()));
        assertThat(s1.nodeId()).startsWith("agora-").endsWith("-" + s1.port());
        List<NodeStore.Node> all = n1.store().nodes().all();
        assertThat(all)
            .extracting(NodeStore.Node::id)
            .containsExactlyInAnyOrder(s1.nodeId(), "second.node");
        NodeStore.Node first =
            all.stream().filter(n -> n.id().equals(s1.nodeId())).findFirst().orElseThrow();
        assertThat(first.url()).isEqualTo(s1.url());
        assertThat(first.inFlight()).isZero();
        assertThat(all.stream().filter(n -> n.id().equals("second.node")).findFirst())
            .hasValueSatisfying(
                n -> assertThat(n.url()).isEqualTo("https://agora-2.example.com/mcp"));
        s1.close();
        assertThat(n2.store().nodes().all())
            .extracting(NodeStore.Node::id)
            .containsExactly("second.node");
      }
      assertThat(n1.store().nodes().all()).isEmpty();
    }
  }

  @Test
  void whatOneServerRegistersAtRunTimeTheOtherTakesInByItself() throws Exception {
    Path file = dir.resolve("agora.yaml");
    Files.writeString(file, "data_dir: data\nserver: {port: 0}\ncluster: {follow: 20ms}\n");
    AgoraConfig cfg = ConfigLoader.load(file);
    try (AgoraNode n1 = AgoraNode.open(cfg, EventSink.NONE, l -> {});
        AgoraNode n2 = AgoraNode.open(cfg, EventSink.NONE, l -> {});
        AgoraServer s1 = AgoraServer.start(n1, cfg, l -> {});
        AgoraServer s2 = AgoraServer.start(n2, cfg, l -> {})) {
      n1.marketplace().bootstrap();
      n2.marketplace().bootstrap();
      assertThat(s1.nodeId()).isNotEqualTo(s2.nodeId());
      n1.marketplace()
          .register(
              Manifests.parse(
                      Documents.parse(
                          "id: shared.echo\nprovider: {type: local, implementation: \"(fn [x] x)\"}\n",
                          "m.yaml",
                          Documents.Format.YAML))
                  .manifests()
                  .getFirst(),
              "test");
      Await.until( // the follower looks every 20 ms
          "taken in by the second server's follower",
          () -> n2.marketplace().registry().get("shared.echo") != null);
    }
  }

  @Test
  void aFailingHeartbeatIsLoggedOnceAndTheNodeGoesOn() {
    List<String> log = new CopyOnWriteArrayList<>();
    List<NodeStore.Node> beats = new ArrayList<>();
    boolean[] down = {false};
    NodeStore flaky =
        new NodeStore() {
          @Override
          public void beat(Node self) {
            if (down[0]) {
              throw new IllegalStateException("the database is gone");
            }
            beats.add(self);
          }

          @Override
          public void leave(String id) {
            throw new IllegalStateException("still gone");
          }

          @Override
          public List<Node> all() {
            return beats;
          }
        };
    Clock clock = Clock.fixed(Instant.parse("2026-12-05T20:00:00Z"), ZoneOffset.UTC);
    java.util.concurrent.atomic.AtomicInteger followFailures =
        new java.util.concurrent.atomic.AtomicInteger();
    Membership m =
        Membership.join(
            flaky,
            "n1",
            "http://n1/mcp",
            ChainKey.generate("n1"),
            Duration.ofHours(1),
            () -> 7,
            clock,
            log::add,
            () -> {
              if (followFailures.incrementAndGet() == 1) { // once: then it is back
                throw new IllegalStateException("the registry is away");
              }
            },
            Duration.ofHours(1));
    m.follow(); // fails once: logged
    m.follow(); // back: logged too
    m.follow();
    assertThat(log)
        .containsExactly(
            "agora: node n1: could not follow the registry: the registry is away",
            "agora: node n1: following the registry again");
    log.clear();
    assertThat(beats)
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.inFlight()).isEqualTo(7);
              assertThat(b.started()).isEqualTo(clock.instant());
            });
    down[0] = true;
    m.beat();
    m.beat();
    assertThat(log)
        .containsExactly("agora: node n1: could not record a heartbeat: the database is gone");
    down[0] = false;
    m.beat();
    assertThat(log).hasSize(2).last().isEqualTo("agora: node n1: heartbeats are recorded again");
    assertThat(beats).hasSize(2);
    m.close();
    assertThat(log).last().isEqualTo("agora: node n1: could not leave the node list: still gone");
    assertThat(
            Membership.join(
                null,
                "n",
                "u",
                ChainKey.generate("n"),
                Duration.ofSeconds(1),
                () -> 0,
                clock,
                log::add,
                () -> {},
                Duration.ofSeconds(1)))
        .as("a store that keeps no node list")
        .isNull();
  }

  @Test
  void theClusterSectionNamesEveryMistake() throws Exception {
    Path f = dir.resolve("bad.yaml");
    Files.writeString(
        f,
        """
        cluster:
          node_id: "has spaces"
          advertise: "ftp://x"
          heartbeat: never
          colour: red
        """);
    DocumentException e =
        Assertions.catchThrowableOfType(DocumentException.class, () -> ConfigLoader.load(f));
    assertThat(e.problems())
        .extracting(p -> p.toString().replace(f.toString(), "bad.yaml"))
        .containsExactly(
            "bad.yaml:2: cluster.node_id: a node's id is 1 to 100 of letters, digits, '.', '_', ':'"
                + " and '-'",
            "bad.yaml:3: cluster.advertise: expected an http(s) URL such as"
                + " http://10.0.0.5:8420/mcp",
            "bad.yaml:4: cluster.heartbeat: expected a positive duration such as \"500ms\","
                + " \"30s\" or \"5m\", found \"never\" (string)",
            "bad.yaml:5: cluster.colour: unknown key 'colour'; known keys are node_id, advertise,"
                + " heartbeat, follow, shared_limits, shared_sessions");
    Files.writeString(f, "cluster: {advertise: \"http://[bad\"}\n");
    DocumentException e2 =
        Assertions.catchThrowableOfType(DocumentException.class, () -> ConfigLoader.load(f));
    assertThat(e2.problems().getFirst().toString()).contains("is not a URL");
    assertThat(ClusterSection.of(AgoraConfig.defaults()).heartbeat())
        .isEqualTo(Duration.ofSeconds(5));
    assertThat(ClusterSection.of(AgoraConfig.defaults()).sharedSessions()).isTrue();
    Files.writeString(f, "cluster: {shared_sessions: maybe}\n");
    DocumentException e3 =
        Assertions.catchThrowableOfType(DocumentException.class, () -> ConfigLoader.load(f));
    assertThat(e3.problems().getFirst().toString()).contains("cluster.shared_sessions");
  }
}
