package dev.agora.provider.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.event.MemorySink;
import dev.agora.core.Marketplace;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Manifests;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Reader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A marketplace with the WASM provider and the test modules (src/test/resources/wasm, their .wat
 * beside them) copied into a directory, where manifests are written and loaded from their files.
 */
final class WasmHarness implements AutoCloseable {

  static final List<String> FIXTURES =
      List.of(
          "sum",
          "abi",
          "big",
          "noalloc",
          "nomemory",
          "echo",
          "fail",
          "files",
          "garbage",
          "envargs");

  final Path dir;
  final WasmProvider provider = new WasmProvider();
  final Marketplace market;
  private final AtomicInteger ids = new AtomicInteger();

  WasmHarness(Path dir) {
    this.dir = dir;
    for (String f : FIXTURES) {
      copyFixture(f + ".wasm", dir.resolve(f + ".wasm"));
    }
    market = Marketplace.builder().sink(new MemorySink(10_000)).provider(provider).build();
  }

  /** Copies a test module to {@code to}, replacing what is there. */
  static void copyFixture(String name, Path to) {
    try (InputStream in = WasmHarness.class.getResourceAsStream("/wasm/" + name)) {
      Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Registers a capability whose manifest file (in {@link #dir}) has this provider section and
   * these extra YAML lines; returns its manifest.
   */
  CapabilityManifest cap(String provider, String... extra) {
    String id = "t.wasm" + ids.incrementAndGet();
    StringBuilder yaml = new StringBuilder("id: " + id + "\nprovider: " + provider + "\n");
    for (String line : extra) {
      yaml.append(line).append('\n');
    }
    Path file = dir.resolve(id + ".yaml");
    try {
      Files.writeString(file, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Manifests.LoadResult r = Manifests.load(file);
    assertThat(r.problems()).isEmpty();
    CapabilityManifest m = r.manifests().getFirst();
    market.register(m, "test");
    return m;
  }

  /** Calls {@code m} with RTFS input, and prints the result. */
  String call(CapabilityManifest m, String rtfsInput) {
    return Printer.print(raw(m, rtfsInput, null));
  }

  Value raw(CapabilityManifest m, String rtfsInput, Duration timeout) {
    CallRequest r =
        CallRequest.of(m.id(), Reader.readValue(rtfsInput), SecurityContext.full("tester"));
    return market.call(timeout == null ? r : r.withTimeout(timeout));
  }

  @Override
  public void close() {
    market.close();
  }
}
