package dev.agora.provider.wasm;

import dev.agora.core.error.AgoraError;
import java.util.List;
import run.endive.runtime.ImportValues;
import run.endive.runtime.Instance;
import run.endive.wasm.WasmModule;
import run.endive.wasm.types.ExternalType;
import run.endive.wasm.types.FunctionType;
import run.endive.wasm.types.MemoryLimits;
import run.endive.wasm.types.ValType;

/** Makes instances of a module under the memory cap, and checks the exports the ABI needs. */
final class Instances {

  static final FunctionType ALLOC = FunctionType.of(List.of(ValType.I32), List.of(ValType.I32));
  static final FunctionType CALL =
      FunctionType.of(List.of(ValType.I32, ValType.I32), List.of(ValType.I64));

  private Instances() {}

  /**
   * A new instance of {@code loaded}, its memory capped at {@code maxPages}, with {@code imports};
   * not started.
   *
   * @throws AgoraError LimitExceeded when the module declares more initial pages than the cap, a
   *     ProviderError when it cannot be instantiated
   */
  static Instance create(String id, Loaded loaded, int maxPages, ImportValues imports) {
    WasmModule m = loaded.module;
    MemoryLimits limits = null;
    if (m.memorySection().isPresent() && m.memorySection().get().memoryCount() > 0) {
      MemoryLimits declared = m.memorySection().get().getMemory(0).limits();
      if (declared.initialPages() > maxPages) {
        throw new AgoraError.LimitExceeded(
            id,
            "WASM module "
                + loaded.path.getFileName()
                + " declares "
                + declared.initialPages()
                + " initial memory pages, more than memory_pages: "
                + maxPages);
      }
      limits =
          new MemoryLimits(declared.initialPages(), Math.min(declared.maximumPages(), maxPages));
    }
    try {
      Instance.Builder b = Instance.builder(m).withImportValues(imports).withStart(false);
      if (limits != null) {
        b.withMemoryLimits(limits);
      }
      return b.build();
    } catch (RuntimeException e) {
      throw new AgoraError.ProviderError(
          id,
          "WASM module " + loaded.path.getFileName() + " cannot be instantiated: " + e.getMessage(),
          e);
    }
  }

  /** Checks that {@code i} exports {@code name} as a function of type {@code want}. */
  static void requireFunction(
      String id, Loaded loaded, Instance i, String name, FunctionType want) {
    ExternalType kind = exportKind(loaded, name);
    if (kind != ExternalType.FUNCTION) {
      throw missing(id, loaded, name, kind, "a function " + want);
    }
    FunctionType got = i.exportType(name);
    if (!got.typesMatch(want)) {
      throw new AgoraError.ProviderError(
          id,
          "WASM module "
              + loaded.path.getFileName()
              + " exports '"
              + name
              + "' as "
              + got
              + "; the ABI needs "
              + want,
          null);
    }
  }

  /** Checks that the module exports its linear memory as {@code memory}. */
  static void requireMemory(String id, Loaded loaded) {
    ExternalType kind = exportKind(loaded, "memory");
    if (kind != ExternalType.MEMORY) {
      throw missing(id, loaded, "memory", kind, "its linear memory");
    }
  }

  private static ExternalType exportKind(Loaded loaded, String name) {
    var exports = loaded.module.exportSection();
    for (int k = 0; k < exports.exportCount(); k++) {
      if (exports.getExport(k).name().equals(name)) {
        return exports.getExport(k).exportType();
      }
    }
    return null;
  }

  private static AgoraError missing(
      String id, Loaded loaded, String name, ExternalType kind, String what) {
    return new AgoraError.ProviderError(
        id,
        "WASM module "
            + loaded.path.getFileName()
            + (kind == null ? " has no export '" : " exports a " + kind + " as '")
            + name
            + "'; the ABI needs "
            + what
            + " there (docs/WASM.md)",
        null);
  }
}
