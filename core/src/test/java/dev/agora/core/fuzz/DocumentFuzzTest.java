package dev.agora.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Mutated examples thrown at the manifest loader (JSON, YAML, RTFS) and at agora.yaml: only the
 * typed errors come out, and no input takes long. The seed is printed; {@code -Dfuzz.seed=N}
 * replays a run, {@code -Dfuzz.inputs=N} changes its size (bench's FuzzRun does millions).
 */
class DocumentFuzzTest {

  private static final Duration PER_INPUT = Duration.ofSeconds(2);

  @TempDir Path base;

  @ParameterizedTest
  @EnumSource(DocumentFuzz.class)
  void onlyTypedErrorsComeOut(DocumentFuzz parser) {
    long seed = Long.getLong("fuzz.seed", System.nanoTime());
    int inputs = Integer.getInteger("fuzz.inputs", 10_000);
    System.out.println(
        "DocumentFuzzTest "
            + parser
            + " seed: "
            + seed
            + " (replay with -Dfuzz.seed="
            + seed
            + ")");
    Mutator mutator = new Mutator(parser.seeds(DocumentFuzz.repoRoot()), seed);
    Map<DocumentFuzz.Outcome, Integer> outcomes = new EnumMap<>(DocumentFuzz.Outcome.class);
    assertTimeoutPreemptively(
        Duration.ofMinutes(2),
        () -> {
          for (int i = 0; i < inputs; i++) {
            String input = mutator.next();
            long start = System.nanoTime();
            outcomes.merge(parser.run(input, base), 1, Integer::sum);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took)
                .as("seed %d input #%d took %s:\n%s", seed, i, took, DocumentFuzz.abbreviate(input))
                .isLessThan(PER_INPUT);
          }
        },
        "seed " + seed);
    System.out.println("DocumentFuzzTest " + parser + ": " + outcomes);
    assertThat(outcomes.getOrDefault(DocumentFuzz.Outcome.DOCUMENT_ERROR, 0))
        .isGreaterThan(inputs / 20);
  }

  @ParameterizedTest
  @EnumSource(
      value = DocumentFuzz.class,
      names = {"MANIFEST_YAML", "CONFIG"})
  void yamlAliasBombsAndJavaTagsAreRefusedOrHarmless(DocumentFuzz parser) {
    assertTimeoutPreemptively(
        Duration.ofSeconds(10),
        () -> {
          assertThat(parser.run(Mutator.aliasBomb(12), base))
              .isNotEqualTo(DocumentFuzz.Outcome.ACCEPTED);
          for (String tag :
              List.of(
                  "!!java.net.URL [\"http://127.0.0.1:1/\"]",
                  "!!javax.script.ScriptEngineManager []",
                  "!!java.io.FileOutputStream [\"" + base.resolve("owned") + "\"]")) {
            assertThat(parser.run("id: " + tag + "\n", base))
                .isNotEqualTo(DocumentFuzz.Outcome.ACCEPTED);
          }
        });
    assertThat(base.resolve("owned")).doesNotExist();
  }

  @ParameterizedTest
  @EnumSource(DocumentFuzz.class)
  void aHundredThousandOpenBracketsAreRefusedWithATypedError(DocumentFuzz parser) {
    for (String deep :
        List.of(
            "[".repeat(100_000),
            "{\"a\":".repeat(100_000),
            "(".repeat(100_000),
            "[".repeat(100_000) + "]".repeat(100_000))) {
      assertThat(parser.run(deep, base))
          .as(deep.substring(0, 10))
          .isNotEqualTo(DocumentFuzz.Outcome.ACCEPTED);
    }
  }
}
