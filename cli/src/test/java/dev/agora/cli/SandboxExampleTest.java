package dev.agora.cli;

import static dev.agora.cli.CliTest.withData;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** examples/sandbox runs from the command line: the process provider is on the CLI's class path. */
class SandboxExampleTest {

  @TempDir Path dir;

  @Test
  void theSandboxExampleRunsAndShowsItsIsolation() {
    CliTest.Result run =
        withData(
            dir.resolve("data"),
            "",
            "run",
            "--config",
            "../examples/sandbox/agora.yaml",
            "../examples/sandbox/plan.rtfs");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("{:per-call 6 :warm 42}\n");
    CliTest.Result show =
        withData(
            dir.resolve("data"),
            "",
            "caps",
            "show",
            "--config",
            "../examples/sandbox/agora.yaml",
            "sandbox.math.sum");
    assertThat(show.out())
        .contains("risk:          high (process)")
        .contains("isolation:     process (required: process by");
    CliTest.Result doctor =
        withData(dir.resolve("data"), "", "doctor", "--config", "../examples/sandbox/agora.yaml");
    assertThat(doctor.exit()).as(doctor.out()).isZero();
    assertThat(doctor.out()).containsPattern("process +bubblewrap +available");
  }
}
