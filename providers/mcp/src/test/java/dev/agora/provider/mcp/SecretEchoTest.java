package dev.agora.provider.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.event.Event;
import dev.agora.core.spi.SecretSpellings;
import dev.agora.rtfs.Printer;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, "secrets leak through results", for MCP servers: server-everything's get-env tool
 * echoes its whole environment, including the token agora.yaml handed it from Agora's own
 * environment. The caller and the Causal Chain get the variable's name, never its value; literal
 * settings stay as they are.
 */
@Timeout(120)
class SecretEchoTest {

  /** Set for the test JVM by the module's pom (surefire environmentVariables). */
  static final String SECRET = System.getenv("AGORA_TEST_SECRET");

  /** Also set by the pom, and not given to the server: another capability's secret, say. */
  static final String OTHER = System.getenv("AGORA_OTHER_SECRET");

  @TempDir static Path dir;

  static McpFixture m;

  @BeforeAll
  static void start() throws IOException {
    m =
        new McpFixture(
            dir,
            """
        sources:
          - name: leaky
            type: mcp
            command: %s
            env: {API_TOKEN: "${AGORA_TEST_SECRET}", MODE: plain-setting}
        """
                .formatted(Peers.exe("mcp-server-everything")));
  }

  @AfterAll
  static void stop() {
    m.close();
  }

  @Test
  void anEnvironmentSecretEchoedByTheServerComesBackAsItsName() {
    assertThat(SECRET).as("the pom sets AGORA_TEST_SECRET for this test").isNotBlank();
    String result = Printer.print(m.call("mcp.leaky.get-env", null));
    assertThat(result)
        .contains("\\\"API_TOKEN\\\": \\\"[redacted:AGORA_TEST_SECRET]\\\"")
        .contains("plain-setting")
        .doesNotContain(SECRET);
    for (Event e : m.events.events()) {
      SecretSpellings.assertNone(
          String.valueOf(e.result()) + e.arguments() + e.error() + e.metadata(), SECRET);
    }
    SecretSpellings.assertNone(m.logText(), SECRET);
  }

  /**
   * A stdio child inherited Agora's whole environment, so a server that prints its environment
   * handed out every secret of the node — another capability's token, the store's password — none
   * of which this server's redaction knows. It now gets the few variables a program needs to run
   * (PATH, HOME …) and what agora.yaml gives it.
   */
  @Test
  void aSecretTheServerWasNotGivenNeverReachesIt() {
    assertThat(OTHER).as("the pom sets AGORA_OTHER_SECRET for this test").isNotBlank();
    String result = Printer.print(m.call("mcp.leaky.get-env", null));
    assertThat(result)
        .doesNotContain(OTHER)
        .doesNotContain("AGORA_OTHER_SECRET")
        .contains("\\\"PATH\\\"")
        .contains("\\\"MODE\\\": \\\"plain-setting\\\"");
  }
}
