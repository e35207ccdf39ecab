package dev.agora.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.cli.CliTest.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** agora doctor, and the isolation lines of caps show. */
class DoctorCommandTest {

  @TempDir Path dir;

  private Result agora(String... args) {
    return CliTest.withData(dir.resolve("data"), "", args);
  }

  @Test
  void doctorPrintsEveryLevelAndPassesWithoutRules() throws Exception {
    Path cfg = Files.writeString(dir.resolve("agora.yaml"), "storage: {type: memory}\n");
    Result r = agora("doctor", "--config", cfg.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .startsWith("agora ")
        .contains("isolation this host offers:")
        .containsPattern("(?m)^  in-process  jvm +available: Java ")
        .contains("  microvm ")
        .containsPattern(
            "(?m)^memory cgroups \\(limits.memory_cgroup_mb\\): (available|UNAVAILABLE): ")
        .contains("configuration: " + cfg)
        .contains("isolation rules: none");
  }

  @Test
  void aRequiredLevelThatIsNotAvailableFailsTheDoctor() throws Exception {
    Path cfg =
        Files.writeString(
            dir.resolve("agora.yaml"),
            "storage: {type: memory}\nisolation:\n  - {capabilities: \"a.*\", require: in-process}\n"
                + "  - {effects: [process], require: process}\n");
    Result r = agora("doctor", "--config", cfg.toString());
    assertThat(r.out())
        .contains("isolation rules: 2")
        .contains("  isolation rule 1 (capabilities \"a.*\") requires in-process\n");
    boolean sandbox = r.out().contains("process     bubblewrap  available");
    assertThat(r.exit()).as(r.out()).isEqualTo(sandbox ? 0 : 1);
    if (!sandbox) {
      assertThat(r.out())
          .contains(
              "isolation rule 2 (effects [process]) requires process — NOT AVAILABLE here:"
                  + " matching capabilities are refused");
    }
  }

  @Test
  void aBrokenConfigurationIsReportedWithItsLine() throws Exception {
    Path cfg = Files.writeString(dir.resolve("agora.yaml"), "isolation:\n  - {require: vm}\n");
    Result r = agora("doctor", "--config", cfg.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out()).contains("isolation this host offers:");
    assertThat(r.err()).contains("agora.yaml:2").contains("unknown isolation level 'vm'");
  }

  @Test
  void capsShowOfACapabilityRefusedForIsolationSaysWhy() throws Exception {
    Files.createDirectories(dir.resolve("m"));
    Files.writeString(
        dir.resolve("m/caps.yaml"),
        "- {id: a.rm, provider: {type: local, implementation: \"(fn [x] x)\"}, effects: [filesystem.write]}\n");
    Path cfg =
        Files.writeString(
            dir.resolve("agora.yaml"),
            "sources: [{name: m, type: files, path: m}]\n"
                + "isolation:\n  - {risk: high, require: wasm}\n");
    Result r = agora("caps", "show", "a.rm", "--config", cfg.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo(
            "error: Isolation: needs isolation 'wasm' by isolation rule 1 (risk high), but its"
                + " provider 'local' gives 'in-process' on this host\n");
  }

  @Test
  void capsShowSaysWhereCallsRunAndWhatIsRequired() throws Exception {
    Files.createDirectories(dir.resolve("m"));
    Files.writeString(
        dir.resolve("m/caps.yaml"),
        "- {id: a.echo, provider: {type: local, implementation: \"(fn [x] x)\"}, effects: [network]}\n");
    Path cfg =
        Files.writeString(
            dir.resolve("agora.yaml"),
            "sources: [{name: m, type: files, path: m}]\n"
                + "isolation:\n  - {effects: [network], require: in-process}\n");
    Result r = agora("caps", "show", "a.echo", "--config", cfg.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("risk:          medium (network)")
        .contains("isolation:     in-process (nothing required)");
  }
}
