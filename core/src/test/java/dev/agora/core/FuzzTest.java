package dev.agora.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.agora.core.config.ConfigLoader;
import dev.agora.core.doc.Document;
import dev.agora.core.doc.DocumentException;
import dev.agora.core.doc.Documents;
import dev.agora.core.manifest.Manifests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of what Agora reads from outside: manifests (JSON, YAML, RTFS) and agora.yaml.
 * Inputs are mutations of the shipped examples — flipped, cut, doubled and spliced bytes, inserted
 * syntax, deep nesting, YAML alias bombs and tags, huge numbers — and each must end in a result or
 * a {@link DocumentException}/problem list: no other exception, no hang. The seed is printed;
 * {@code -Dagora.fuzz.seed=N} replays a run and {@code -Dagora.fuzz.inputs=N} sets its size
 * (bench/'s FuzzRun drives a million).
 */
class FuzzTest {

  static final int INPUTS = Integer.getInteger("agora.fuzz.inputs", 5_000);

  /** Things worth inserting: structure, YAML's special syntax, RTFS's, encodings. */
  private static final String[] TOKENS = {
    "[",
    "]",
    "{",
    "}",
    "(",
    ")",
    ":",
    "\"",
    "'",
    ",",
    "\n",
    "\n  - ",
    "- ",
    "&a ",
    "*a",
    "!!str ",
    "!!binary ",
    "!!java.lang.Runtime ",
    "!<tag:yaml.org,2002:javax.script.ScriptEngineManager> ",
    "? ",
    "|\n  ",
    ">-\n  ",
    "#",
    ";",
    "\\",
    "\\u0000",
    "\u0000",
    "\uFFFF",
    "\uD800",
    "99999999999999999999999",
    "1e999",
    "-0",
    "NaN",
    "~",
    "null",
    "true",
    "${X}",
    "#|",
    "|#",
    "^",
    "@",
    "`",
    "%",
    "\t",
    "\r\n",
    "provider:",
    "type: local",
    "implementation: \"(fn [x] x)\"",
    "id: a.b",
    "(capability \"x\" :provider :local)"
  };

  static List<String> seeds(String glob) throws IOException {
    Path root = Path.of("").toAbsolutePath();
    while (!Files.isDirectory(root.resolve("examples"))) {
      root = root.getParent();
    }
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root.resolve("examples"))) {
      for (Path f :
          files
              .filter(
                  p -> p.getFileSystem().getPathMatcher("glob:" + glob).matches(p.getFileName()))
              .sorted()
              .toList()) {
        out.add(Files.readString(f));
      }
    }
    return out;
  }

  /** One mutation of a seed (or of two spliced seeds). */
  static String mutate(SplittableRandom r, List<String> seeds) {
    String s = seeds.get(r.nextInt(seeds.size()));
    int edits = 1 + r.nextInt(4);
    for (int i = 0; i < edits; i++) {
      int at = s.isEmpty() ? 0 : r.nextInt(s.length() + 1);
      s =
          switch (r.nextInt(9)) {
            case 0 -> s.substring(0, at); // truncated
            case 1 -> s.substring(0, at) + TOKENS[r.nextInt(TOKENS.length)] + s.substring(at);
            case 2 ->
                at < s.length()
                    ? s.substring(0, at)
                        + (char) (s.charAt(at) ^ (1 << r.nextInt(7)))
                        + s.substring(at + 1)
                    : s;
            case 3 -> { // a stretch doubled
              int end = Math.min(s.length(), at + r.nextInt(200));
              yield s.substring(0, end) + s.substring(at, end) + s.substring(end);
            }
            case 4 -> { // a stretch removed
              int end = Math.min(s.length(), at + r.nextInt(100));
              yield s.substring(0, at) + s.substring(end);
            }
            case 5 -> { // spliced with another seed
              String other = seeds.get(r.nextInt(seeds.size()));
              yield s.substring(0, at) + other.substring(r.nextInt(other.length() + 1));
            }
            case 6 -> { // deep nesting
              int depth = 1 + r.nextInt(r.nextBoolean() ? 100 : 20_000);
              String open =
                  switch (r.nextInt(3)) {
                    case 0 -> "[";
                    case 1 -> "{\"a\":";
                    default -> "(";
                  };
              yield s.substring(0, at) + open.repeat(depth) + s.substring(at);
            }
            case 7 -> aliasBomb(1 + r.nextInt(9));
            default -> s.substring(0, at) + "x".repeat(r.nextInt(5_000)) + s.substring(at);
          };
    }
    return s;
  }

  /** The "billion laughs": every level refers nine times to the one before. */
  static String aliasBomb(int levels) {
    StringBuilder sb = new StringBuilder("a0: &a0 [\"lol\"]\n");
    for (int i = 1; i <= levels; i++) {
      sb.append('a').append(i).append(": &a").append(i).append(" [");
      for (int j = 0; j < 9; j++) {
        sb.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
      }
      sb.append("]\n");
    }
    return sb.append("id: x.y\nprovider: local\n").toString();
  }

  private interface Parser {
    void parse(String input) throws Exception;
  }

  private static void fuzz(String name, List<String> seeds, Parser parser) {
    long seed = Long.getLong("agora.fuzz.seed", System.nanoTime());
    System.out.println(
        "FuzzTest "
            + name
            + " seed "
            + seed
            + " (-Dagora.fuzz.seed="
            + seed
            + "), "
            + INPUTS
            + " inputs");
    SplittableRandom r = new SplittableRandom(seed);
    assertThat(seeds).isNotEmpty();
    int[] index = {0};
    assertTimeoutPreemptively(
        Duration.ofSeconds(60 + INPUTS / 50L), // no hang: generous for a busy machine, finite
        () -> {
          for (; index[0] < INPUTS; index[0]++) {
            String input = mutate(r, seeds);
            try {
              parser.parse(input);
            } catch (DocumentException expected) {
              assertThat(expected.problems()).isNotEmpty();
            } catch (Throwable t) {
              fail(
                  "input "
                      + index[0]
                      + " of seed "
                      + seed
                      + " ("
                      + name
                      + ") threw "
                      + t
                      + " for:\n"
                      + input.substring(0, Math.min(input.length(), 2_000)),
                  t);
            }
          }
        },
        () -> name + ": input " + index[0] + " of seed " + seed + " did not finish");
  }

  @Test
  void manifestsInEveryFormatOnlyEverGiveProblems() throws IOException {
    List<String> yaml = seeds("*.yaml");
    List<String> json = seeds("*.json");
    List<String> rtfs = seeds("*.rtfs");
    fuzz("yaml manifests", yaml, in -> load(in, Documents.Format.YAML));
    fuzz("json manifests", json, in -> load(in, Documents.Format.JSON));
    fuzz("rtfs manifests", rtfs, in -> load(in, Documents.Format.RTFS));
  }

  private static void load(String text, Documents.Format format) {
    Manifests.LoadResult r = Manifests.parse(Documents.parse(text, "fuzz", format), "fuzz");
    assertThat(r.manifests().size() + r.problems().size()).isGreaterThanOrEqualTo(0);
  }

  @Test
  void agoraYamlOnlyEverGivesProblems() throws IOException {
    List<String> configs = seeds("agora.yaml");
    Path base = Path.of("").toAbsolutePath();
    var factories = ConfigLoader.factories();
    fuzz(
        "agora.yaml",
        configs,
        in -> {
          Document doc = Documents.parse(in, "agora.yaml", Documents.Format.YAML);
          ConfigLoader.parse(doc, base, factories);
        });
  }

  @Test
  void aliasBombsAreRefusedNotExpanded() {
    assertThatBombIsRefused(aliasBomb(9)); // 9^9 = 387 million strings if expanded
  }

  private static void assertThatBombIsRefused(String bomb) {
    assertTimeoutPreemptively(
        Duration.ofSeconds(10),
        () -> {
          try {
            Manifests.LoadResult r =
                Manifests.parse(Documents.parse(bomb, "bomb.yaml", Documents.Format.YAML), "fuzz");
            assertThat(r.manifests()).isEmpty();
          } catch (DocumentException e) {
            assertThat(e.getMessage()).startsWith("bomb.yaml");
          }
        });
  }

  @Test
  void aLoneSurrogateAtTheYamlReadersBufferEdgeIsAProblem() {
    // found by a 250,000-input run (seed 4693350037648, input 181941): snakeyaml-engine threw
    // IndexOutOfBoundsException for a high surrogate at its 1,024-character buffer's edge
    for (int n = 1_000; n < 1_060; n++) {
      String text = "sources: [" + "x".repeat(n) + "\uD800" + "y".repeat(100) + "]\n";
      try {
        Documents.parse(text, "s.yaml", Documents.Format.YAML);
      } catch (DocumentException expected) {
        assertThat(expected.getMessage()).startsWith("s.yaml");
      }
    }
  }
}
