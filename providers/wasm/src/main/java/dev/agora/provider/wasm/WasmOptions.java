package dev.agora.provider.wasm;

import dev.agora.core.error.AgoraError;
import dev.agora.core.json.Json;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The limits a {@code wasm} provider section sets, validated: a bad option fails the call with a
 * ProviderError naming the key, before any module is loaded.
 *
 * @param memoryPages the most 64 KiB pages an instance's memory may have ({@code memory_pages},
 *     default 16 = 1 MiB): a module declaring more is refused, {@code memory.grow} past it gives -1
 * @param maxOutputBytes the largest result, in bytes of JSON ({@code max_output_bytes}, default 1
 *     MiB)
 * @param poolSize the most idle instances kept for reuse ({@code pool_size}, default 8; 0 = a fresh
 *     instance per call)
 * @param dirs directories granted to a WASI command ({@code dirs}: guest path → host path, relative
 *     to the manifest's file), copied into an in-memory file system for each call
 * @param env the environment granted to a WASI command ({@code env}: name → value; none by default)
 * @param args the arguments granted to a WASI command ({@code args}, argv[0] first; none by
 *     default)
 */
record WasmOptions(
    int memoryPages,
    int maxOutputBytes,
    int poolSize,
    Map<String, String> dirs,
    Map<String, String> env,
    List<String> args) {

  static final WasmOptions DEFAULTS =
      new WasmOptions(16, 1 << 20, 8, Map.of(), Map.of(), List.of());

  WasmOptions {
    dirs = Map.copyOf(dirs);
    env = java.util.Collections.unmodifiableMap(new TreeMap<>(env)); // the guest sees them sorted
    args = List.copyOf(args);
  }

  /** What a WASI command is granted besides stdio: directories, environment, arguments. */
  boolean grantsWasi() {
    return !dirs.isEmpty() || !env.isEmpty() || !args.isEmpty();
  }

  /** Keys the provider section may have besides these limits. */
  private static final Set<String> SPEC_KEYS = Set.of("module", "function", "isolation");

  /** WASI grants this version does not offer: asking for one is an error, never ignored. */
  private static final Set<String> NOT_GRANTED = Set.of("network");

  /** The options of {@code options} (a provider section), for capability {@code id}. */
  static WasmOptions parse(String id, Dict options) {
    int pages = DEFAULTS.memoryPages;
    int maxOutput = DEFAULTS.maxOutputBytes;
    int pool = DEFAULTS.poolSize;
    Map<String, String> dirs = DEFAULTS.dirs;
    Map<String, String> env = DEFAULTS.env;
    List<String> args = DEFAULTS.args;
    for (Map.Entry<Value, Value> e : options.asMap().entrySet()) {
      String key = Json.keyName(e.getKey());
      switch (key) {
        case "memory_pages" -> pages = integer(id, key, e.getValue(), 1, 65_536);
        case "max_output_bytes" -> maxOutput = integer(id, key, e.getValue(), 1, Integer.MAX_VALUE);
        case "pool_size" -> pool = integer(id, key, e.getValue(), 0, 1024);
        case "dirs" -> dirs = dirs(id, e.getValue());
        case "env" -> env = env(id, e.getValue());
        case "args" -> args = args(id, e.getValue());
        default -> refuseUnknown(id, key);
      }
    }
    return new WasmOptions(pages, maxOutput, pool, dirs, env, args);
  }

  private static void refuseUnknown(String id, String key) {
    if (SPEC_KEYS.contains(key)) {
      return;
    }
    if (NOT_GRANTED.contains(key)) {
      throw bad(
          id, key, "is a WASI grant this version does not offer: WASM capabilities get no network");
    }
    throw bad(
        id,
        key,
        "is not a wasm provider option (memory_pages, max_output_bytes, pool_size, dirs, env,"
            + " args)");
  }

  /** {@code {"/guest": "host/dir"}}: absolute guest paths, non-empty host paths. */
  private static Map<String, String> dirs(String id, Value v) {
    Map<String, String> out = new TreeMap<>();
    if (v instanceof Dict d) {
      for (Map.Entry<Value, Value> e : d.asMap().entrySet()) {
        String guest = Json.keyName(e.getKey());
        if (!guest.startsWith("/") || !(e.getValue() instanceof Value.Str host)) {
          throw bad(
              id,
              "dirs",
              "maps absolute guest paths to host directories ({\"/data\": data}), not "
                  + guest
                  + " to "
                  + e.getValue());
        }
        out.put(guest, host.value());
      }
      return out;
    }
    throw bad(id, "dirs", "must be a map of guest paths to host directories, not " + v);
  }

  /** {@code {NAME: value}}: names without {@code =}, string values. */
  private static Map<String, String> env(String id, Value v) {
    if (!(v instanceof Dict d)) {
      throw bad(id, "env", "must be a map of names to strings, not " + v);
    }
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<Value, Value> e : d.asMap().entrySet()) {
      String name = Json.keyName(e.getKey());
      if (name.isEmpty() || name.contains("=") || !(e.getValue() instanceof Value.Str s)) {
        throw bad(id, "env", "maps names (no '=') to strings, not " + name + " to " + e.getValue());
      }
      out.put(name, s.value());
    }
    return out;
  }

  /** {@code [argv0, …]}: strings. */
  private static List<String> args(String id, Value v) {
    List<String> out = new ArrayList<>();
    if (v instanceof Vec list) {
      for (Value a : list.items()) {
        if (!(a instanceof Value.Str s)) {
          throw bad(id, "args", "must be a list of strings, not one holding " + a);
        }
        out.add(s.value());
      }
      return out;
    }
    throw bad(id, "args", "must be a list of strings, not " + v);
  }

  private static int integer(String id, String key, Value v, int min, int max) {
    if (v instanceof Value.Int i && i.value() >= min && i.value() <= max) {
      return (int) i.value();
    }
    throw bad(id, key, "must be an integer from " + min + " to " + max + ", not " + v);
  }

  private static AgoraError bad(String id, String key, String why) {
    return new AgoraError.ProviderError(id, "provider option '" + key + "' " + why, null);
  }
}
