package dev.agora.provider.wasm;

import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Manifests;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.core.spi.CallContext;
import dev.agora.core.spi.IsolationLevel;
import dev.agora.core.spi.Provider;
import dev.agora.rtfs.Value;
import java.io.IOException;
import java.nio.file.Path;
import run.endive.runtime.ImportValues;
import run.endive.runtime.Instance;
import run.endive.runtime.WasmInterruptedException;
import run.endive.wasm.WasmEngineException;

/**
 * The {@code wasm} provider: a capability is a function of a WebAssembly module run by Endive, a
 * pure-Java interpreter, in the node's JVM but in its own linear memory, with no system calls but
 * the WASI ones it is given.
 *
 * <pre>
 * provider: {type: wasm, module: sum.wasm, function: sum, memory_pages: 16}
 * </pre>
 *
 * <p>{@code module} is relative to the manifest's file. With a {@code function}, the call uses the
 * <b>export-function ABI</b>: the module exports {@code memory}, {@code alloc(i32 len) -> i32 ptr}
 * and {@code function(i32 ptr, i32 len) -> i64}; the host writes the call's input as UTF-8 JSON at
 * {@code alloc(len)}, calls the function, and reads a UTF-8 JSON result at {@code ptr = r >>> 32},
 * {@code len = r & 0xffffffff}. Without one, the module is a <b>WASI command</b>: the input's JSON
 * on stdin, {@code _start} run, the result's JSON from stdout, a non-zero exit an error with
 * stderr's tail; directories granted by {@code dirs} are in-memory copies ({@link GuestFiles}). See
 * docs/WASM.md.
 *
 * <p>Limits per call: {@code memory_pages} (a module declaring more initial pages is refused,
 * {@code memory.grow} beyond gives -1), {@code max_output_bytes}, and the call's deadline — the
 * call path interrupts this provider's thread, which stops the interpreter. Parsed modules are
 * cached per file and re-read when the file's time, size or identity changes (parsed again when its
 * SHA-256 differs); instances of the export ABI are pooled ({@code pool_size}), and one goes back
 * to the pool only after a call that ended normally.
 */
public final class WasmProvider implements Provider {

  private final Modules modules = new Modules();

  @Override
  public String type() {
    return "wasm";
  }

  @Override
  public IsolationLevel isolation(CapabilityManifest manifest) {
    return IsolationLevel.WASM;
  }

  @Override
  public Value execute(CapabilityManifest manifest, Value input, CallContext call)
      throws IOException {
    String id = manifest.id();
    ProviderSpec.Wasm spec = (ProviderSpec.Wasm) manifest.provider();
    WasmOptions options = WasmOptions.parse(id, spec.options());
    Loaded loaded = modules.get(id, modulePath(manifest, spec));
    try {
      if (spec.function() == null) {
        return CommandCall.run(id, Manifests.baseDir(manifest), loaded, options, input);
      }
      if (options.grantsWasi()) {
        throw new AgoraError.ProviderError(
            id,
            "provider options 'dirs', 'env' and 'args' are for WASI command modules (no"
                + " 'function'); the export-function ABI gets no WASI",
            null);
      }
      return exportCall(id, loaded, spec.function(), options, input);
    } catch (WasmInterruptedException e) {
      throw interrupted(id);
    } catch (WasmEngineException e) {
      if (Thread.currentThread().isInterrupted()) {
        throw interrupted(id);
      }
      throw new AgoraError.ProviderError(
          id, "WASM module " + loaded.path.getFileName() + " trapped: " + e.getMessage(), e);
    }
  }

  /** The instance pool of {@code function} at these limits (for tests: how many were made). */
  InstancePool pool(CapabilityManifest manifest) {
    ProviderSpec.Wasm spec = (ProviderSpec.Wasm) manifest.provider();
    WasmOptions options = WasmOptions.parse(manifest.id(), spec.options());
    Loaded loaded = modules.get(manifest.id(), modulePath(manifest, spec));
    return pool(manifest.id(), loaded, spec.function(), options);
  }

  private static Value exportCall(
      String id, Loaded loaded, String function, WasmOptions options, Value input) {
    InstancePool pool = pool(id, loaded, function, options);
    Instance instance = pool.take();
    Value result = ExportCall.run(id, instance, function, input, options.maxOutputBytes());
    pool.give(instance); // only after a normal end: any exception above drops the instance
    return result;
  }

  private static InstancePool pool(String id, Loaded loaded, String function, WasmOptions options) {
    return loaded.pool(
        new Loaded.PoolKey(function, options),
        () ->
            new InstancePool(
                options.poolSize(),
                () -> {
                  Instance i =
                      Instances.create(id, loaded, options.memoryPages(), ImportValues.empty());
                  Instances.requireMemory(id, loaded);
                  Instances.requireFunction(id, loaded, i, "alloc", Instances.ALLOC);
                  Instances.requireFunction(id, loaded, i, function, Instances.CALL);
                  return i;
                }));
  }

  private static Path modulePath(CapabilityManifest manifest, ProviderSpec.Wasm spec) {
    return Manifests.baseDir(manifest).resolve(spec.module()).normalize();
  }

  private static AgoraError interrupted(String id) {
    Thread.currentThread().interrupt();
    return new AgoraError.Cancelled(id, "the WASM module was interrupted (deadline or cancel)");
  }
}
