package dev.agora.core.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.doc.DocumentProblem;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.spi.DiscoverySource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A watched manifest directory reporting straight to a {@link DiscoverySource.Changes}: new
 * subdirectories, deleted files, broken rewrites that must not drop what the file gave before, and
 * directories that are not there.
 */
@Timeout(120)
class FileSourceTest {

  @TempDir Path dir;

  /** Every change as one line: "upsert ID", "remove ID VERSION", "problem MESSAGE". */
  private final BlockingQueue<String> seen = new LinkedBlockingQueue<>();

  /** What the changes add up to: id@version of every capability the source currently gives. */
  private final Set<String> state = ConcurrentHashMap.newKeySet();

  private final List<String> history = new CopyOnWriteArrayList<>();

  private final DiscoverySource.Changes changes =
      new DiscoverySource.Changes() {
        @Override
        public void upsert(DiscoverySource source, CapabilityManifest manifest) {
          state.add(manifest.id() + "@" + manifest.version());
          record("upsert " + manifest.id());
        }

        @Override
        public void remove(DiscoverySource source, String id, String version) {
          state.remove(id + "@" + version);
          record("remove " + id + " " + version);
        }

        @Override
        public void problem(DiscoverySource source, DocumentProblem problem) {
          record("problem " + problem.message());
        }

        private void record(String change) {
          history.add(change);
          seen.add(change);
        }
      };

  /** Takes changes as they come until the source gives exactly {@code expected} (id@version). */
  private void awaitState(String... expected) throws InterruptedException {
    while (!state.equals(Set.of(expected))) {
      next();
    }
  }

  private String next() throws InterruptedException {
    String s = seen.poll(30, TimeUnit.SECONDS);
    assertThat(s).as("a change within 30 s").isNotNull();
    return s;
  }

  @Test
  void aMissingDirectoryIsAnErrorToDiscoverAndDownInHealth() {
    Path gone = dir.resolve("gone");
    FileSource source = new FileSource("files", gone, true);
    assertThat(source.name()).isEqualTo("files");
    assertThat(source.directory()).isEqualTo(gone);
    assertThatThrownBy(source::discover)
        .isInstanceOf(IOException.class)
        .hasMessage("manifest directory " + gone + " does not exist");
    assertThat(source.health())
        .isEqualTo(new DiscoverySource.Health(false, gone + " does not exist"));
    assertThat(new FileSource("files", dir, false).health()).isEqualTo(DiscoverySource.Health.UP);
  }

  @Test
  void watchingADirectoryThatIsNotThereIsAProblemNotACrash() throws Exception {
    FileSource source = new FileSource("files", dir.resolve("gone"), true);
    source.watch(changes);
    assertThat(next()).startsWith("problem cannot watch: ");
    source.close();
  }

  @Test
  void aNewSubdirectoryIsWatchedAndItsManifestsLoaded() throws Exception {
    FileSource source = new FileSource("files", dir, true);
    source.discover();
    source.watch(changes);
    source.watch(changes); // a second call does not start a second watcher
    try {
      // the file may be reported twice (the new directory's rescan and its own event): watch the
      // state
      Path sub = Files.createDirectories(dir.resolve("team"));
      Files.writeString(sub.resolve("a.yaml"), "id: sub.one\nprovider: local\n");
      awaitState("sub.one@1.0.0");

      Files.writeString(sub.resolve("a.yaml"), "id: sub.one\nprovider: local\nversion: 2.0.0\n");
      awaitState("sub.one@2.0.0");
      assertThat(history).endsWith("upsert sub.one", "remove sub.one 1.0.0");

      Files.delete(sub.resolve("a.yaml"));
      awaitState();
      assertThat(history).last().isEqualTo("remove sub.one 2.0.0");
    } finally {
      source.close();
    }
  }

  @Test
  void aBrokenRewriteKeepsWhatTheFileGaveBefore() throws Exception {
    Files.writeString(dir.resolve("b.yaml"), "id: keep.one\nprovider: local\n");
    FileSource source = new FileSource("files", dir, true);
    assertThat(source.discover().manifests())
        .extracting(CapabilityManifest::id)
        .containsExactly("keep.one");
    source.watch(changes);
    try {
      Files.writeString(dir.resolve("b.yaml"), "id: [\n");
      assertThat(next()).startsWith("problem ");
      // fixing the file brings an update, not a removal first: nothing was dropped meanwhile
      Files.writeString(
          dir.resolve("b.yaml"), "id: keep.one\nprovider: local\ndescription: fixed\n");
      assertThat(next()).isEqualTo("upsert keep.one");
      Files.writeString(dir.resolve("notes.txt"), "not a manifest");
      Files.writeString(dir.resolve("c.json"), "{\"id\": \"keep.two\", \"provider\": \"local\"}");
      assertThat(next()).as("the text file is ignored").isEqualTo("upsert keep.two");
      assertThat(history).noneMatch(c -> c.startsWith("remove"));
    } finally {
      source.close();
    }
  }
}
