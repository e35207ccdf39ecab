package dev.agora.provider.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ConfigLoader;
import dev.agora.core.doc.DocumentException;
import dev.agora.core.doc.DocumentProblem;
import dev.agora.core.isolation.SandboxLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code plugins:} section of agora.yaml. */
class PluginsSectionTest {

  @TempDir Path tmp;

  private AgoraConfig load(String yaml) throws Exception {
    Path f = tmp.resolve("agora.yaml");
    Files.writeString(f, yaml);
    return ConfigLoader.load(f);
  }

  @Test
  void the_section_adds_the_directory_as_a_source_relative_to_agora_yaml() throws Exception {
    AgoraConfig c = load("plugins: {dir: jars, watch: false}\n");
    PluginsSection section = new PluginsSection();
    assertThat(c.section(section))
        .isEqualTo(
            new PluginsSection.Settings(
                tmp.resolve("jars"), false, List.of(), PluginHosts.DEFAULT_LIMITS, false));
    assertThat(c.sources()).singleElement().isInstanceOf(PluginSource.class);
    assertThat(c.sources().get(0).name()).isEqualTo("plugins");
    assertThat(load("plugins: {}\n").section(section))
        .isEqualTo(
            new PluginsSection.Settings(
                tmp.resolve("plugins"), true, List.of(), PluginHosts.DEFAULT_LIMITS, false));
    assertThat(load("policy: {}\n").sources()).isEmpty(); // no section, no plugins
    assertThat(load("plugins: {limits: {memory_mb: 2048, processes: 32}}\n").section(section))
        .extracting(PluginsSection.Settings::limits)
        .isEqualTo(new SandboxLimits(86_400, 2048, 512, 32));
    assertThat(section.defaults())
        .isEqualTo(
            new PluginsSection.Settings(
                Path.of("plugins"), true, List.of(), PluginHosts.DEFAULT_LIMITS, false));
  }

  @Test
  void unknown_keys_and_bad_values_are_refused_with_their_lines() throws Exception {
    DocumentException e =
        catchThrowableOfType(
            DocumentException.class,
            () -> load("plugins:\n  dir: jars\n  wach: true\n  watch: often\n"));
    assertThat(e.problems())
        .extracting(DocumentProblem::toString)
        .anySatisfy(p -> assertThat(p).contains(":3: plugins.wach: unknown key 'wach'"))
        .anySatisfy(p -> assertThat(p).contains(":4: plugins.watch"));
    DocumentException limits =
        catchThrowableOfType(
            DocumentException.class, () -> load("plugins: {limits: {memory_mb: -1, cpu: 2}}\n"));
    assertThat(limits.problems())
        .extracting(DocumentProblem::toString)
        .anySatisfy(p -> assertThat(p).contains("plugins.limits.memory_mb"))
        .anySatisfy(p -> assertThat(p).contains("unknown key 'cpu'"));
  }
}
