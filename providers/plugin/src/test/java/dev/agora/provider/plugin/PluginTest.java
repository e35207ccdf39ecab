package dev.agora.provider.plugin;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** What the plugin tests share: a temporary directory, a JAR builder and a node to start. */
abstract class PluginTest {

  @TempDir Path tmp;
  PluginJars jars;
  PluginHarness h;

  @BeforeEach
  void setUp() throws Exception {
    jars = new PluginJars(tmp.resolve("build"));
    h = new PluginHarness(tmp.resolve("node"));
  }

  @AfterEach
  void tearDown() {
    if (h.market != null) {
      h.close();
    }
  }
}
