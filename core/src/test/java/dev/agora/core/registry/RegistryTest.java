package dev.agora.core.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.event.EventType;
import dev.agora.chain.event.MemorySink;
import dev.agora.core.TestClock;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Glob;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RegistryTest {

  private final MemorySink sink = new MemorySink(10_000);
  private Registry registry;

  @BeforeEach
  void setUp() {
    registry = new Registry(sink, new TestClock("2026-11-21T10:00:00Z"));
  }

  private static CapabilityManifest cap(
      String id, String version, String description, String... effects) {
    return CapabilityManifest.builder(id)
        .version(version)
        .description(description)
        .effects(effects)
        .build();
  }

  @Test
  void register_update_unchanged_remove_and_their_events() {
    assertThat(registry.register(cap("a.b", "1.0.0", "first"), "test"))
        .isEqualTo(Registry.Change.REGISTERED);
    assertThat(registry.register(cap("a.b", "1.0.0", "first"), "test"))
        .isEqualTo(Registry.Change.UNCHANGED);
    assertThat(registry.register(cap("a.b", "1.0.0", "second"), "test"))
        .isEqualTo(Registry.Change.UPDATED);
    assertThat(registry.get("a.b").description()).isEqualTo("second");
    assertThat(registry.get("a.b").provenance().source()).isEqualTo("test");
    assertThat(registry.get("a.b").provenance().contentHash()).hasSize(64);
    assertThat(registry.remove("a.b")).isTrue();
    assertThat(registry.remove("a.b")).isFalse();
    assertThat(registry.get("a.b")).isNull();
    assertThat(sink.events())
        .extracting(e -> e.type())
        .containsExactly(
            EventType.CapabilityRegistered,
            EventType.CapabilityUpdated,
            EventType.CapabilityRemoved);
    assertThat(sink.events().get(1).metadata().get("previous_hash")).isNotNull();
  }

  @Test
  void versions_and_ranges() {
    registry.register(cap("db.query", "1.2.0", ""), "t");
    registry.register(cap("db.query", "2.0.0", ""), "t");
    registry.register(cap("db.query", "1.10.1", ""), "t");
    registry.register(cap("db.query", "2.1.0-rc.1", ""), "t");
    assertThat(registry.get("db.query").version()).isEqualTo("2.1.0-rc.1");
    assertThat(registry.get("db.query", "1.2.0")).isNotNull();
    assertThat(registry.get("db.query", "3.0.0")).isNull();
    assertThat(registry.resolve("db.query", "^1.2").version())
        .as("semantic, not string order")
        .isEqualTo("1.10.1");
    assertThat(registry.resolve("db.query", ">=2.0.0 <2.1.0").version()).isEqualTo("2.0.0");
    assertThat(registry.resolve("db.query", "^3")).isNull();
    assertThat(registry.versions("db.query"))
        .extracting(CapabilityManifest::version)
        .containsExactly("2.1.0-rc.1", "2.0.0", "1.10.1", "1.2.0");
    assertThat(registry.remove("db.query", "2.1.0-rc.1")).isTrue();
    assertThat(registry.get("db.query").version()).isEqualTo("2.0.0");
    assertThat(registry.size()).isEqualTo(1);
  }

  @Test
  void search_by_glob_namespace_effect_and_text() {
    registry.register(cap("ccos.math.add", "1.0.0", "Adds numbers", "pure"), "t");
    registry.register(cap("ccos.math.trig.sin", "1.0.0", "Sine of an angle", "pure"), "t");
    registry.register(cap("ccos.io.log", "1.0.0", "Writes a log line", "logging"), "t");
    registry.register(cap("evil.ccos.math.add", "1.0.0", "Not what it seems", "network"), "t");
    registry.register(cap("ccosx.tool", "1.0.0", "Another namespace", "network"), "t");
    registry.register(
        cap("weather.current", "1.0.0", "Current weather for a city", "network"), "t");

    assertThat(ids(Query.glob("ccos.math.*")))
        .containsExactly("ccos.math.add", "ccos.math.trig.sin");
    assertThat(ids(Query.glob("*.add"))).containsExactly("ccos.math.add", "evil.ccos.math.add");
    assertThat(ids(Query.ALL.withNamespace("ccos")))
        .containsExactly("ccos.io.log", "ccos.math.add", "ccos.math.trig.sin");
    assertThat(ids(Query.ALL.withEffect("pure")))
        .containsExactly("ccos.math.add", "ccos.math.trig.sin");
    assertThat(ids(Query.ALL.withEffect(":Network")))
        .containsExactly("ccosx.tool", "evil.ccos.math.add", "weather.current");
    assertThat(ids(Query.ALL.withText("weath cur"))).containsExactly("weather.current");
    assertThat(ids(Query.ALL.withText("ADDS"))).containsExactly("ccos.math.add");
    assertThat(ids(Query.ALL.withText("nothing-like-this"))).isEmpty();
    assertThat(ids(new Query(Glob.of("ccos.*"), null, "pure", "sine", 10)))
        .containsExactly("ccos.math.trig.sin");
    assertThat(ids(Query.ALL.withLimit(2))).hasSize(2);
  }

  @Test
  void search_sees_only_the_latest_version_and_removed_ids_disappear() {
    registry.register(cap("x.y", "1.0.0", "old words"), "t");
    registry.register(cap("x.y", "2.0.0", "new words"), "t");
    assertThat(ids(Query.ALL.withText("new"))).containsExactly("x.y");
    assertThat(ids(Query.ALL.withText("old"))).isEmpty();
    registry.remove("x.y", "2.0.0");
    assertThat(ids(Query.ALL.withText("old"))).containsExactly("x.y");
    registry.remove("x.y");
    assertThat(ids(Query.ALL)).isEmpty();
  }

  @Test
  void suggestions_for_near_misses() {
    registry.register(cap("ccos.math.add", "1.0.0", ""), "t");
    registry.register(cap("ccos.math.sub", "1.0.0", ""), "t");
    registry.register(cap("weather.current", "1.0.0", ""), "t");
    assertThat(registry.suggest("ccos.math.ad", 3)).first().isEqualTo("ccos.math.add");
    assertThat(registry.suggest("weather.curent", 3)).containsExactly("weather.current");
    assertThat(registry.suggest("completely.different", 3)).isEmpty();
  }

  @Test
  void many_threads_registering_and_reading_see_consistent_state() throws Exception {
    int threads = 8;
    int each = 500;
    CountDownLatch start = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int n = t;
      all.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      start.await();
                      for (int i = 0; i < each; i++) {
                        registry.register(cap("t" + n + ".cap" + i, "1.0.0", "word" + i), "t");
                        assertThat(registry.get("t" + n + ".cap" + i)).isNotNull();
                        registry.search(Query.ALL.withText("word" + i).withLimit(5));
                      }
                    } catch (Throwable e) {
                      failure.compareAndSet(null, e);
                    }
                  }));
    }
    start.countDown();
    for (Thread t : all) {
      t.join();
    }
    assertThat(failure.get()).isNull();
    assertThat(registry.size()).isEqualTo(threads * each);
    assertThat(registry.search(Query.ALL.withLimit(Integer.MAX_VALUE))).hasSize(threads * each);
    assertThat(sink.count()).isEqualTo(threads * each);
  }

  private List<String> ids(Query q) {
    return registry.search(q).stream().map(CapabilityManifest::id).toList();
  }
}
