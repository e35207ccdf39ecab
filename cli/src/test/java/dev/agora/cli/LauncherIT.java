package dev.agora.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./agora} launcher as a user runs it, after the jar is packaged: it finds the JDK, runs
 * the jar, passes arguments and exit codes through, and says clearly when no JDK 21+ exists.
 */
class LauncherIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @TempDir Path dir;

  record Run(int exit, String out, String err) {}

  private static Run agora(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ROOT.resolve("agora").toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    return new Run(p.exitValue(), out, err);
  }

  @Test
  void runs_the_main_job_from_the_readme() throws Exception {
    Run r = agora(Map.of(), "run", "--config", "examples/agora.yaml", "examples/plans/order.rtfs");
    assertThat(r.err()).isEmpty();
    assertThat(r.exit()).isZero();
    assertThat(r.out()).startsWith("{:order \"A-17\"");
    Run eval = agora(Map.of(), "eval", "examples/hello.rtfs");
    assertThat(eval.exit()).isZero();
  }

  /** Runs an example's run.sh (which starts its local peer) and returns what it printed. */
  private String example(String script) throws Exception {
    List<String> cmd =
        List.of(ROOT.resolve(script).toString(), "--data-dir", dir.resolve("data").toString());
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile());
    Process p = pb.start();
    p.getOutputStream().close();
    CompletableFuture<String> err =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
              } catch (IOException e) {
                return e.toString();
              }
            });
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(err.join()).isZero();
    return out;
  }

  @Test
  void the_openapi_example_runs_against_its_local_api() throws Exception {
    assertThat(example("examples/openapi/run.sh"))
        .isEqualTo(
            "{:price 101.25 :order \"accepted\" :total 303.75 "
                + ":bad \"refused before sending: not a symbol\"}\n");
  }

  @Test
  void the_a2a_example_runs_against_a_local_agent() throws Exception {
    assertThat(example("examples/a2a/run.sh"))
        .contains(":reply \"echo: hello\"")
        .contains(":sum {:sum 6}")
        .contains(":asked :input-required")
        .contains(":question \"which one?\"")
        .contains(":answer \"thanks: the quiet one\"")
        .contains(":state :completed");
  }

  @Test
  void passes_arguments_and_exit_codes_through() throws Exception {
    assertThat(agora(Map.of(), "--help").out()).contains("Usage: agora");
    Run bad = agora(Map.of(), "eval", "-e", "(/ 1 0)");
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.err()).isEqualTo("error: DivisionByZero at <expr>:1:1: Division by zero\n");
    assertThat(agora(Map.of(), "eval").exit()).isEqualTo(2);
  }

  @Test
  void reads_a_file_with_a_space_in_its_path() throws Exception {
    Path f = dir.resolve("my plan.rtfs");
    Files.writeString(f, "(+ 40 2)");
    assertThat(agora(Map.of(), "eval", f.toString()).out()).isEqualTo("42\n");
  }

  @Test
  void says_clearly_when_no_jdk_21_is_found() throws Exception {
    Run r =
        agora(
            Map.of(
                "JAVA_HOME", dir.toString(), "PATH", "/usr/bin:/bin", "AGORA_JDK_DIRS", dir + "/*"),
            "--version");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err())
        .startsWith("agora: needs a JDK 21 or newer, and found none.")
        .contains("set JAVA_HOME");
  }
}
