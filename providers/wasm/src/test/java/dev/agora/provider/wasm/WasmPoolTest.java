package dev.agora.provider.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.CapabilityManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Instance pools and the module cache: reuse, bounds, concurrency, and files that change. */
@Timeout(120)
class WasmPoolTest extends WasmTestBase {

  @Test
  void sequentialCallsReuseOneInstance() {
    CapabilityManifest m = h.cap("{type: wasm, module: sum.wasm, function: sum}");
    for (int k = 1; k <= 20; k++) {
      assertThat(h.call(m, "[" + k + " " + k + "]")).isEqualTo("{:sum " + 2 * k + "}");
    }
    assertThat(h.provider.pool(m).created()).isEqualTo(1);
    assertThat(h.provider.pool(m).idle()).isEqualTo(1);
  }

  @Test
  void poolSizeZeroMakesAFreshInstancePerCall() {
    CapabilityManifest m = h.cap("{type: wasm, module: sum.wasm, function: sum, pool_size: 0}");
    for (int k = 0; k < 5; k++) {
      assertThat(h.call(m, "[1 1]")).isEqualTo("{:sum 2}");
    }
    assertThat(h.provider.pool(m).created()).isEqualTo(5);
    assertThat(h.provider.pool(m).idle()).isZero();
  }

  @Test
  void aFailedCallDropsItsInstance() {
    CapabilityManifest trap = h.cap("{type: wasm, module: abi.wasm, function: trap}");
    for (int k = 0; k < 3; k++) {
      assertThatThrownBy(() -> h.call(trap, "1")).isInstanceOf(AgoraError.ProviderError.class);
    }
    assertThat(h.provider.pool(trap).created()).isEqualTo(3);
    assertThat(h.provider.pool(trap).idle()).isZero();
  }

  @Test
  void fiveHundredConcurrentCallsGetTheirOwnResultsFromABoundedPool() throws Exception {
    CapabilityManifest m = h.cap("{type: wasm, module: sum.wasm, function: sum, pool_size: 4}");
    List<Future<String>> results = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int k = 0; k < 500; k++) {
        String input = "{:xs [" + k + " " + k + " 1]}";
        results.add(pool.submit(() -> h.call(m, input)));
      }
      for (int k = 0; k < 500; k++) {
        assertThat(results.get(k).get()).isEqualTo("{:sum " + (2 * k + 1) + "}");
      }
    }
    InstancePool p = h.provider.pool(m);
    assertThat(p.idle()).isBetween(1, 4);
    assertThat(p.created()).isBetween(1L, 500L);
  }

  @Test
  void aReplacedModuleFileRunsItsNewCode() throws Exception {
    CapabilityManifest m = h.cap("{type: wasm, module: sum.wasm, function: sum}");
    assertThat(h.call(m, "{:xs [1 2 3]}")).isEqualTo("{:sum 6}");
    // abi.wasm exports its echo function as "sum" too
    WasmHarness.copyFixture("abi.wasm", dir.resolve("sum.wasm"));
    assertThat(h.call(m, "{:xs [1 2 3]}")).isEqualTo("{:xs [1 2 3]}");
    WasmHarness.copyFixture("sum.wasm", dir.resolve("sum.wasm"));
    assertThat(h.call(m, "{:xs [1 2 3]}")).isEqualTo("{:sum 6}");
    assertThat(h.provider.pool(m).created()).isEqualTo(1); // a pool of the new code
  }

  @Test
  void aTouchedButUnchangedFileKeepsItsPool() throws Exception {
    CapabilityManifest m = h.cap("{type: wasm, module: sum.wasm, function: sum}");
    assertThat(h.call(m, "[1]")).isEqualTo("{:sum 1}");
    InstancePool before = h.provider.pool(m);
    Path file = dir.resolve("sum.wasm");
    Files.setLastModifiedTime(
        file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 5_000));
    assertThat(h.call(m, "[2]")).isEqualTo("{:sum 2}");
    assertThat(h.provider.pool(m)).isSameAs(before);
    assertThat(before.created()).isEqualTo(1);
  }
}
