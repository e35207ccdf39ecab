package dev.agora.provider.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.error.AgoraError;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Directories granted to WASI commands ({@code dirs}): the guest reads a copy, what it writes never
 * reaches the host, nothing outside the copy is reachable, and nothing at all without a grant.
 */
@Timeout(60)
class WasmFilesTest extends WasmTestBase {

  private Path data() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data/sub"));
    Files.writeString(dir.resolve("data/in.json"), "{\"a\": [1, 2]}");
    Files.writeString(dir.resolve("data/sub/deep.json"), "\"deep\"");
    Files.writeString(dir.resolve("secret.json"), "{\"secret\": 42}");
    return data.getParent();
  }

  @Test
  void theGuestReadsACopyAndItsWritesAreLost() throws Exception {
    Path data = data();
    var files = h.cap("{type: wasm, module: files.wasm, dirs: {/data: data}}");
    assertThat(h.call(files, "\"in.json\"")).isEqualTo("{:a [1 2]}");
    assertThat(h.call(files, "\"sub/deep.json\"")).isEqualTo("\"deep\"");
    // the guest created written.txt and reads it back, in its copy only
    assertThat(h.call(files, "\"written.txt\"")).isEqualTo("1");
    assertThat(data.resolve("written.txt")).doesNotExist();
  }

  @Test
  void nothingOutsideTheCopyIsReachable() throws Exception {
    data();
    var files = h.cap("{type: wasm, module: files.wasm, dirs: {/data: data}}");
    for (String escape : new String[] {"../secret.json", "/secret.json", "../../secret.json"}) {
      assertThatThrownBy(() -> h.call(files, "\"" + escape + "\""))
          .as(escape)
          .isInstanceOf(AgoraError.ProviderError.class)
          .hasMessageContaining("WASM command files.wasm exited with status 1")
          .hasMessageNotContaining("42");
    }
  }

  @Test
  void withoutAGrantThereIsNoFileSystem() throws Exception {
    data();
    assertThatThrownBy(() -> h.call(h.cap("{type: wasm, module: files.wasm}"), "\"in.json\""))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("WASM command files.wasm exited with status 108"); // EBADF
  }

  @Test
  void badGrants() throws Exception {
    data();
    assertThatThrownBy(
            () -> h.call(h.cap("{type: wasm, module: files.wasm, dirs: {/d: nowhere}}"), "\"x\""))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining(
            "provider option 'dirs' grants "
                + dir.resolve("nowhere")
                + ", which is not a directory");
    assertThatThrownBy(
            () -> h.call(h.cap("{type: wasm, module: files.wasm, dirs: {d: data}}"), "\"x\""))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("'dirs' maps absolute guest paths to host directories");
    assertThatThrownBy(
            () -> h.call(h.cap("{type: wasm, module: files.wasm, dirs: {/d: [1]}}"), "\"x\""))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("'dirs' maps absolute guest paths to host directories");
    assertThatThrownBy(
            () -> h.call(h.cap("{type: wasm, module: files.wasm, dirs: [data]}"), "\"x\""))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("'dirs' must be a map of guest paths to host directories");
    assertThatThrownBy(
            () ->
                h.call(
                    h.cap("{type: wasm, module: abi.wasm, function: echo, dirs: {/d: data}}"), "1"))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("provider options 'dirs', 'env' and 'args' are for WASI command");
  }

  @Test
  void aGrantIsCapped() throws Exception {
    Path big = Files.createDirectories(dir.resolve("big"));
    Files.write(big.resolve("a.bin"), new byte[(int) GuestFiles.MAX_BYTES / 2 + 1]);
    Files.write(big.resolve("b.bin"), new byte[(int) GuestFiles.MAX_BYTES / 2 + 1]);
    assertThatThrownBy(
            () -> h.call(h.cap("{type: wasm, module: files.wasm, dirs: {/big: big}}"), "\"x\""))
        .isInstanceOf(AgoraError.LimitExceeded.class)
        .hasMessageContaining("the directories in 'dirs' hold more than 16777216 bytes");
  }
}
