package dev.agora.provider.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ConfigLoader;
import dev.agora.core.doc.DocumentException;
import dev.agora.core.doc.DocumentProblem;
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
        .isEqualTo(new PluginsSection.Settings(tmp.resolve("jars"), false, List.of()));
    assertThat(c.sources()).singleElement().isInstanceOf(PluginSource.class);
    assertThat(c.sources().get(0).name()).isEqualTo("plugins");
    assertThat(load("plugins: {}\n").section(section))
        .isEqualTo(new PluginsSection.Settings(tmp.resolve("plugins"), true, List.of()));
    assertThat(load("policy: {}\n").sources()).isEmpty(); // no section, no plugins
    assertThat(section.defaults())
        .isEqualTo(new PluginsSection.Settings(Path.of("plugins"), true, List.of()));
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
  }
}
