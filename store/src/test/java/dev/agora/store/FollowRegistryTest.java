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

  private static CapabilityManifest manifest(String description) {
    return Manifests.parse(
            Documents.parse(
                "id: shared.greet\ndescription: "
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
      a.register(manifest("hello"), "rest operator/ops");
      assertThat(b.registry().get("shared.greet")).isNull();
      assertThat(b.followStore()).isEqualTo(1);
      CapabilityManifest taken = b.registry().get("shared.greet");
      assertThat(taken.description()).isEqualTo("hello");
      assertThat(taken.provenance().source()).isEqualTo("runtime:rest operator/ops");
      assertThat(a.followStore()).as("its own registration, unchanged").isZero();
      assertThat(b.followStore()).as("the store unchanged since").isZero();
      a.register(manifest("hello again"), "rest operator/ops");
      assertThat(b.followStore()).isEqualTo(1);
      assertThat(b.registry().get("shared.greet").description()).isEqualTo("hello again");
      a.unregister("shared.greet", null);
      assertThat(b.followStore()).isEqualTo(1);
      assertThat(b.registry().get("shared.greet")).isNull();
      assertThat(a.followStore()).isZero();
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
