package dev.agora.chain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventType;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Cross-node causal links (issue 18): a result that says another node recorded actions under its
 * call verifies only if those actions are in the log, children of that call.
 */
class RemoteLinksTest {

  private final ChainKey key = ChainKey.generate("remote-links-test");

  private CausalChain chain(List<Event> events) {
    Ledger ledger =
        new Ledger(
            new MemoryChainStore(),
            key,
            new Ledger.Settings(Ledger.Durability.DURABLE, Recording.DEFAULT, 0, 64),
            l -> {});
    events.forEach(ledger::append);
    return new CausalChain(ledger, List.of(key.verifier()));
  }

  private static Event event(String id, EventType type, String parent) {
    return Event.of(id, type, Samples.T0, parent, null, "ops");
  }

  private static Event result(String callId, Value remote) {
    Event e = event("r-" + callId, EventType.CapabilityResult, callId);
    return new Event(
        e.id(),
        e.parentId(),
        e.planId(),
        e.type(),
        e.at(),
        "remote.twice",
        "1.0.0",
        e.caller(),
        null,
        Value.of(3),
        true,
        null,
        null,
        0,
        null,
        Dict.builder().put("remote", remote).put("node", Value.of("agora-2")).build());
  }

  private static Dict remote(String... children) {
    return Dict.builder()
        .put("node", Value.of("agora-2"))
        .put("children", Vec.of(List.of(children).stream().map(Value::of).toList()))
        .build();
  }

  @Test
  void thePeersActionsInTheLogUnderTheCallVerify() {
    CausalChain chain =
        chain(
            List.of(
                event("k1", EventType.CapabilityCall, "c1"), // the peer's, before the call's entry
                event("k2", EventType.CapabilityCall, "c1"),
                event("c1", EventType.CapabilityCall, null),
                result("c1", remote("k1", "k2")),
                event("c2", EventType.CapabilityCall, null),
                result("c2", remote()))); // ran there, called nothing
    Verifier.Report r = chain.verify();
    assertThat(r.ok()).as(r.toString()).isTrue();
  }

  @Test
  void anActionNamedButAbsentFailsNamingTheResult() {
    CausalChain chain =
        chain(
            List.of(
                event("k1", EventType.CapabilityCall, "c1"),
                event("c1", EventType.CapabilityCall, null),
                result("c1", remote("k1", "gone"))));
    Verifier.Report r = chain.verify();
    assertThat(r.ok()).isFalse();
    assertThat(r.firstBad()).isEqualTo(2);
    assertThat(r.reason())
        .isEqualTo(
            "a cross-node link does not hold: entry 2 says node agora-2 recorded gone under call"
                + " c1, and the log has no such entry");
  }

  @Test
  void anActionNamedUnderAnotherParentFails() {
    CausalChain chain =
        chain(
            List.of(
                event("k1", EventType.CapabilityCall, "elsewhere"),
                event("c1", EventType.CapabilityCall, null),
                result("c1", remote("k1"))));
    Verifier.Report r = chain.verify();
    assertThat(r.ok()).isFalse();
    assertThat(r.reason())
        .isEqualTo(
            "a cross-node link does not hold: entry 0 is named by entry 2 as node agora-2's action"
                + " under call c1 but its parent is elsewhere");
  }

  @Test
  void resultsWithoutALinkOrWithAMalformedOneAreLeftAlone() {
    Event odd = result("c1", Dict.builder().put("children", Value.of("k1")).build());
    Event numbered =
        result(
            "c2",
            Dict.builder().put("node", Value.of(7)).put("children", Vec.of(Value.of(1))).build());
    CausalChain chain =
        chain(
            List.of(
                event("c1", EventType.CapabilityCall, null),
                odd,
                event("c2", EventType.CapabilityCall, null),
                numbered,
                event("c3", EventType.CapabilityResult, "c3")));
    assertThat(chain.verify().ok()).isTrue();
  }
}
