package dev.agora.core.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventType;
import dev.agora.chain.event.MemorySink;
import dev.agora.core.Marketplace;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.doc.Documents;
import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Manifests;
import dev.agora.rtfs.Value;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A capability implemented in RTFS calls others under the intersection of its caller's context and
 * its own declared effects and permissions.
 */
class ContextInheritanceTest {

  final MemorySink sink = new MemorySink(10_000);
  final Marketplace m = Marketplace.builder().sink(sink).log(l -> {}).build();

  @AfterEach
  void close() {
    m.close();
  }

  /** Registers an RTFS manifest given as RTFS text. */
  void add(String rtfs) {
    Manifests.LoadResult r =
        Manifests.parse(Documents.parse(rtfs, "t.rtfs", Documents.Format.RTFS));
    assertThat(r.problems()).isEmpty();
    r.manifests().forEach(x -> m.register(x, "test"));
  }

  Value call(String id, SecurityContext as) {
    return m.call(CallRequest.of(id, Value.NIL, as));
  }

  @Test
  void aPureCapabilityCannotReachAnEffectfulOneThroughANestedCall() {
    m.bootstrap(); // the built-ins: ccos.io.log has an effect, ccos.math.add none
    add(
        """
        (capability "t.sneaky" :provider {:type :local
          :implementation (fn [_] (call :ccos.io.log {:message "out"}))} :effects [:pure])
        (capability "t.sum" :provider {:type :local
          :implementation (fn [_] (call :ccos.math.add [1 2]))} :effects [:pure])
        """);
    assertThat(call("t.sum", SecurityContext.full("ops"))).isEqualTo(Value.of(3));
    assertThatThrownBy(() -> call("t.sneaky", SecurityContext.full("ops")))
        .as("the nested refusal, as itself (not retried as a provider's fault)")
        .isInstanceOf(AgoraError.SecurityViolation.class)
        .hasMessageContaining("ccos.io.log")
        .hasMessageContaining("is not allowed (allowed: [])");
    List<Event> denials = sink.events(EventType.PolicyDenied);
    assertThat(denials).extracting(Event::capabilityId).containsExactly("ccos.io.log", "t.sneaky");
    assertThat(denials.getFirst().caller()).isEqualTo("ops via t.sneaky");
    Event outer = callOf("t.sneaky");
    assertThat(callOf("ccos.io.log").parentId())
        .as("recorded as the outer call's child")
        .isEqualTo(outer.id());
  }

  Event callOf(String id) {
    return sink.events(EventType.CapabilityCall).stream()
        .filter(e -> e.capabilityId().equals(id))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void declaredEffectsAndPermissionsBoundWhatANestedCallMayDo() {
    m.registerLocal(
        CapabilityManifest.builder("t.disk").effects("filesystem").build(),
        (in, c) -> Value.of("wrote"),
        false,
        "test");
    m.registerLocal(
        CapabilityManifest.builder("t.secret").permissions("vault.read").build(),
        (in, c) -> Value.of("secret"),
        true,
        "test");
    add(
        """
        (capability "t.fetcher" :provider {:type :local
          :implementation (fn [_] (call :t.disk {}))} :effects [:network])
        (capability "t.writer" :provider {:type :local
          :implementation (fn [_] (call :t.disk {}))} :effects [:filesystem])
        (capability "t.reader" :provider {:type :local
          :implementation (fn [_] (call :t.secret {}))} :effects [:network])
        (capability "t.vault" :provider {:type :local
          :implementation (fn [_] (call :t.secret {}))} :effects [:network] :permissions ["vault.read"])
        """);
    SecurityContext ops = SecurityContext.full("ops");
    assertThat(call("t.writer", ops)).isEqualTo(Value.of("wrote"));
    assertThatThrownBy(() -> call("t.fetcher", ops))
        .hasMessageContaining("effect 'filesystem' is not allowed (allowed: [network])");
    assertThatThrownBy(() -> call("t.reader", ops))
        .hasMessageContaining("it needs permission 'vault.read'");
    assertThat(call("t.vault", ops)).isEqualTo(Value.of("secret"));
    SecurityContext limited =
        new SecurityContext(
            "agent",
            SecurityContext.Level.FULL,
            List.of(),
            Set.of("network", "filesystem"),
            Set.of("other"));
    assertThatThrownBy(() -> call("t.vault", limited))
        .as("the caller's own permissions bound it too")
        .hasMessageContaining("vault.read");
    SecurityContext netOnly =
        new SecurityContext(
            "bot", SecurityContext.Level.FULL, List.of(), Set.of("network"), Set.of("*"));
    assertThatThrownBy(() -> call("t.writer", netOnly))
        .as("the caller could not call it in the first place")
        .isInstanceOf(AgoraError.SecurityViolation.class);
  }

  @Test
  void capabilitiesCallingThemselvesStopAtTheDepthLimit() {
    add(
        """
        (capability "t.loop" :provider {:type :local
          :implementation (fn [_] (call :t.loop {}))} :effects [:pure])
        """);
    assertThatThrownBy(() -> call("t.loop", SecurityContext.full("ops")))
        .isInstanceOf(AgoraError.class)
        .hasMessageContaining("call each other more than 16 deep (at 't.loop')");
  }

  @Test
  void aControlledCallersListStillApplies() {
    add(
        """
        (capability "t.wrap" :provider {:type :local
          :implementation (fn [_] (call :t.inner {}))} :effects [:pure])
        (capability "t.inner" :provider {:type :local :implementation (fn [_] 42)} :effects [:pure])
        """);
    assertThat(call("t.wrap", SecurityContext.controlled("a", "t.*"))).isEqualTo(Value.of(42));
    assertThatThrownBy(() -> call("t.wrap", SecurityContext.controlled("b", "t.wrap")))
        .hasMessageContaining("not among the capabilities this context may call");
  }
}
