package dev.agora.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** What the launcher's {@code agora chain show} prints, for the tests that run real processes. */
final class ChainShown {

  private static final String AGORA =
      Path.of("..").toAbsolutePath().normalize().resolve("agora").toString();

  private ChainShown() {}

  /**
   * The results recorded for {@code capability} by the node {@code config} configures, one line
   * each ({@code chain show --type CapabilityResult --capability …}, which must succeed).
   */
  static String results(Path config, String capability) throws Exception {
    return events(config, "CapabilityResult", capability);
  }

  /** The events of {@code type} recorded for {@code capability}, one line each. */
  static String events(Path config, String type, String capability) throws Exception {
    Process shown =
        new ProcessBuilder(
                AGORA,
                "chain",
                "show",
                "--config",
                config.toString(),
                "--type",
                type,
                "--capability",
                capability)
            .redirectErrorStream(true)
            .start();
    String out = new String(shown.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(shown.waitFor()).as(out).isZero();
    return out;
  }
}
