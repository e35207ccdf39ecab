package dev.agora.provider.wasm;

import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import run.endive.wasm.WasmModule;

/**
 * A parsed module file as it was when read: its stamp (to notice a change on disk), the SHA-256 of
 * its bytes, and the instance pools of its functions. A changed file makes a new {@code Loaded}, so
 * pools of the old code are dropped with it.
 */
final class Loaded {

  /** What the file system says about the file; any difference means "read it again". */
  record Stamp(FileTime modified, long size, Object fileKey) {}

  /** One pool per function and limits. */
  record PoolKey(String function, WasmOptions options) {}

  final Path path;
  final Stamp stamp;
  final String digest;
  final WasmModule module;
  private final Map<PoolKey, InstancePool> pools = new ConcurrentHashMap<>();

  Loaded(Path path, Stamp stamp, String digest, WasmModule module) {
    this.path = path;
    this.stamp = stamp;
    this.digest = digest;
    this.module = module;
  }

  /** The same code under a new stamp (the file was touched, or rewritten with the same bytes). */
  Loaded restamped(Stamp s) {
    Loaded l = new Loaded(path, s, digest, module);
    l.pools.putAll(pools);
    return l;
  }

  InstancePool pool(PoolKey key, Supplier<InstancePool> make) {
    return pools.computeIfAbsent(key, k -> make.get());
  }
}
