package dev.agora.provider.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.error.AgoraError;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** WASI command modules (no {@code function}): JSON on stdin, JSON from stdout, exit status. */
@Timeout(60)
class WasmCommandTest extends WasmTestBase {

  @Test
  void stdinToStdout() {
    var echo = h.cap("{type: wasm, module: echo.wasm}");
    assertThat(h.call(echo, "{:xs [1 2 3] :s \"é\"}")).isEqualTo("{:xs [1 2 3] :s \"é\"}");
    // more than the guest's 4 KiB buffer: several reads and writes
    String big = "[" + "1 ".repeat(5000) + "]";
    assertThat(h.call(echo, big)).isEqualTo(h.call(echo, big));
  }

  @Test
  void aCommandSeesOnlyTheEnvironmentAndArgumentsGranted() {
    var none = h.cap("{type: wasm, module: envargs.wasm}");
    assertThat(h.call(none, "1")).isEqualTo("{:args \"\" :env \"\"}");
    var granted =
        h.cap("{type: wasm, module: envargs.wasm, env: {LANG: C, MODE: test}, args: [tool, -v]}");
    assertThat(h.call(granted, "1")).isEqualTo("{:args \"tool|-v|\" :env \"LANG=C|MODE=test|\"}");
  }

  @Test
  void aNonZeroExitQuotesStderr() {
    var fail = h.cap("{type: wasm, module: fail.wasm}");
    assertThatThrownBy(() -> h.call(fail, "1"))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("WASM command fail.wasm exited with status 3; stderr ends: boom");
    assertThatThrownBy(() -> h.call(fail, "2"))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("its WASM result is not JSON");
  }

  @Test
  void stdoutIsCapped() {
    var echo = h.cap("{type: wasm, module: echo.wasm, max_output_bytes: 5}");
    assertThat(h.call(echo, "1234")).isEqualTo("1234");
    assertThatThrownBy(() -> h.call(echo, "123456"))
        .isInstanceOf(AgoraError.LimitExceeded.class)
        .hasMessageContaining("its WASM command wrote more than max_output_bytes: 5");
  }

  @Test
  void aCommandNeedsStartAndItsMemoryCap() {
    assertThatThrownBy(() -> h.call(h.cap("{type: wasm, module: nomemory.wasm}"), "1"))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("nomemory.wasm has no export '_start'");
    assertThatThrownBy(() -> h.call(h.cap("{type: wasm, module: big.wasm, memory_pages: 2}"), "1"))
        .isInstanceOf(AgoraError.LimitExceeded.class)
        .hasMessageContaining("more than memory_pages: 2");
  }

  @Test
  void anUnlinkableModuleIsAProviderError() {
    // an ABI module asked for as a command imports nothing, but echo.wasm asked for as an ABI
    // module imports WASI, which the ABI does not give
    assertThatThrownBy(() -> h.call(h.cap("{type: wasm, module: echo.wasm, function: f}"), "1"))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("WASM module echo.wasm cannot be instantiated");
  }

  @Test
  void theStderrTailKeepsTheLastBytes() {
    CommandCall.Capped c = new CommandCall.Capped(CommandCall.STDERR_TAIL);
    c.write('a');
    byte[] many = "0123456789".repeat(300).getBytes(StandardCharsets.UTF_8);
    c.write(many, 0, many.length);
    assertThat(c.overflowed).isTrue();
    assertThat(c.tail()).hasSize(CommandCall.STDERR_TAIL).endsWith("6789").startsWith("6789");
    assertThat(c.toByteArray()).hasSize(CommandCall.STDERR_TAIL).startsWith((byte) 'a');
  }
}
