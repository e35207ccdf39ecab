package dev.agora.server;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests against one {@link GatewayFixture} per class: started before the first test, closed after
 * the last.
 */
abstract class AgainstGateway {

  @TempDir static Path dir;

  static GatewayFixture g;

  @BeforeAll
  static void start() throws Exception {
    g = new GatewayFixture(dir, "");
  }

  @AfterAll
  static void stop() {
    g.close();
  }
}
