package dev.agora.provider.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a stdio MCP server inherits from Agora's environment (issue 11). */
class ChildEnvironmentTest {

  @Test
  void onlyWhatAProgramNeedsToRunIsInherited() {
    Map<String, String> agoras = new LinkedHashMap<>();
    agoras.put("PATH", "/usr/bin");
    agoras.put("HOME", "/home/ada");
    agoras.put("WEATHER_TOKEN", "tok-secret");
    agoras.put("AGORA_PG_PASSWORD", "pw-secret");
    agoras.put("HTTPS_PROXY", "http://user:pw@proxy:3128");
    assertThat(ChildEnvironment.of(agoras, Map.of()))
        .containsExactly(Map.entry("PATH", "/usr/bin"), Map.entry("HOME", "/home/ada"));
  }

  @Test
  void windowsNamesMatchWhateverTheirCase() {
    assertThat(
            ChildEnvironment.of(Map.of("Path", "C:\\bin", "SystemRoot", "C:\\Windows"), Map.of()))
        .containsOnlyKeys("Path", "SystemRoot");
  }

  @Test
  void anExportedShellFunctionIsNotInherited() {
    assertThat(
            ChildEnvironment.of(
                Map.of("SHELL", "() { :; }; echo pwned", "TERM", "xterm"), Map.of()))
        .containsOnlyKeys("TERM");
  }

  @Test
  void whatAgoraYamlGivesIsAddedAndWinsOverTheInherited() {
    assertThat(
            ChildEnvironment.of(
                Map.of("PATH", "/usr/bin", "API_TOKEN", "from-agora"),
                Map.of("PATH", "/opt/tool/bin", "API_TOKEN", "configured")))
        .containsOnly(Map.entry("PATH", "/opt/tool/bin"), Map.entry("API_TOKEN", "configured"));
  }
}
