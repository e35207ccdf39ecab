package dev.agora.core.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.event.EventType;
import dev.agora.chain.event.MemorySink;
import dev.agora.core.Marketplace;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.doc.DocumentProblem;
import dev.agora.core.doc.Documents;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Manifests;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.core.spi.DiscoverySource;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Printer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: two manifests with the same id and version — in two files, twice in one file, or from
 * two sources — and the second silently won. The first now keeps it and the second is refused with
 * a problem naming both places.
 */
@Timeout(60)
class DuplicateManifestsTest {

  @TempDir Path dir;

  @Test
  void aSecondFileWithTheSameIdAndVersionIsRefusedNamingBoth() throws Exception {
    Files.writeString(dir.resolve("a.yaml"), "id: dup.one\nprovider: local\ndescription: A\n");
    Files.writeString(dir.resolve("b.yaml"), "id: dup.one\nprovider: local\ndescription: B\n");
    Files.writeString(dir.resolve("c.yaml"), "id: dup.one\nversion: 2.0.0\nprovider: local\n");

    DiscoverySource.Found found = new FileSource("files", dir, false).discover();

    assertThat(found.manifests())
        .extracting(m -> m.id() + "@" + m.version() + " " + m.description())
        .containsExactly("dup.one@1.0.0 A", "dup.one@2.0.0 ");
    assertThat(found.problems())
        .extracting(DocumentProblem::toString)
        .containsExactly(
            dir.resolve("b.yaml")
                + ": capability 'dup.one' version 1.0.0 is already defined in "
                + dir.resolve("a.yaml")
                + "; refused here (one manifest per id and version)");
  }

  @Test
  void theSameIdAndVersionTwiceInOneFileIsRefusedNamingTheFirstLine() {
    Manifests.LoadResult r =
        Manifests.parse(
            Documents.parse(
                "- {id: twice.one, provider: local, description: first}\n"
                    + "- {id: twice.one, provider: local, description: second}\n",
                "m.yaml",
                Documents.Format.YAML));
    assertThat(r.manifests()).extracting(CapabilityManifest::description).containsExactly("first");
    assertThat(r.problems())
        .extracting(DocumentProblem::toString)
        .containsExactly(
            "m.yaml:2: [1]: capability 'twice.one' version 1.0.0 is already defined at line 1 of"
                + " this file; refused here (one manifest per id and version)");
  }

  @Test
  void whileWatchingANewFileCannotTakeOverAnotherFilesCapability() throws Exception {
    Files.writeString(dir.resolve("a.yaml"), "id: dup.one\nprovider: local\ndescription: A\n");
    BlockingQueue<String> seen = new LinkedBlockingQueue<>();
    FileSource source = new FileSource("files", dir, true);
    assertThat(source.discover().manifests()).hasSize(1);
    source.watch(
        new DiscoverySource.Changes() {
          @Override
          public void upsert(DiscoverySource s, CapabilityManifest m) {
            seen.add("upsert " + m.id() + " " + m.description());
          }

          @Override
          public void remove(DiscoverySource s, String id, String version) {
            seen.add("remove " + id);
          }

          @Override
          public void problem(DiscoverySource s, DocumentProblem p) {
            seen.add("problem " + p.message());
          }
        });
    try {
      Files.writeString(dir.resolve("b.yaml"), "id: dup.one\nprovider: local\ndescription: B\n");
      awaitLine(
          seen,
          "problem capability 'dup.one' version 1.0.0 is already defined in "
              + dir.resolve("a.yaml")
              + "; refused here (one manifest per id and version)");
      // a.yaml gone: its capability goes, and b.yaml, rewritten, now gives it
      Files.delete(dir.resolve("a.yaml"));
      awaitLine(seen, "remove dup.one");
      Files.writeString(dir.resolve("b.yaml"), "id: dup.one\nprovider: local\ndescription: B2\n");
      awaitLine(seen, "upsert dup.one B2");
    } finally {
      source.close();
    }
  }

  @Test
  void aSecondSourceGivingTheSameIdAndVersionIsRefusedNamingTheFirst() throws Exception {
    Files.writeString(dir.resolve("a.yaml"), "id: dup.one\nprovider: local\ndescription: file\n");
    CapabilityManifest inline =
        CapabilityManifest.builder("dup.one")
            .description("inline")
            .provider(new ProviderSpec.Local(null, Dict.EMPTY))
            .build();
    MemorySink sink = new MemorySink(1_000);
    try (Marketplace m =
        Marketplace.builder()
            .config(
                config(
                    new FileSource("files", dir, false),
                    new StaticSource("inline", List.of(inline, inline))))
            .sink(sink)
            .log(l -> {})
            .build()) {
      List<Bootstrap.SourceReport> reports = m.bootstrap();
      assertThat(m.registry().get("dup.one").description()).isEqualTo("file");
      assertThat(reports.get(1).registered()).isZero();
      assertThat(reports.get(1).problems())
          .extracting(DocumentProblem::toString)
          .containsExactly(
              "inline: capability 'dup.one' version 1.0.0 is already given by source 'files';"
                  + " refused here (one manifest per id and version)",
              "inline: capability 'dup.one' version 1.0.0 is already given by source 'files';"
                  + " refused here (one manifest per id and version)");
    }
    assertThat(sink.events(EventType.DiscoveryCompleted))
        .extracting(e -> Printer.print(e.metadata()))
        .last()
        .asString()
        .contains("already given by source 'files'");
  }

  @Test
  void aSourceListingTheSameIdAndVersionTwiceKeepsTheFirst() {
    CapabilityManifest first =
        CapabilityManifest.builder("dup.two")
            .description("first")
            .provider(new ProviderSpec.Local(null, Dict.EMPTY))
            .build();
    CapabilityManifest second =
        CapabilityManifest.builder("dup.two")
            .description("second")
            .provider(new ProviderSpec.Local(null, Dict.EMPTY))
            .build();
    try (Marketplace m =
        Marketplace.builder()
            .config(config(new StaticSource("inline", List.of(first, second))))
            .log(l -> {})
            .build()) {
      List<Bootstrap.SourceReport> reports = m.bootstrap();
      assertThat(m.registry().get("dup.two").description()).isEqualTo("first");
      assertThat(reports.getFirst().problems())
          .extracting(DocumentProblem::message)
          .containsExactly(
              "capability 'dup.two' version 1.0.0 is already given by source 'inline' (earlier in"
                  + " its listing); refused here (one manifest per id and version)");
    }
  }

  /** Takes changes until {@code expected}; b.yaml never takes dup.one while a.yaml has it. */
  private static void awaitLine(BlockingQueue<String> seen, String expected)
      throws InterruptedException {
    String line;
    do {
      line = seen.poll(30, TimeUnit.SECONDS);
      assertThat(line).as("'%s' within 30 s", expected).isNotNull();
      assertThat(line).isNotEqualTo("upsert dup.one B");
    } while (!line.equals(expected));
  }

  private static AgoraConfig config(DiscoverySource... sources) {
    return DiscoveryTest.configWith(List.of(sources));
  }
}
