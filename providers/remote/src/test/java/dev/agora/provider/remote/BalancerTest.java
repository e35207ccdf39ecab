package dev.agora.provider.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The order calls try nodes in: least in flight, then least reported, in turn; resting last. */
class BalancerTest {

  private final TestClock clock = new TestClock();
  private final Balancer balancer = new Balancer(clock);

  private static Balancer.Target target(String id, int reported, boolean up) {
    return new Balancer.Target(id, URI.create("http://" + id + ".test:8420/mcp"), reported, up);
  }

  private static final Balancer.Target A = target("a", 0, true);
  private static final Balancer.Target B = target("b", 0, true);
  private static final Balancer.Target C = target("c", 0, true);

  private List<String> order(Balancer.Target... targets) {
    return balancer.order(List.of(targets)).stream().map(Balancer.Target::id).toList();
  }

  @Test
  void equal_nodes_take_turns_first() {
    Map<String, Integer> firsts = new HashMap<>();
    List<List<String>> orders = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      List<String> o = order(A, B, C);
      orders.add(o);
      firsts.merge(o.getFirst(), 1, Integer::sum);
      assertThat(o).containsExactlyInAnyOrder("a", "b", "c");
    }
    assertThat(firsts).containsOnly(Map.entry("a", 3), Map.entry("b", 3), Map.entry("c", 3));
    assertThat(orders.get(0)).containsExactly("a", "b", "c");
    assertThat(orders.get(1)).containsExactly("b", "c", "a");
  }

  @Test
  void no_nodes_no_order() {
    assertThat(balancer.order(List.of())).isEmpty();
  }

  @Test
  void a_node_with_a_call_in_flight_goes_after_idle_ones_until_the_lease_closes() {
    Balancer.Lease lease = balancer.lease(A.url());
    assertThat(balancer.inFlight(A.url())).isEqualTo(1);
    for (int i = 0; i < 4; i++) { // whatever the turn
      assertThat(order(A, B)).containsExactly("b", "a");
    }
    Balancer.Lease second = balancer.lease(A.url());
    Balancer.Lease onB = balancer.lease(B.url());
    assertThat(balancer.inFlight(A.url())).isEqualTo(2);
    for (int i = 0; i < 4; i++) {
      assertThat(order(A, B)).containsExactly("b", "a");
    }
    second.close();
    lease.close();
    assertThat(balancer.inFlight(A.url())).isZero();
    for (int i = 0; i < 4; i++) {
      assertThat(order(A, B)).containsExactly("a", "b");
    }
    onB.close();
    assertThat(balancer.inFlight(B.url())).isZero();
    assertThat(List.of(order(A, B).getFirst(), order(A, B).getFirst()))
        .containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void less_reported_load_goes_first_among_nodes_equally_busy_here() {
    Balancer.Target busy = target("busy", 7, true);
    Balancer.Target light = target("light", 2, true);
    for (int i = 0; i < 4; i++) {
      assertThat(order(busy, light)).containsExactly("light", "busy");
    }
    Balancer.Lease l = balancer.lease(light.url()); // calls from here count first
    assertThat(order(busy, light)).containsExactly("busy", "light");
    l.close();
    assertThat(order(busy, light)).containsExactly("light", "busy");
  }

  @Test
  void a_down_node_is_tried_after_the_up_ones_however_idle() {
    Balancer.Target down = target("down", 0, false);
    Balancer.Target busy = target("busy", 50, true);
    Balancer.Lease l1 = balancer.lease(busy.url());
    Balancer.Lease l2 = balancer.lease(busy.url());
    for (int i = 0; i < 4; i++) {
      assertThat(order(down, busy)).containsExactly("busy", "down");
    }
    l1.close();
    l2.close();
  }

  @Test
  void a_node_that_failed_rests_until_the_rest_period_is_over() {
    balancer.failed(A.url());
    for (int i = 0; i < 4; i++) {
      assertThat(order(A, B)).containsExactly("b", "a");
    }
    clock.advance(Balancer.REST.minusMillis(1));
    assertThat(order(A, B)).containsExactly("b", "a");
    assertThat(order(A, B)).containsExactly("b", "a");
    clock.advance(Duration.ofMillis(1)); // exactly REST later: rested
    List<String> firsts = List.of(order(A, B).getFirst(), order(A, B).getFirst());
    assertThat(firsts).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void resting_counts_before_load_and_a_success_ends_the_rest() {
    Balancer.Target idle = target("idle", 0, true);
    Balancer.Target loaded = target("loaded", 90, true);
    balancer.failed(idle.url());
    Balancer.Lease l = balancer.lease(loaded.url());
    assertThat(order(idle, loaded)).containsExactly("loaded", "idle");
    assertThat(order(idle, loaded)).containsExactly("loaded", "idle");
    l.close();
    balancer.succeeded(idle.url());
    assertThat(order(idle, loaded)).containsExactly("idle", "loaded");
    assertThat(order(idle, loaded)).containsExactly("idle", "loaded");
  }

  @Test
  void the_rest_period_is_five_seconds() {
    assertThat(Balancer.REST).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void a_failure_again_restarts_the_rest() {
    balancer.failed(A.url());
    clock.advance(Duration.ofSeconds(4));
    balancer.failed(A.url());
    clock.advance(Duration.ofSeconds(4)); // 8 s after the first, 4 after the second
    assertThat(order(A, B)).containsExactly("b", "a");
    assertThat(order(A, B)).containsExactly("b", "a");
    clock.advance(Duration.ofSeconds(1));
    assertThat(List.of(order(A, B).getFirst(), order(A, B).getFirst()))
        .containsExactlyInAnyOrder("a", "b");
  }
}
