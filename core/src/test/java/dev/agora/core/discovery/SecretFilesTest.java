package dev.agora.core.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventType;
import dev.agora.chain.event.MemorySink;
import dev.agora.core.Marketplace;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.doc.DocumentProblem;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Manifests;
import dev.agora.core.spi.DiscoverySource;
import dev.agora.core.spi.Redactor;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: a manifest directory holding a link to /etc/shadow, an .env file or an SSH key had
 * every line of it reported as {@code unknown key '…'} — stored forever in the Causal Chain as
 * {@code DiscoveryCompleted}. Links out of the directory are not followed, and no problem quotes
 * more of a file than a short key name: none of the secret text below reaches a problem, the log or
 * the chain.
 */
class SecretFilesTest {

  @TempDir Path root;

  /** Fragments of the secrets below; none may appear in anything recorded or logged. */
  static final List<String> SECRET_TEXT =
      List.of(
          "wJalrXUtnFEMI",
          "K7MDENG",
          "hunter2",
          "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ",
          "QyNTUxOQAAACBmYWtla2V5",
          "saltsalt",
          "hashhashhash",
          "19000:0:99999",
          "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
          "sk-live-",
          "tok3n");

  static final String SHADOW =
      """
      root:$6$saltsalt$hashhashhashhashhash:19000:0:99999:7:::
      daemon:*:19000:0:99999:7:::
      """;

  static final String DOT_ENV =
      """
      AWS_SECRET=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
      DB_PASSWORD=hunter2
      export API_TOKEN="ghp_16C7e42F292c6912E7710c838347Ae178B4a"
      """;

  static final String SSH_KEY =
      """
      -----BEGIN OPENSSH PRIVATE KEY-----
      b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
      QyNTUxOQAAACBmYWtla2V5ZmFrZWtleWZha2VrZXlmYWtla2V5ZmFrZWtleQAAAJg=
      -----END OPENSSH PRIVATE KEY-----
      """;

  /** YAML that parses, with secrets as values and as keys. */
  static final String YAML_SECRETS =
      """
      AWS_SECRET: wJalrXUtnFEMI/K7MDENG
      DB_PASSWORD: hunter2
      ghp_16C7e42F292c6912E7710c838347Ae178B4a: x
      "sk-live-4f3c tok3n": y
      """;

  static final String JSON_SECRETS =
      """
      {"id": "x.y", "AWS_SECRET": "wJalrXUtnFEMI/K7MDENG", hunter2
      """;

  @Test
  void aLinkOutOfTheDirectoryIsRefusedNamingTheLinkNotTheTarget() throws Exception {
    Path outside = Files.createDirectories(root.resolve("home"));
    Path dir = Files.createDirectories(root.resolve("manifests"));
    Files.writeString(outside.resolve("shadow"), SHADOW);
    Files.writeString(outside.resolve(".env"), DOT_ENV);
    Files.writeString(outside.resolve("id_ed25519"), SSH_KEY);
    Files.createSymbolicLink(dir.resolve("shadow.yaml"), outside.resolve("shadow"));
    Files.createSymbolicLink(dir.resolve("env.yaml"), outside.resolve(".env"));
    Files.createSymbolicLink(dir.resolve("key.rtfs"), outside.resolve("id_ed25519"));
    Files.createSymbolicLink(dir.resolve("up.json"), Path.of("../home/.env"));

    DiscoverySource.Found found = new FileSource("files", dir, false).discover();

    assertThat(found.manifests()).isEmpty();
    assertThat(found.problems())
        .extracting(DocumentProblem::file)
        .containsExactly(
            dir.resolve("env.yaml").toString(),
            dir.resolve("key.rtfs").toString(),
            dir.resolve("shadow.yaml").toString(),
            dir.resolve("up.json").toString());
    assertThat(found.problems())
        .allSatisfy(
            p ->
                assertThat(p.message())
                    .isEqualTo(
                        "a link to a file outside the manifest directory; not read (a link may only"
                            + " point inside it)"));
    assertNoSecrets(found.problems().stream().map(DocumentProblem::toString).toList());
    assertThat(found.problems().toString()).doesNotContain(outside.toString());
  }

  @Test
  void aLinkInsideTheDirectoryIsReadOnce() throws Exception {
    Path dir = Files.createDirectories(root.resolve("manifests"));
    Path versions = Files.createDirectories(dir.resolve("versions"));
    Files.writeString(versions.resolve("v2.yaml"), "id: linked.one\nprovider: local\n");
    Files.createSymbolicLink(dir.resolve("current.yaml"), versions.resolve("v2.yaml"));
    Files.writeString(dir.resolve("data.txt"), "id: linked.two\nprovider: local\n");
    Files.createSymbolicLink(dir.resolve("two.yaml"), Path.of("data.txt"));

    DiscoverySource.Found found = new FileSource("files", dir, false).discover();

    assertThat(found.problems()).isEmpty();
    assertThat(found.manifests())
        .extracting(CapabilityManifest::id)
        .containsExactlyInAnyOrder("linked.one", "linked.two");
  }

  @Test
  void secretLookingFilesInTheDirectoryGiveProblemsWithoutTheirText() throws Exception {
    Path dir = Files.createDirectories(root.resolve("manifests"));
    for (String ext : List.of("yaml", "json", "rtfs")) {
      Files.writeString(dir.resolve("shadow." + ext), SHADOW);
      Files.writeString(dir.resolve("env." + ext), DOT_ENV);
      Files.writeString(dir.resolve("key." + ext), SSH_KEY);
    }
    Files.writeString(dir.resolve("secrets.yaml"), YAML_SECRETS);
    Files.writeString(dir.resolve("broken.json"), JSON_SECRETS);
    Files.writeString(
        dir.resolve("list.yaml"), "- wJalrXUtnFEMI/K7MDENG\n- [hunter2]\ncapabilities: x\n");

    DiscoverySource.Found found = new FileSource("files", dir, false).discover();

    assertThat(found.manifests()).isEmpty();
    List<String> problems = found.problems().stream().map(DocumentProblem::toString).toList();
    assertThat(problems).hasSizeGreaterThanOrEqualTo(11);
    assertNoSecrets(problems);
    // a short key name is still named, so a real manifest's typo stays easy to find
    assertThat(problems)
        .anyMatch(p -> p.contains("unknown key 'AWS_SECRET'"))
        .anyMatch(p -> p.contains("unknown key 'DB_PASSWORD'"))
        .anyMatch(p -> p.contains("line 3: not a known key"));
  }

  @Test
  void nothingOfASecretFileReachesTheChainOrTheLog() throws Exception {
    Path outside = Files.createDirectories(root.resolve("home"));
    Path dir = Files.createDirectories(root.resolve("manifests"));
    Files.writeString(outside.resolve(".env"), DOT_ENV);
    Files.createSymbolicLink(dir.resolve("env.yaml"), outside.resolve(".env"));
    Files.writeString(dir.resolve("key.yaml"), SSH_KEY);
    Files.writeString(dir.resolve("secrets.yaml"), YAML_SECRETS);
    Files.writeString(dir.resolve("ok.yaml"), "id: fine.one\nprovider: local\n");
    MemorySink sink = new MemorySink(1_000);
    List<String> log = new ArrayList<>();
    try (Marketplace m =
        Marketplace.builder()
            .config(config(new FileSource("files", dir, false)))
            .sink(sink)
            .log(log::add)
            .build()) {
      m.bootstrap();
      assertThat(m.registry().get("fine.one")).isNotNull();
    }
    List<Event> done = sink.events(EventType.DiscoveryCompleted);
    assertThat(done).hasSize(1);
    String recorded = Printer.print(done.getFirst().metadata());
    assertThat(recorded).contains("env.yaml: a link to a file outside the manifest directory");
    assertNoSecrets(List.of(recorded));
    assertNoSecrets(log);
  }

  @Test
  void aLinkThatLeadsNowhereIsAProblemNotACrash() throws Exception {
    Path dir = Files.createDirectories(root.resolve("manifests"));
    Path dangling = Files.createSymbolicLink(dir.resolve("gone.yaml"), root.resolve("nothing"));
    Manifests.LoadResult r = new FileSource("files", dir, false).read(dangling);
    assertThat(r.manifests()).isEmpty();
    assertThat(r.problems())
        .extracting(DocumentProblem::toString)
        .containsExactly(dangling + ": cannot be read (NoSuchFileException)");
  }

  /**
   * What is recorded is scrubbed of the marketplace's secrets and of secret-looking text, and at
   * most {@link Scrub#MAX_PROBLEMS} problems of a source are kept; a failure's message too.
   */
  @Test
  void recordedProblemsAreScrubbedAndCounted() throws Exception {
    Path dir = Files.createDirectories(root.resolve("manifests"));
    Files.writeString(dir.resolve("a-tok-123-abc.yaml"), "id: [\n");
    for (int i = 0; i < Scrub.MAX_PROBLEMS + 4; i++) {
      Files.writeString(dir.resolve("bad" + i + ".yaml"), "42\n");
    }
    DiscoverySource failing =
        new DiscoverySource() {
          @Override
          public String name() {
            return "failing";
          }

          @Override
          public Found discover() {
            throw new IllegalStateException("login refused for API_TOKEN=tok3n-999");
          }
        };
    MemorySink sink = new MemorySink(1_000);
    try (Marketplace m =
        Marketplace.builder()
            .config(config(new FileSource("files", dir, false), failing))
            .secrets(Redactor.NONE.with("SECRET_NAME", "tok-123-abc"))
            .sink(sink)
            .log(l -> {})
            .build()) {
      m.bootstrap();
    }
    List<Event> done = sink.events(EventType.DiscoveryCompleted);
    List<Value> problems = ((Vec) ((Dict) done.get(0).metadata()).get("problems")).items();
    assertThat(problems).hasSize(Scrub.MAX_PROBLEMS + 1);
    assertThat(problems.getLast()).isEqualTo(Value.of("… and 5 more problems"));
    assertThat(Printer.print(done.get(0).metadata()))
        .contains("a-[redacted:SECRET_NAME].yaml:1: not valid YAML")
        .doesNotContain("tok-123-abc");
    assertThat(done.get(1).error()).isEqualTo("login refused for API_TOKEN=[redacted]");
  }

  static void assertNoSecrets(List<String> texts) {
    for (String t : texts) {
      for (String secret : SECRET_TEXT) {
        assertThat(t).as("a problem quoting secret text").doesNotContain(secret);
      }
    }
  }

  private static AgoraConfig config(DiscoverySource... sources) {
    return DiscoveryTest.configWith(List.of(sources));
  }
}
