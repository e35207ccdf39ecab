package dev.agora.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.core.Marketplace;
import dev.agora.core.doc.Documents;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Manifests;
import dev.agora.core.spi.RegistryStore;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * {@link RegistryMirror#follow}: two marketplaces on one registry store that says when it changed
 * (as a shared SQL store does) — what one registers or removes at run time, the other takes in; an
 * unreadable stored manifest is reported and skipped; what the other node did not register at run
 * time is never removed by following.
 */
class RegistryFollowTest {

  /** A shared store: the memory store's registry, with a fingerprint as a SQL store has one. */
  static RegistryStore shared(RegistryStore inner) {
    return new RegistryStore() {
      @Override
      public void put(Stored m) {
        inner.put(m);
      }

      @Override
      public boolean remove(String id, String version) {
        return inner.remove(id, version);
      }

      @Override
      public List<Stored> all() {
        return inner.all();
      }

      @Override
      public String fingerprint() {
        return Integer.toHexString(inner.all().hashCode());
      }
    };
  }

  static CapabilityManifest manifest(String id, String description) {
    return Manifests.parse(
            Documents.parse(
                "id: "
                    + id
                    + "\ndescription: "
                    + description
                    + "\nprovider: {type: local, implementation: \"(fn [x] x)\"}\n",
                "m.yaml",
                Documents.Format.YAML))
        .manifests()
        .getFirst();
  }

  @Test
  void whatOneRegistersOrRemovesTheOtherTakesIn() {
    RegistryStore store = shared(new MemoryStore().registry());
    List<String> log = new CopyOnWriteArrayList<>();
    try (Marketplace a = Marketplace.builder().registryStore(store).log(log::add).build();
        Marketplace b = Marketplace.builder().registryStore(store).log(log::add).build()) {
      a.bootstrap();
      b.bootstrap();
      assertThat(b.followStore()).isZero();
      assertThat(b.followStore()).as("unchanged: not even read").isZero();
      a.register(manifest("shared.one", "first"), "test");
      b.registerLocal(
          CapabilityManifest.builder("b.own").input(":any").output(":any").effects("pure").build(),
          (in, c) -> in,
          true,
          "test");
      store.put(
          new RegistryStore.Stored(
              "broken.one",
              "1.0.0",
              "runtime:test",
              "{:id",
              Instant.parse("2026-12-05T00:00:00Z")));
      assertThat(b.followStore()).isEqualTo(1);
      assertThat(b.registry().get("shared.one").description()).isEqualTo("first");
      assertThat(log).anyMatch(l -> l.contains("stored manifest broken.one 1.0.0 is unreadable"));
      a.register(manifest("shared.one", "second"), "test");
      assertThat(b.followStore()).isEqualTo(1);
      assertThat(b.registry().get("shared.one").description()).isEqualTo("second");
      // b.own is b's code, not a runtime registration: it is never removed by following
      store.remove("b.own", "1.0.0");
      a.unregister("shared.one", null);
      assertThat(b.followStore()).isEqualTo(1);
      assertThat(b.registry().get("shared.one")).isNull();
      assertThat(b.registry().get("b.own")).isNotNull();
      assertThat(a.followStore()).isZero();
      // what b takes in is a's, already stored: b does not write it back
      a.register(manifest("shared.two", "a's"), "test");
      java.time.Instant storedAt = stored(store, "shared.two");
      assertThat(b.followStore()).isEqualTo(1);
      assertThat(stored(store, "shared.two")).isEqualTo(storedAt);
      // a removal on a of what b registered reaches b, though b never looked after a's look
      b.register(manifest("shared.three", "b's"), "test");
      assertThat(a.followStore()).isEqualTo(1);
      a.unregister("shared.three", null);
      assertThat(b.followStore()).isEqualTo(1);
      assertThat(b.registry().get("shared.three")).isNull();
    }
  }

  private static java.time.Instant stored(RegistryStore store, String id) {
    return store.all().stream()
        .filter(s -> s.id().equals(id))
        .findFirst()
        .orElseThrow()
        .registeredAt();
  }
}
