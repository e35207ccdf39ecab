package dev.agora.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A passport the node checked, on the capability's page. */
@Timeout(60)
class ConsoleTrustTest {

  @Test
  void aCheckedPassportSaysVerified(@TempDir Path dir) throws Exception {
    Path acme = Path.of("..", "examples", "trust", "keys", "acme.pub").toAbsolutePath();
    String trust =
        "trust:\n  authorities:\n    - {name: acme, public_key: \""
            + acme
            + "\", namespaces: [\"shop.*\"]}\n";
    try (ConsoleFixture f = ConsoleFixture.start(dir, trust)) {
      String ops = f.login(ConsoleFixture.OPERATOR);
      assertThat(f.get(Console.HOME, ops).body()).contains("by acme, verified, expires 2031-01-01");
      assertThat(f.get("/console/capability?id=shop.orders.total", ops).body())
          .contains("<dt>passport</dt><dd>by acme, verified, expires 2031-01-01", "passport id");
    }
  }
}
