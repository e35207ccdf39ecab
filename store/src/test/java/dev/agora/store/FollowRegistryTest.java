package dev.agora.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.event.EventSink;
import dev.agora.core.AgoraNode;
import dev.agora.core.Marketplace;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ConfigLoader;
import dev.agora.core.doc.Documents;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Manifests;
import dev.agora.core.store.MemoryStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one store (issue 18): what one registers, changes or removes at run time, the other
 * takes in when it next follows the store — and nothing while the store is unchanged.
 */
class FollowRegistryTest {

  @TempDir Path dir;

  static CapabilityManifest manifest(String id, String description) {
    return Manifests.parse(
            Documents.parse(
                "id: "
                    + id
                    + "\ndescription: "
                    + description
                    + "\neffects: [pure]\nprovider: {type: local, implementation: \"(fn [x] x)\"}\n",
                "m.yaml",
                Documents.Format.YAML))
        .manifests()
        .getFirst();
  }

  @Test
  void aRuntimeRegistrationOnOneNodeReachesTheOther() throws Exception {
    Path file = dir.resolve("agora.yaml");
    Files.writeString(file, "data_dir: data\n");
    AgoraConfig cfg = ConfigLoader.load(file);
    try (AgoraNode one = AgoraNode.open(cfg, EventSink.NONE, l -> {});
        AgoraNode two = AgoraNode.open(cfg, EventSink.NONE, l -> {})) {
      one.marketplace().bootstrap();
      two.marketplace().bootstrap();
      Marketplace a = one.marketplace();
      Marketplace b = two.marketplace();
      assertThat(b.followStore()).as("the first look: nothing to take in").isZero();
      a.register(manifest("shared.greet", "hello"), "rest operator/ops");
      assertThat(b.registry().get("shared.greet")).isNull();
      assertThat(b.followStore()).isEqualTo(1);
      CapabilityManifest taken = b.registry().get("shared.greet");
      assertThat(taken.description()).isEqualTo("hello");
      assertThat(taken.provenance().source()).isEqualTo("runtime:rest operator/ops");
      assertThat(a.followStore()).as("its own registration, unchanged").isZero();
      assertThat(b.followStore()).as("the store unchanged since").isZero();
      a.register(manifest("shared.greet", "hello again"), "rest operator/ops");
      assertThat(b.followStore()).isEqualTo(1);
      assertThat(b.registry().get("shared.greet").description()).isEqualTo("hello again");
      a.unregister("shared.greet", null);
      assertThat(b.followStore()).isEqualTo(1);
      assertThat(b.registry().get("shared.greet")).isNull();
      assertThat(a.followStore()).isZero();
    }
  }

  @Test
  void registrationsInABurstWhileTheOtherNodeKeepsFollowingEndTheSameOnBoth() throws Exception {
    Path file = dir.resolve("agora.yaml");
    Files.writeString(file, "data_dir: data\n");
    AgoraConfig cfg = ConfigLoader.load(file);
    long seed = System.nanoTime();
    System.out.println("FollowRegistryTest burst seed " + seed);
    java.util.Random random = new java.util.Random(seed);
    try (AgoraNode one = AgoraNode.open(cfg, EventSink.NONE, l -> {});
        AgoraNode two = AgoraNode.open(cfg, EventSink.NONE, l -> {})) {
      one.marketplace().bootstrap();
      two.marketplace().bootstrap();
      Marketplace a = one.marketplace();
      Marketplace b = two.marketplace();
      int n = 200;
      boolean[] kept = new boolean[n];
      for (int i = 0; i < n; i++) {
        kept[i] = random.nextInt(4) != 0; // one in four is removed again
      }
      java.util.concurrent.atomic.AtomicBoolean done =
          new java.util.concurrent.atomic.AtomicBoolean();
      Thread follower =
          Thread.ofPlatform()
              .start(
                  () -> {
                    while (!done.get()) {
                      b.followStore();
                    }
                  });
      java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
      try (java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
        for (int i = 0; i < n; i++) {
          int k = i;
          pool.submit(
              () -> {
                go.await(); // a burst: every registration at once
                a.register(manifest("burst.c" + k, "v" + k), "test");
                if (!kept[k]) {
                  a.unregister("burst.c" + k, null);
                }
                return null;
              });
        }
        go.countDown();
      }
      done.set(true);
      follower.join();
      b.followStore(); // the look after the last change
      for (int i = 0; i < n; i++) {
        String id = "burst.c" + i;
        assertThat(a.registry().get(id) != null)
            .as("%s on a (seed %d)", id, seed)
            .isEqualTo(kept[i]);
        assertThat(b.registry().get(id) != null)
            .as("%s on b (seed %d)", id, seed)
            .isEqualTo(kept[i]);
      }
      assertThat(
              two.store().registry(file.toAbsolutePath().normalize().toString()).all().stream()
                  .filter(s -> s.id().startsWith("burst."))
                  .count())
          .as("the store holds what a kept, and nothing b wrote back")
          .isEqualTo(java.util.stream.IntStream.range(0, n).filter(i -> kept[i]).count());
    }
  }

  @Test
  void aStoreNoOtherNodeSharesIsNotFollowed() {
    try (Marketplace m =
        Marketplace.builder().registryStore(new MemoryStore().registry()).log(l -> {}).build()) {
      assertThat(m.followStore()).isZero();
    }
    try (Marketplace m = Marketplace.builder().log(l -> {}).build()) {
      assertThat(m.followStore()).isZero();
    }
  }
}
