package dev.agora.provider.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.spi.IsolationLevel;
import dev.agora.core.spi.IsolationRuntime;
import dev.agora.core.spi.Provider;
import dev.agora.rtfs.Value;
import java.time.Duration;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real modules on Endive through the marketplace's call path: the ABI, its limits, its errors. */
@Timeout(60)
class WasmProviderTest extends WasmTestBase {

  @Test
  void sumsAVectorThroughTheCallPath() {
    CapabilityManifest m = h.cap("{type: wasm, module: sum.wasm, function: sum, memory_pages: 16}");
    assertThat(h.call(m, "{:xs [1 2 3]}")).isEqualTo("{:sum 6}");
    assertThat(h.call(m, "{:xs [-5 2 1000000]}")).isEqualTo("{:sum 999997}");
    assertThat(h.call(m, "{:xs [-7]}")).isEqualTo("{:sum -7}");
    assertThat(h.call(m, "{:xs []}")).isEqualTo("{:sum 0}");
    assertThat(h.provider.isolation(m)).isEqualTo(IsolationLevel.WASM);
    assertThat(h.provider.type()).isEqualTo("wasm");
  }

  @Test
  void jsonGoesInAndComesOutUnchanged() {
    CapabilityManifest m = h.cap("{type: wasm, module: abi.wasm, function: echo}");
    String input = "{:name \"Åsa ✓\" :tags [\"a\" \"b\"] :n 1.5 :ok true :none nil :deep {:x [1]}}";
    assertThat(h.call(m, input)).isEqualTo(input);
  }

  @Test
  void registeredThroughServiceLoaders() {
    assertThat(ServiceLoader.load(Provider.class).stream().map(p -> p.type().getName()))
        .contains(WasmProvider.class.getName());
    IsolationRuntime rt =
        ServiceLoader.load(IsolationRuntime.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(r -> r instanceof EndiveRuntime)
            .findFirst()
            .orElseThrow();
    assertThat(rt.level()).isEqualTo(IsolationLevel.WASM);
    assertThat(rt.name()).isEqualTo("endive");
    assertThat(rt.support().available()).isTrue();
    assertThat(rt.support().detail()).contains("Endive 1.2.0");
  }

  @Test
  void moduleFilesThatAreMissingOrNotWasm() {
    fails(h.cap("{type: wasm, module: nowhere.wasm, function: f}"))
        .hasMessageContaining("WASM module file not found: " + dir.resolve("nowhere.wasm"));
    fails(h.cap("{type: wasm, module: garbage.wasm, function: f}"))
        .hasMessageContaining("garbage.wasm is not a valid WebAssembly module");
    fails(h.cap("{type: wasm, module: ., function: f}"))
        .hasMessageContaining("cannot read WASM module " + dir);
  }

  @Test
  void exportsTheAbiNeeds() {
    fails(h.cap("{type: wasm, module: abi.wasm, function: nope}"))
        .hasMessageContaining(
            "WASM module abi.wasm has no export 'nope'; the ABI needs a function");
    fails(h.cap("{type: wasm, module: abi.wasm, function: notfunc}"))
        .hasMessageContaining("exports a GLOBAL as 'notfunc'");
    fails(h.cap("{type: wasm, module: abi.wasm, function: wrongsig}"))
        .hasMessageContaining("exports 'wrongsig' as")
        .hasMessageContaining("the ABI needs");
    fails(h.cap("{type: wasm, module: noalloc.wasm, function: f}"))
        .hasMessageContaining("noalloc.wasm has no export 'alloc'");
    fails(h.cap("{type: wasm, module: nomemory.wasm, function: f}"))
        .hasMessageContaining(
            "nomemory.wasm has no export 'memory'; the ABI needs its linear memory");
  }

  @Test
  void memoryIsCappedAtInstantiationAndAtGrow() {
    assertThatThrownBy(
            () ->
                h.call(h.cap("{type: wasm, module: big.wasm, function: f, memory_pages: 16}"), "1"))
        .isInstanceOf(AgoraError.LimitExceeded.class)
        .hasMessageContaining(
            "big.wasm declares 32 initial memory pages, more than memory_pages: 16");
    assertThat(h.call(h.cap("{type: wasm, module: abi.wasm, function: grow}"), "1"))
        .isEqualTo("{:grew false}");
    assertThat(
            h.call(h.cap("{type: wasm, module: abi.wasm, function: grow, memory_pages: 101}"), "1"))
        .isEqualTo("{:grew true}");
  }

  @Test
  void aRunawayModuleIsInterruptedAtTheDeadlineAndTheNodeServesOn() {
    CapabilityManifest spin = h.cap("{type: wasm, module: abi.wasm, function: spin}");
    CapabilityManifest sum = h.cap("{type: wasm, module: sum.wasm, function: sum}");
    for (int k = 0; k < 3; k++) {
      assertThatThrownBy(() -> h.raw(spin, "1", Duration.ofMillis(200)))
          .isInstanceOf(AgoraError.Timeout.class)
          .hasMessageContaining("did not finish within 200 ms");
      assertThat(h.call(sum, "[1 2]")).isEqualTo("{:sum 3}");
    }
  }

  @Test
  void anInterruptStopsTheInterpreter() throws Exception {
    CapabilityManifest spin = h.cap("{type: wasm, module: abi.wasm, function: spin}");
    h.call(h.cap("{type: wasm, module: abi.wasm, function: echo}"), "1"); // module parsed
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicBoolean flagKept = new AtomicBoolean();
    Thread t =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    h.provider.execute(spin, Value.of(1), null);
                  } catch (Throwable e) {
                    failure.set(e);
                    flagKept.set(Thread.currentThread().isInterrupted());
                  }
                });
    t.interrupt();
    assertThat(t.join(Duration.ofSeconds(20))).isTrue();
    assertThat(failure.get())
        .isInstanceOf(AgoraError.Cancelled.class)
        .hasMessageContaining("the WASM module was interrupted (deadline or cancel)");
    assertThat(flagKept).isTrue();
  }

  @Test
  void aTrapIsAProviderError() {
    fails(h.cap("{type: wasm, module: abi.wasm, function: trap}"))
        .hasMessageContaining("WASM module abi.wasm trapped:");
  }

  @Test
  void endlessRecursionIsAProviderErrorAndTheNodeServesOn() {
    fails(h.cap("{type: wasm, module: abi.wasm, function: recurse}"))
        .hasMessageContaining("WASM module abi.wasm trapped:");
    assertThat(h.call(h.cap("{type: wasm, module: sum.wasm, function: sum}"), "[1 2]"))
        .isEqualTo("{:sum 3}");
  }

  @Test
  void pointersAndLengthsFromTheGuestAreChecked() {
    fails(h.cap("{type: wasm, module: abi.wasm, function: oob}"))
        .hasMessageContaining(
            "'oob' returned the region at 65000 of 1000 bytes, outside the module's 65536 bytes");
    fails(h.cap("{type: wasm, module: abi.wasm, function: wrap, max_output_bytes: 2147483647}"))
        .hasMessageContaining("'wrap' returned the region at 2147483632 of 2147483632 bytes");
    // alloc cannot grow memory past the cap, so the region it gives cannot hold the input
    CapabilityManifest small =
        h.cap("{type: wasm, module: abi.wasm, function: echo, memory_pages: 1}");
    assertThatThrownBy(() -> h.call(small, "\"" + "x".repeat(70_000) + "\""))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("alloc(70002) returned the region at 1024 of 70002 bytes");
  }

  @Test
  void resultsMustBeUtf8JsonWithinTheCap() {
    fails(h.cap("{type: wasm, module: abi.wasm, function: badutf8}"))
        .hasMessageContaining("its WASM result is not valid UTF-8");
    fails(h.cap("{type: wasm, module: abi.wasm, function: badjson}"))
        .hasMessageContaining("its WASM result is not JSON: malformed JSON");
    assertThatThrownBy(
            () ->
                h.call(
                    h.cap("{type: wasm, module: abi.wasm, function: huge, max_output_bytes: 1000}"),
                    "1"))
        .isInstanceOf(AgoraError.LimitExceeded.class)
        .hasMessageContaining("its WASM result is 65536 bytes, more than max_output_bytes: 1000");
  }

  @Test
  void badOptionsNameTheirKey() {
    fails(h.cap("{type: wasm, module: sum.wasm, function: sum, memory_pages: lots}"))
        .hasMessageContaining(
            "provider option 'memory_pages' must be an integer from 1 to 65536, not");
    fails(h.cap("{type: wasm, module: sum.wasm, function: sum, memory_pages: 0}"))
        .hasMessageContaining("'memory_pages' must be an integer from 1 to 65536, not 0");
    fails(h.cap("{type: wasm, module: sum.wasm, function: sum, pool_size: -1}"))
        .hasMessageContaining("'pool_size' must be an integer from 0 to 1024");
    fails(h.cap("{type: wasm, module: sum.wasm, function: sum, max_output_bytes: 0}"))
        .hasMessageContaining("'max_output_bytes' must be an integer from 1 to 2147483647");
    fails(h.cap("{type: wasm, module: sum.wasm, function: sum, colour: blue}"))
        .hasMessageContaining(
            "provider option 'colour' is not a wasm provider option (memory_pages,"
                + " max_output_bytes, pool_size, dirs, env, args)");
    fails(h.cap("{type: wasm, module: sum.wasm, function: sum, network: true}"))
        .hasMessageContaining(
            "provider option 'network' is a WASI grant this version does not offer: WASM"
                + " capabilities get no network");
    fails(h.cap("{type: wasm, module: sum.wasm, function: sum, env: {A: b}}"))
        .hasMessageContaining("'dirs', 'env' and 'args' are for WASI command modules");
    fails(h.cap("{type: wasm, module: sum.wasm, function: sum, args: [a]}"))
        .hasMessageContaining("'dirs', 'env' and 'args' are for WASI command modules");
    fails(h.cap("{type: wasm, module: envargs.wasm, env: [A]}"))
        .hasMessageContaining("'env' must be a map of names to strings");
    fails(h.cap("{type: wasm, module: envargs.wasm, env: {\"A=B\": c}}"))
        .hasMessageContaining("'env' maps names (no '=') to strings");
    fails(h.cap("{type: wasm, module: envargs.wasm, env: {A: 1}}"))
        .hasMessageContaining("'env' maps names (no '=') to strings");
    fails(h.cap("{type: wasm, module: envargs.wasm, args: a}"))
        .hasMessageContaining("'args' must be a list of strings, not");
    fails(h.cap("{type: wasm, module: envargs.wasm, args: [1]}"))
        .hasMessageContaining("'args' must be a list of strings, not one holding 1");
  }

  private org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> fails(
      CapabilityManifest m) {
    return assertThatThrownBy(() -> h.call(m, "{:xs [1]}"))
        .isInstanceOf(AgoraError.ProviderError.class);
  }
}
