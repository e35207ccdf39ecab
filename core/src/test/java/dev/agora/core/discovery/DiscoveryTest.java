package dev.agora.core.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventSink;
import dev.agora.chain.event.EventType;
import dev.agora.chain.event.MemorySink;
import dev.agora.core.Marketplace;
import dev.agora.core.call.policy.IsolationPolicy;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.call.resilience.ResiliencePolicy;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.spi.DiscoverySource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class DiscoveryTest {

  @TempDir Path dir;

  static AgoraConfig configWith(List<DiscoverySource> sources) {
    return new AgoraConfig(
        null,
        sources,
        IsolationPolicy.allowAll(),
        Map.of("local", SecurityContext.full("local")),
        "local",
        null,
        AgoraConfig.Storage.MEMORY,
        AgoraConfig.Chain.DEFAULT,
        ResiliencePolicy.DEFAULT,
        Map.of());
  }

  @Test
  void a_file_source_loads_the_good_manifests_and_reports_the_bad_file() throws Exception {
    Files.writeString(dir.resolve("a.yaml"), "id: a.one\nprovider: local\n");
    Files.createDirectories(dir.resolve("sub"));
    Files.writeString(dir.resolve("sub/b.json"), "{\"id\": \"b.two\", \"provider\": \"local\"}");
    Files.writeString(dir.resolve("broken.yaml"), "id: [\n");
    Files.writeString(dir.resolve("notes.txt"), "ignored");
    DiscoverySource.Found found = new FileSource("files", dir, false).discover();
    assertThat(found.manifests())
        .extracting(CapabilityManifest::id)
        .containsExactlyInAnyOrder("a.one", "b.two");
    assertThat(found.problems()).hasSize(1);
    assertThat(found.problems().get(0).file()).endsWith("broken.yaml");
  }

  @Test
  void added_changed_and_removed_files_update_the_registry_while_running() throws Exception {
    BlockingQueue<Event> changes = new LinkedBlockingQueue<>();
    EventSink sink =
        e -> {
          if (e.capabilityId() != null && e.capabilityId().startsWith("hot.")) {
            changes.add(e);
          }
        };
    FileSource source = new FileSource("hot", dir, true);
    try (Marketplace m =
        Marketplace.builder().config(configWith(List.of(source))).sink(sink).log(l -> {}).build()) {
      m.bootstrap();
      Files.writeString(
          dir.resolve("hot.yaml"), "id: hot.one\nprovider: local\ndescription: first\n");
      assertThat(next(changes).type()).isEqualTo(EventType.CapabilityRegistered);
      assertThat(m.registry().get("hot.one").description()).isEqualTo("first");

      Files.writeString(
          dir.resolve("hot.yaml"),
          "- {id: hot.one, provider: local, description: second}\n"
              + "- {id: hot.two, provider: local}\n");
      List<EventType> seen = List.of(next(changes).type(), next(changes).type());
      assertThat(seen)
          .containsExactlyInAnyOrder(EventType.CapabilityUpdated, EventType.CapabilityRegistered);
      assertThat(m.registry().get("hot.one").description()).isEqualTo("second");

      Files.writeString(dir.resolve("hot.yaml"), "- {id: hot.two, provider: local}\n");
      Event removed = next(changes);
      assertThat(removed.type()).isEqualTo(EventType.CapabilityRemoved);
      assertThat(removed.capabilityId()).isEqualTo("hot.one");
      assertThat(m.registry().get("hot.one")).isNull();

      Files.delete(dir.resolve("hot.yaml"));
      assertThat(next(changes).capabilityId()).isEqualTo("hot.two");
      assertThat(m.registry().get("hot.two")).isNull();
    }
  }

  private static Event next(BlockingQueue<Event> q) throws InterruptedException {
    Event e = q.poll(30, TimeUnit.SECONDS);
    assertThat(e).as("a registry change within 30 s").isNotNull();
    return e;
  }

  @Test
  void bootstrap_reports_and_skips_a_failing_source_and_shows_progress_for_a_slow_one() {
    List<String> progress = new CopyOnWriteArrayList<>();
    CountDownLatch progressShown = new CountDownLatch(1);
    DiscoverySource failing =
        new DiscoverySource() {
          @Override
          public String name() {
            return "registry";
          }

          @Override
          public Found discover() throws IOException {
            throw new IOException("connection refused");
          }
        };
    DiscoverySource slow =
        new DiscoverySource() {
          @Override
          public String name() {
            return "slow";
          }

          @Override
          public Found discover() throws InterruptedException {
            progressShown.await(); // finishes only once start-up has said it is slow
            return new Found(List.of(CapabilityManifest.builder("slow.one").build()), List.of());
          }
        };
    DiscoverySource hung =
        new DiscoverySource() {
          @Override
          public String name() {
            return "hung";
          }

          @Override
          public Found discover() throws InterruptedException {
            new CountDownLatch(1).await();
            return null;
          }
        };
    DiscoverySource fine =
        new StaticSource("inline", List.of(CapabilityManifest.builder("fine.one").build()));
    MemorySink sink = new MemorySink(100);
    try (Marketplace m =
        Marketplace.builder()
            .config(configWith(List.of(failing, slow, hung, fine)))
            .sink(sink)
            .log(l -> {})
            .build()) {
      List<Bootstrap.SourceReport> reports =
          m.bootstrap(
              Duration.ofMillis(20),
              Duration.ofSeconds(3),
              line -> {
                progress.add(line);
                if (line.contains("'slow'")) {
                  progressShown.countDown();
                }
              });
      assertThat(reports)
          .extracting(Bootstrap.SourceReport::source)
          .containsExactly("registry", "slow", "hung", "inline");
      assertThat(reports.get(0).failure()).isEqualTo("connection refused");
      assertThat(reports.get(1).failure()).isNull();
      assertThat(reports.get(1).registered()).isEqualTo(1);
      assertThat(reports.get(2).failure()).isEqualTo("gave no answer within 3.0 s");
      assertThat(reports.get(3).failure())
          .as("finished long before the hung source used up the wait")
          .isNull();
      assertThat(reports.get(3).registered()).isEqualTo(1);
      assertThat(m.registry().get("slow.one")).isNotNull();
      assertThat(m.registry().get("fine.one")).isNotNull();
      assertThat(m.registry().get("ccos.echo")).as("defaults come first").isNotNull();
      assertThat(progress).anyMatch(l -> l.startsWith("discovery: 'slow' still running after"));
      List<Event> done = sink.events(EventType.DiscoveryCompleted);
      assertThat(done).hasSize(4);
      assertThat(done.get(0).success()).isFalse();
      assertThat(done.get(0).error()).isEqualTo("connection refused");
    }
  }

  @Test
  void sources_are_discovered_concurrently() {
    CountDownLatch aStarted = new CountDownLatch(1);
    CountDownLatch bStarted = new CountDownLatch(1);
    DiscoverySource a = waiting("a", aStarted, bStarted);
    DiscoverySource b = waiting("b", bStarted, aStarted);
    try (Marketplace m =
        Marketplace.builder().config(configWith(List.of(a, b))).log(l -> {}).build()) {
      List<Bootstrap.SourceReport> reports =
          m.bootstrap(Duration.ofSeconds(5), Duration.ofSeconds(30), l -> {});
      assertThat(reports)
          .allSatisfy(
              r ->
                  assertThat(r.failure())
                      .as("each waits for the other: sequential would hang")
                      .isNull());
      assertThat(m.registry().get("a.cap")).isNotNull();
      assertThat(m.registry().get("b.cap")).isNotNull();
    }
  }

  private static DiscoverySource waiting(String name, CountDownLatch mine, CountDownLatch other) {
    return new DiscoverySource() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Found discover() throws InterruptedException {
        mine.countDown();
        if (!other.await(20, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the other source never started");
        }
        return new Found(List.of(CapabilityManifest.builder(name + ".cap").build()), List.of());
      }
    };
  }
}
