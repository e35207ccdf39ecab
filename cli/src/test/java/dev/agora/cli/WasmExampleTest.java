package dev.agora.cli;

import static dev.agora.cli.CliTest.withData;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** examples/wasm runs from the command line: the WASM provider is on the CLI's class path. */
class WasmExampleTest {

  @TempDir Path dir;

  @Test
  void theWasmExampleRuns() {
    CliTest.Result run =
        withData(
            dir.resolve("data"),
            "",
            "run",
            "--config",
            "../examples/wasm/agora.yaml",
            "../examples/wasm/plan.rtfs");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("{:first 6 :total 12}\n");
    CliTest.Result call =
        withData(
            dir.resolve("data"),
            "",
            "caps",
            "call",
            "--config",
            "../examples/wasm/agora.yaml",
            "wasm.math.sum",
            "{\"xs\": [40, 2]}");
    assertThat(call.exit()).as(call.err()).isZero();
    assertThat(call.out()).isEqualTo("{:sum 42}\n");
    CliTest.Result show =
        withData(
            dir.resolve("data"),
            "",
            "caps",
            "show",
            "--config",
            "../examples/wasm/agora.yaml",
            "wasm.math.sum");
    assertThat(show.out())
        .contains(
            "isolation:     wasm (required: wasm by isolation rule 1 (capabilities \"wasm.*\"))");
  }
}
