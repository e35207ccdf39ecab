package dev.agora.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.chain.ChainQuery;
import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventSink;
import dev.agora.chain.event.EventType;
import dev.agora.chain.event.MemorySink;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.IsolationPolicy;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.call.resilience.ResiliencePolicy;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.discovery.StaticSource;
import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.spi.DiscoverySource;
import dev.agora.core.spi.RegistryStore;
import dev.agora.core.store.MemoryStore;
import dev.agora.rtfs.ErrorKind;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Reader;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The node: the chain under the call path, and the registry kept in the store across restarts. */
class NodeTest {

  private static final SecurityContext ME = SecurityContext.full("me");

  static AgoraConfig config(List<DiscoverySource> sources) {
    return new AgoraConfig(
        null,
        sources,
        IsolationPolicy.allowAll(),
        Map.of("local", ME),
        "local",
        null,
        AgoraConfig.Storage.MEMORY,
        AgoraConfig.Chain.DEFAULT,
        ResiliencePolicy.DEFAULT,
        Map.of());
  }

  private static CapabilityManifest manifest(String id) {
    return CapabilityManifest.builder(id).input(":any").output(":any").effects("pure").build();
  }

  @Test
  void aCallTheChainCannotRecordIsNotMade() {
    AtomicInteger ran = new AtomicInteger();
    EventSink broken =
        e -> {
          if (e.type() == EventType.CapabilityCall) {
            throw new IllegalStateException("disk full");
          }
        };
    try (Marketplace m = Marketplace.builder().sink(broken).log(l -> {}).build()) {
      m.registerLocal(
          manifest("t.count"), (in, c) -> Value.of(ran.incrementAndGet()), true, "test");
      assertThatThrownBy(() -> m.call(CallRequest.of("t.count", Value.NIL, ME)))
          .isInstanceOfSatisfying(
              AgoraError.NotRecorded.class,
              e -> assertThat(e.kind()).isEqualTo(ErrorKind.NotRecorded))
          .hasMessage(
              "capability 't.count': the Causal Chain could not record CapabilityCall (disk full); "
                  + "the call was not made");
      assertThat(ran).hasValue(0);
    }
  }

  @Test
  void aResultTheChainCannotRecordIsWithheld() {
    EventSink broken =
        e -> {
          if (e.type() == EventType.CapabilityResult) {
            throw new IllegalStateException("disk full");
          }
        };
    try (Marketplace m = Marketplace.builder().sink(broken).log(l -> {}).build()) {
      m.registerLocal(manifest("t.one"), (in, c) -> Value.of(1), true, "test");
      assertThatThrownBy(() -> m.call(CallRequest.of("t.one", Value.NIL, ME)))
          .isInstanceOf(AgoraError.NotRecorded.class)
          .hasMessageEndingWith("the call ran but its result is withheld");
    }
  }

  /**
   * A marketplace on {@code store} with these sources, bootstrapped; returns the events it emitted.
   */
  private static MemorySink start(
      MemoryStore store, List<DiscoverySource> sources, Consumer<Marketplace> then) {
    MemorySink sink = new MemorySink(10_000);
    try (Marketplace m =
        Marketplace.builder()
            .config(config(sources))
            .sink(sink)
            .registryStore(store.registry())
            .log(l -> {})
            .build()) {
      m.bootstrap();
      then.accept(m);
    }
    return sink;
  }

  private static List<String> registryEvents(MemorySink sink) {
    return sink.events().stream()
        .filter(
            e ->
                e.type().name().startsWith("Capability")
                    && e.type() != EventType.CapabilityCall
                    && e.type() != EventType.CapabilityResult)
        .map(e -> e.type() + " " + e.capabilityId())
        .toList();
  }

  @Test
  void aRestartRestoresTheRegistrySilentlyAndReconcilesIt() {
    MemoryStore store = new MemoryStore();
    StaticSource shop = new StaticSource("shop", List.of(manifest("shop.a"), manifest("shop.b")));
    MemorySink first = start(store, List.of(shop), m -> m.register(manifest("mine.x"), "api"));
    assertThat(registryEvents(first))
        .contains(
            "CapabilityRegistered shop.a",
            "CapabilityRegistered mine.x",
            "CapabilityRegistered ccos.echo");
    assertThat(store.registry().all())
        .extracting(RegistryStore.Stored::id)
        .contains("shop.a", "shop.b", "mine.x", "ccos.echo");
    assertThat(store.registry().all())
        .filteredOn(s -> s.id().equals("mine.x"))
        .singleElement()
        .satisfies(s -> assertThat(s.source()).isEqualTo("runtime:api"));

    // same sources again: nothing new to say
    MemorySink second =
        start(store, List.of(shop), m -> assertThat(m.registry().get("mine.x")).isNotNull());
    assertThat(registryEvents(second)).isEmpty();

    // shop.b gone from its source, and the source "shop" dropped entirely later: removed; mine.x
    // stays
    StaticSource smaller = new StaticSource("shop", List.of(manifest("shop.a")));
    MemorySink third = start(store, List.of(smaller), m -> {});
    assertThat(registryEvents(third)).containsExactly("CapabilityRemoved shop.b");
    MemorySink fourth =
        start(store, List.of(), m -> assertThat(m.registry().get("mine.x")).isNotNull());
    assertThat(registryEvents(fourth)).containsExactly("CapabilityRemoved shop.a");

    // a source that fails keeps what it had
    start(store, List.of(shop), m -> {});
    DiscoverySource failing =
        new DiscoverySource() {
          @Override
          public String name() {
            return "shop";
          }

          @Override
          public Found discover() {
            throw new IllegalStateException("server down");
          }
        };
    MemorySink down =
        start(store, List.of(failing), m -> assertThat(m.registry().get("shop.b")).isNotNull());
    assertThat(registryEvents(down)).isEmpty();
    start(store, List.of(), m -> assertThat(m.unregister("mine.x", null)).isTrue());
    assertThat(store.registry().all())
        .extracting(RegistryStore.Stored::id)
        .doesNotContain("mine.x", "shop.a");
  }

  @Test
  void aNodeRecordsItsCallsInAVerifiableChain() {
    MemorySink trace = new MemorySink(100);
    try (AgoraNode node = AgoraNode.open(config(List.of()), trace, l -> {})) {
      node.marketplace().bootstrap();
      assertThat(
              node.marketplace()
                  .call(CallRequest.of("ccos.math.add", Reader.readValue("[1 2]"), ME)))
          .isEqualTo(Value.of(3));
      List<Event> traced = trace.events(EventType.CapabilityResult);
      assertThat(traced).hasSize(1);
      assertThat(node.chain().query(ChainQuery.ALL.withType("CapabilityResult")))
          .singleElement()
          .satisfies(e -> assertThat(e.action().result()).isEqualTo(Value.of(3)));
      assertThat(node.chain().verify().ok()).isTrue();
    }
  }
}
