package dev.agora.chain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventSink;
import dev.agora.chain.event.EventType;
import dev.agora.rtfs.Value;
import java.time.Duration;
import java.util.List;

/**
 * One small plan recorded the way the marketplace records it, and the queries every store must
 * answer alike.
 */
public final class ChainFixtures {

  private ChainFixtures() {}

  /**
   * plan p-1 (caller ada) → step s-1 → call c-1 (weather.current) → result r-1; plus a registry
   * event and a second plan.
   */
  public static void recordPlan(EventSink sink) {
    var t = Samples.T0;
    sink.accept(Event.of("p-1", EventType.PlanStarted, t, null, "p-1", "ada"));
    sink.accept(Event.of("s-1", EventType.PlanStepStarted, t.plusMillis(1), "p-1", "p-1", "ada"));
    sink.accept(
        Event.of("c-1", EventType.CapabilityCall, t.plusMillis(2), "s-1", "p-1", "ada")
            .withCapability("weather.current", "1.0.0")
            .withArguments(Value.of("Oslo")));
    sink.accept(
        Event.of("r-1", EventType.CapabilityResult, t.plusMillis(3), "c-1", "p-1", "ada")
            .withCapability("weather.current", "1.0.0")
            .withResult(Value.of(-3), Duration.ofMillis(1), 0.5));
    sink.accept(
        Event.of("s-1-done", EventType.PlanStepCompleted, t.plusMillis(4), "s-1", "p-1", "ada"));
    sink.accept(
        Event.of("p-1-done", EventType.PlanCompleted, t.plusMillis(5), "p-1", "p-1", "ada"));
    sink.accept(
        Event.of("g-1", EventType.CapabilityRegistered, t.plusMillis(6), null, null, "system")
            .withCapability("weather.current", "1.1.0"));
    sink.accept(Event.of("p-2", EventType.PlanStarted, t.plusMillis(7), null, "p-2", "bob"));
    sink.accept(
        Event.of("c-2", EventType.CapabilityCall, t.plusMillis(8), "p-2", "p-2", "bob")
            .withCapability("billing.charge", "2.0.0"));
  }

  private static List<String> ids(List<Entry> entries) {
    return entries.stream().map(e -> e.columns().actionId()).toList();
  }

  /** Every query kind against the fixture above. */
  public static void assertQueries(CausalChain chain) {
    var t = Samples.T0;
    assertThat(chain.size()).isEqualTo(9);
    assertThat(chain.get("c-1"))
        .hasValueSatisfying(
            e -> {
              assertThat(e.index()).isEqualTo(2);
              assertThat(e.action().arguments()).isEqualTo(Value.of("Oslo"));
            });
    assertThat(chain.get("missing")).isEmpty();
    assertThat(ids(chain.query(ChainQuery.ALL.withPlan("p-1"))))
        .containsExactly("p-1", "s-1", "c-1", "r-1", "s-1-done", "p-1-done");
    assertThat(ids(chain.query(ChainQuery.ALL.withCapability("weather.current"))))
        .containsExactly("c-1", "r-1", "g-1");
    assertThat(ids(chain.query(ChainQuery.ALL.withCaller("bob")))).containsExactly("p-2", "c-2");
    assertThat(ids(chain.query(ChainQuery.ALL.withCallerPrefix("bo"))))
        .containsExactly("p-2", "c-2");
    assertThat(chain.query(ChainQuery.ALL.withCallerPrefix("BO"))).as("case matters").isEmpty();
    assertThat(chain.query(ChainQuery.ALL.withCallerPrefix("%"))).as("no wildcards").isEmpty();
    assertThat(chain.query(ChainQuery.ALL.withCallerPrefix("b_b"))).isEmpty();
    assertThat(ids(chain.query(ChainQuery.ALL.withCallerPrefix("bob").withType("CapabilityCall"))))
        .containsExactly("c-2");
    assertThat(ids(chain.query(ChainQuery.ALL.withType("CapabilityCall"))))
        .containsExactly("c-1", "c-2");
    assertThat(ids(chain.query(ChainQuery.ALL.withTime(t.plusMillis(2), t.plusMillis(4)))))
        .containsExactly("c-1", "r-1");
    assertThat(ids(chain.query(ChainQuery.ALL.withTime(t.plusMillis(7), null))))
        .containsExactly("p-2", "c-2");
    assertThat(ids(chain.query(ChainQuery.ALL.withTime(null, t.plusMillis(1)))))
        .containsExactly("p-1");
    assertThat(
            ids(
                chain.query(
                    ChainQuery.ALL
                        .withCapability("weather.current")
                        .withCaller("ada")
                        .withType("CapabilityResult"))))
        .containsExactly("r-1");
    assertThat(ids(chain.query(ChainQuery.ALL.withLimit(2)))).containsExactly("p-1", "s-1");
    assertThat(ids(chain.query(ChainQuery.ALL.after(6).withLimit(2))))
        .containsExactly("p-2", "c-2");
    assertThat(ids(chain.children("s-1"))).containsExactly("c-1", "s-1-done");
    assertThat(ids(chain.children("r-1"))).isEmpty();
    assertThat(chain.parent("r-1"))
        .hasValueSatisfying(e -> assertThat(e.columns().actionId()).isEqualTo("c-1"));
    assertThat(chain.parent("p-1")).isEmpty();

    List<CausalChain.Node> tree = chain.tree("p-1");
    assertThat(tree).hasSize(1);
    CausalChain.Node plan = tree.getFirst();
    assertThat(plan.action().type()).isEqualTo(EventType.PlanStarted);
    assertThat(plan.children()).extracting(n -> n.action().id()).containsExactly("s-1", "p-1-done");
    CausalChain.Node step = plan.children().getFirst();
    assertThat(step.children()).extracting(n -> n.action().id()).containsExactly("c-1", "s-1-done");
    assertThat(step.children().getFirst().children())
        .extracting(n -> n.action().id())
        .containsExactly("r-1");
    assertThat(chain.tree("nope")).isEmpty();
  }
}
