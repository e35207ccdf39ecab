package dev.agora.cli;

import static dev.agora.cli.CliTest.withData;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.cli.CliTest.Result;
import dev.agora.core.config.RtfsSection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: {@code agora run} and {@code agora eval} have a deadline by default (agora.yaml's
 * {@code rtfs.timeout}, 60 s) and a memory budget ({@code rtfs.max_memory_bytes}, 256 MiB); the
 * command line overrides both.
 */
class PlanBudgetsTest {

  /** Runs practically forever on the CPU, making no collections: only a deadline stops it. */
  private static final String SPIN =
      "((fn spin [n] (if (= n 0) 0 (+ 1 (spin (- n 1)) (spin (- n 1))))) 60)";

  /** Builds a string of 8 million characters by doubling (about 32 MB counted). */
  private static final String HOG = "(reduce (fn [s _] (str s s)) \"0123456789abcdef\" (range 19))";

  @TempDir Path dir;

  private Path file(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, content);
    return p;
  }

  private Result agora(String... args) {
    return withData(dir.resolve("data"), "", args);
  }

  @Test
  void plans_have_a_sixty_second_deadline_by_default() {
    assertThat(RtfsSection.DEFAULTS.timeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(RtfsSection.DEFAULTS.maxMemory()).isEqualTo(256L << 20);
  }

  @Test
  void an_endless_plan_ends_at_the_configured_deadline_with_a_clear_error() throws IOException {
    Path config = file("agora.yaml", "rtfs: {timeout: 300ms}\n");
    Path plan = file("spin.rtfs", "(step \"spin\" " + SPIN + ")\n");
    long start = System.nanoTime();
    Result run = agora("run", "--config", config.toString(), plan.toString());
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err())
        .startsWith("error: Timeout")
        .contains("the evaluation ran past its deadline of 300 ms");
    Result eval = agora("eval", "--config", config.toString(), "-e", SPIN);
    assertThat(eval.exit()).isEqualTo(1);
    assertThat(eval.err()).contains("the evaluation ran past its deadline of 300 ms");
  }

  @Test
  void the_command_line_overrides_the_configured_deadline() throws IOException {
    Path config = file("agora.yaml", "rtfs: {timeout: 10m}\n");
    Result r = agora("eval", "--config", config.toString(), "--timeout-ms", "200", "-e", SPIN);
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("the evaluation ran past its deadline of 200 ms");
  }

  @Test
  void the_memory_budget_comes_from_the_config_or_the_command_line() throws IOException {
    Result byDefault = agora("eval", "-e", HOG);
    assertThat(byDefault.exit()).as(byDefault.err()).isZero();
    Path config = file("agora.yaml", "rtfs: {max_memory_bytes: 8388608}\n");
    Result configured = agora("eval", "--config", config.toString(), "-e", HOG);
    assertThat(configured.exit()).isEqualTo(1);
    assertThat(configured.err())
        .startsWith("error: LimitExceeded")
        .contains("the evaluation used more than its memory budget of 8 MiB");
    Result overridden = agora("eval", "--max-memory-bytes", "1000000", "-e", HOG);
    assertThat(overridden.exit()).isEqualTo(1);
    assertThat(overridden.err()).contains("memory budget of 1000000 bytes");
  }

  @Test
  void budgets_must_be_positive() {
    for (String option : new String[] {"--timeout-ms", "--max-steps", "--max-memory-bytes"}) {
      Result r = agora("eval", option, "0", "-e", "1");
      assertThat(r.exit()).as(option).isEqualTo(2);
      assertThat(r.err()).contains(option + " must be positive, got 0");
    }
  }

  @Test
  void a_bad_rtfs_section_is_refused_with_file_line_and_key() throws IOException {
    Path config =
        file(
            "agora.yaml",
            "rtfs:\n  timeout: forever\n  max_memory_bytes: 0\n  max_steps: -1\n  colour: red\n");
    Result r = agora("eval", "--config", config.toString(), "-e", "1");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .contains("agora.yaml:2: rtfs.timeout: expected a positive duration")
        .contains("agora.yaml:3: rtfs.max_memory_bytes: expected an integer from 1 to")
        .contains("agora.yaml:4: rtfs.max_steps: expected an integer from 1 to")
        .contains(
            "agora.yaml:5: rtfs.colour: unknown key 'colour'; known keys are timeout, max_steps,"
                + " max_memory_bytes");
  }
}
