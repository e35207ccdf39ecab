package dev.agora.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Manifests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a manifest is shown when no registry has given it a provenance yet. */
class CommandsTest {

  @TempDir Path dir;

  @Test
  void aManifestWithoutProvenanceHasAnUnknownOriginAndNoSourceLines() throws IOException {
    Path f = dir.resolve("m.yaml");
    Files.writeString(
        f,
        "id: demo.plain\nprovider: {type: local, implementation: \"(fn [x] x)\"}\ntimeout: 2s\n");
    Manifests.LoadResult r = Manifests.load(f);
    assertThat(r.problems()).isEmpty();
    CapabilityManifest m = r.manifests().getFirst();
    assertThat(m.provenance().source()).as("not registered: only where it was read").isNull();
    assertThat(Commands.origin(m)).isEqualTo("unknown");
    assertThat(Commands.origin(m.withProvenance(null))).isEqualTo("unknown");
    assertThat(Commands.describe(m, false))
        .startsWith("id:            demo.plain\n")
        .contains(
            "timeout:       2000 ms",
            "permissions:   none",
            "risk:          high (unknown)",
            "origin file:   " + f,
            "passport:      none")
        .doesNotContain("source:", "definition:");
  }
}
