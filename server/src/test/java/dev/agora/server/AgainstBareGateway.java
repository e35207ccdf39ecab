package dev.agora.server;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests against one {@link BareGateway} per class (the built-ins, one API key, {@link #KEY}):
 * started before the first test, closed after the last.
 */
abstract class AgainstBareGateway {

  static final String KEY = "bare-gateway-key";

  @TempDir static Path dir;

  static BareGateway g;

  @BeforeAll
  static void start() throws Exception {
    g = BareGateway.start(dir, KEY, "", s -> {});
  }

  @AfterAll
  static void stop() {
    g.close();
  }
}
