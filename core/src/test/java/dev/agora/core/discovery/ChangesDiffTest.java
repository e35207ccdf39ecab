package dev.agora.core.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.core.doc.DocumentProblem;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.core.spi.DiscoverySource;
import dev.agora.rtfs.Dict;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a polling source's new listing becomes registry changes. */
class ChangesDiffTest {

  private final List<String> changes = new ArrayList<>();

  private final DiscoverySource.Changes recorder =
      new DiscoverySource.Changes() {
        @Override
        public void upsert(DiscoverySource source, CapabilityManifest m) {
          changes.add("upsert " + m.id() + "@" + m.version());
        }

        @Override
        public void remove(DiscoverySource source, String id, String version) {
          changes.add("remove " + id + "@" + version);
        }

        @Override
        public void problem(DiscoverySource source, DocumentProblem problem) {
          changes.add("problem " + problem.message());
        }
      };

  private static CapabilityManifest m(String id, String version, String description) {
    return CapabilityManifest.builder(id)
        .version(version)
        .description(description)
        .provider(new ProviderSpec.Local(null, Dict.EMPTY))
        .build();
  }

  @Test
  void newAndChangedAreUpsertedUnchangedAreQuietAndGoneAreRemoved() {
    recorder.diff(
        null,
        List.of(m("a", "1.0.0", "x"), m("b", "1.0.0", "x"), m("c", "1.0.0", "x")),
        List.of(m("a", "1.0.0", "x"), m("b", "1.0.0", "changed"), m("d", "1.0.0", "x")));
    assertThat(changes).containsExactly("upsert b@1.0.0", "upsert d@1.0.0", "remove c@1.0.0");
  }

  @Test
  void aNewVersionOfAnIdReplacesTheOldOne() {
    recorder.diff(null, List.of(m("a", "1.0.0", "x")), List.of(m("a", "2.0.0", "x")));
    assertThat(changes).containsExactly("upsert a@2.0.0", "remove a@1.0.0");
  }

  @Test
  void severalVersionsOfOneIdAreTrackedApart() {
    recorder.diff(
        null, List.of(m("a", "1.0.0", "x"), m("a", "2.0.0", "x")), List.of(m("a", "2.0.0", "x")));
    assertThat(changes).containsExactly("remove a@1.0.0");
  }
}
