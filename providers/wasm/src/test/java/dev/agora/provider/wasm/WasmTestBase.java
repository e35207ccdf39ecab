package dev.agora.provider.wasm;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A fresh {@link WasmHarness} in a temporary directory for each test. */
abstract class WasmTestBase {

  @TempDir Path dir;
  WasmHarness h;

  @BeforeEach
  void start() {
    h = new WasmHarness(dir);
  }

  @AfterEach
  void stop() {
    h.close();
  }
}
