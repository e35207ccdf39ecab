package dev.agora.provider.remote;

import static dev.agora.provider.remote.Fixtures.onCluster;
import static dev.agora.provider.remote.Fixtures.ran;
import static dev.agora.provider.remote.Fixtures.rtfs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.agora.core.error.AgoraError;
import dev.agora.core.error.Fault;
import dev.agora.core.spi.NodeStore;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which node a call lands on, through the provider and real peers: spread over the peers, away from
 * the busy, the resting and the down; past the nodes that cannot take it.
 */
class RemoteRtfsBalancingTest {

  private static final Value INPUT = rtfs("{:n 1}");

  private final TestCluster cluster = new TestCluster("home");
  private final TestClock clock = new TestClock();
  private final RemoteRtfsProvider provider = new RemoteRtfsProvider(clock);
  private final List<PeerNode> peers = new ArrayList<>();

  RemoteRtfsBalancingTest() {
    provider.cluster(cluster);
  }

  @AfterEach
  void stop() {
    peers.forEach(PeerNode::close);
  }

  private PeerNode peer(String id, int reportedInFlight) throws IOException {
    return peer(id, reportedInFlight, 0);
  }

  private PeerNode peer(String id, int reportedInFlight, int port) throws IOException {
    PeerNode p = new PeerNode(id, cluster.self, cluster.key.verifier(), port);
    peers.add(p);
    cluster.peer(p.node(reportedInFlight));
    return p;
  }

  /** A peer on the node list at {@code url}, where nothing listens. */
  private void refusingPeer(String id, URI url, int reportedInFlight) {
    cluster.peer(
        new NodeStore.Node(id, url.toString(), Instant.now(), Instant.now(), reportedInFlight));
  }

  /** Runs {@code r.echo} and says which node ran it. */
  private String landsOn() throws Exception {
    TestCall call = new TestCall("r.echo");
    Value result = provider.execute(onCluster(), INPUT, call);
    String node = ((Value.Str) call.note("node")).value();
    assertThat(result).isEqualTo(ran(INPUT, node));
    return node;
  }

  @Test
  void a_burst_of_concurrent_calls_spreads_over_both_peers() throws Exception {
    int calls = 200;
    long seed = Long.getLong("agora.test.seed", System.nanoTime());
    System.out.println("RemoteRtfsBalancingTest.a_burst_of_concurrent_calls seed " + seed);
    Random random = new Random(seed);
    PeerNode b = peer("b", 0);
    PeerNode c = peer("c", 0);
    CountDownLatch allArrived = new CountDownLatch(calls);
    PeerNode.Answer holdUntilAllArrived =
        (peer, ex, r) -> {
          allArrived.countDown(); // every call is in flight at once before any is answered
          if (!PeerNode.await(allArrived)) {
            PeerNode.status(500, "only " + (calls - allArrived.getCount()) + " arrived")
                .respond(peer, ex, r);
            return;
          }
          PeerNode.REPLY.respond(peer, ex, r);
        };
    b.answer = holdUntilAllArrived;
    c.answer = holdUntilAllArrived;

    List<Value> inputs = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      inputs.add(
          Dict.builder().put("i", Value.of(i)).put("r", Value.of(random.nextLong())).build());
    }
    CountDownLatch go = new CountDownLatch(1);
    List<Future<String>> landed = new ArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (Value input : inputs) {
        landed.add(
            threads.submit(
                () -> {
                  go.await();
                  TestCall call = new TestCall("r.echo", Duration.ofSeconds(60), TestCall.LOOPBACK);
                  Value result = provider.execute(onCluster(), input, call);
                  String node = ((Value.Str) call.note("node")).value();
                  assertThat(result).as("seed %d", seed).isEqualTo(ran(input, node));
                  return node;
                }));
      }
      go.countDown();
      Map<String, Integer> perNode = new TreeMap<>();
      for (Future<String> f : landed) {
        perNode.merge(f.get(90, TimeUnit.SECONDS), 1, Integer::sum);
      }
      System.out.println("RemoteRtfsBalancingTest: " + perNode + " (seed " + seed + ")");
      assertThat(perNode.keySet()).as("seed %d", seed).containsExactly("b", "c");
      assertThat(perNode.get("b")).as("seed %d", seed).isEqualTo(b.received.size());
      assertThat(perNode.get("c")).as("seed %d", seed).isEqualTo(c.received.size());
      assertThat(perNode.values()).as("seed %d", seed).allMatch(n -> n >= calls / 4);
    }
    assertThat(b.hits.get() + c.hits.get()).as("each call sent once").isEqualTo(calls);
    assertThat(provider.execute(onCluster(), INPUT, new TestCall("r.echo")))
        .as("nothing left in flight: calls still land")
        .isNotNull();
  }

  @Test
  void a_node_with_a_call_in_flight_is_passed_for_an_idle_one_until_the_call_ends()
      throws Exception {
    PeerNode b = peer("b", 0);
    peer("c", 1); // reports more load: b goes first when both are idle here
    CountDownLatch arrived = new CountDownLatch(1);
    CountDownLatch letGo = new CountDownLatch(1);
    b.answer =
        (peer, ex, r) -> {
          arrived.countDown();
          PeerNode.await(letGo);
          PeerNode.REPLY.respond(peer, ex, r);
        };
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<String> held = threads.submit(this::landsOn);
      assertThat(PeerNode.await(arrived)).isTrue();
      for (int i = 0; i < 6; i++) {
        assertThat(landsOn()).as("call %d, while b has one in flight", i).isEqualTo("c");
      }
      b.answer = PeerNode.REPLY;
      letGo.countDown();
      assertThat(held.get(30, TimeUnit.SECONDS)).isEqualTo("b");
    }
    for (int i = 0; i < 4; i++) {
      assertThat(landsOn()).as("call %d, all idle again", i).isEqualTo("b");
    }
  }

  @Test
  void a_node_that_refuses_connections_is_passed_over_then_tried_last_until_it_has_rested()
      throws Exception {
    int port = PeerNode.closedPort();
    URI url = URI.create("http://127.0.0.1:" + port + "/mcp");
    refusingPeer("a", url, 0); // the least loaded: tried first
    PeerNode b = peer("b", 3);

    assertThat(landsOn()).isEqualTo("b");

    // a comes back at once; it is still tried last for Balancer.REST
    PeerNode a = new PeerNode("a", cluster.self, cluster.key.verifier(), port);
    peers.add(a);
    cluster.peer(a.node(0)); // a's key, now that it answers (same id and URL)
    cluster.peers.removeIf(n -> n.id().equals("a") && n.key() == null);
    for (int i = 0; i < 4; i++) {
      assertThat(landsOn()).as("call %d, a resting", i).isEqualTo("b");
    }
    assertThat(a.hits).hasValue(0);
    clock.advance(Balancer.REST.minusMillis(1));
    assertThat(landsOn()).isEqualTo("b");
    clock.advance(Duration.ofMillis(1));
    assertThat(landsOn()).as("rested").isEqualTo("a");
    assertThat(landsOn()).isEqualTo("a");
    assertThat(b.received).hasSize(6);
  }

  @ParameterizedTest
  @ValueSource(ints = {503, 404, 409})
  void a_node_that_did_not_run_the_call_is_passed_over_and_rests(int status) throws Exception {
    PeerNode a = peer("a", 0);
    PeerNode b = peer("b", 5);
    a.answer = PeerNode.status(status, "not here");

    assertThat(landsOn()).isEqualTo("b");
    assertThat(a.received).hasSize(1);

    a.answer = PeerNode.REPLY; // healthy again, but resting
    assertThat(landsOn()).isEqualTo("b");
    assertThat(a.hits).hasValue(1);
    clock.advance(Balancer.REST);
    assertThat(landsOn()).isEqualTo("a");
    assertThat(b.received).hasSize(2);
  }

  @Test
  void when_every_node_fails_to_take_the_call_each_is_named() throws Exception {
    PeerNode a = peer("a", 0);
    PeerNode b = peer("b", 1);
    refusingPeer("c", PeerNode.refusingUrl(), 2);
    a.answer = PeerNode.status(503, "node a is stopping");
    b.answer = PeerNode.status(404, "node b does not offer r.echo");

    AgoraError e =
        catchThrowableOfType(
            AgoraError.ProviderError.class,
            () -> provider.execute(onCluster(), INPUT, new TestCall("r.echo")));

    assertThat(e)
        .hasMessageStartingWith(
            "capability 'r.echo' failed: no node could take it: a: 503 node a is stopping; b: 404"
                + " node b does not offer r.echo; c: ");
    assertThat(((AgoraError.ProviderError) e).isTransient()).isTrue();
    assertThat(e.fault()).isEqualTo(Fault.PROVIDER);
    assertThat(a.hits).hasValue(1);
    assertThat(b.hits).hasValue(1);
  }

  @Test
  void a_down_node_is_tried_only_after_the_up_ones() throws Exception {
    PeerNode down = peer("down", 0);
    PeerNode up = peer("up", 40);
    cluster.down.add("down");
    for (int i = 0; i < 4; i++) {
      assertThat(landsOn()).as("call %d", i).isEqualTo("up");
    }
    assertThat(down.hits).hasValue(0);

    up.answer = PeerNode.status(503, "stopping");
    assertThat(landsOn()).as("the up node cannot take it: the down one is tried").isEqualTo("down");
    assertThat(up.hits).hasValue(5);
  }

  @Test
  void equal_idle_peers_take_calls_in_turn() throws Exception {
    peer("b", 0);
    peer("c", 0);
    List<String> landed = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      landed.add(landsOn());
    }
    assertThat(landed).containsExactly("b", "c", "b", "c", "b", "c");
  }
}
