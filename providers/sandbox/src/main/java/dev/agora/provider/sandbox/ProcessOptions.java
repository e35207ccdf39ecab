package dev.agora.provider.sandbox;

import dev.agora.core.error.AgoraError;
import dev.agora.core.isolation.SandboxLimits;
import dev.agora.core.isolation.SandboxSpec;
import dev.agora.core.json.Json;
import dev.agora.core.spi.Redactor;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A {@code process} provider section, validated: a bad option fails the call with a ProviderError
 * naming the key, before anything is started.
 *
 * <pre>
 * provider: {type: process, command: [python3, sum.py], cwd: ., env: {LANG: C}, isolation: process,
 *            limits: {cpu_seconds: 2, memory_mb: 256, open_files: 64, processes: 16}, network: false,
 *            mode: per_call, max_output_bytes: 1048576, pool_size: 2}
 * </pre>
 *
 * @param cwd the working directory (relative to the manifest's file; default: its directory)
 * @param env the child's whole environment besides {@code PATH}
 * @param sandboxed false only for {@code isolation: none}: the child then runs with Agora's rights
 * @param limits CPU seconds, address space, open files, processes
 * @param network whether the child may use the network (default false)
 * @param warm {@code mode: warm}: long-lived children answering one JSON line per request line
 * @param maxOutputBytes the most bytes read from stdout for one answer
 * @param poolSize the most warm children of this capability at once
 */
record ProcessOptions(
    Path cwd,
    Map<String, String> env,
    boolean sandboxed,
    SandboxLimits limits,
    boolean network,
    boolean warm,
    int maxOutputBytes,
    int poolSize) {

  ProcessOptions {
    env = Map.copyOf(env);
  }

  /** The sandbox these options describe (nothing bound beyond {@code cwd}). */
  SandboxSpec spec() {
    return new SandboxSpec(cwd, env, limits, network, List.of(), List.of());
  }

  /** A value {@code ${NAME}}: a reference to a variable of Agora's own environment. */
  private static final java.util.regex.Pattern REFERENCE =
      java.util.regex.Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

  /**
   * These options with every {@code ${NAME}} value of {@code env} replaced by {@code NAME}'s value
   * in {@code agoras} (Agora's environment); a variable that is not set is an error naming it.
   */
  ProcessOptions resolved(String id, java.util.function.UnaryOperator<String> agoras) {
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, String> e : env.entrySet()) {
      java.util.regex.Matcher m = REFERENCE.matcher(e.getValue());
      if (!m.matches()) {
        out.put(e.getKey(), e.getValue());
        continue;
      }
      String value = agoras.apply(m.group(1));
      if (value == null) {
        throw new AgoraError.ProviderError(
            id,
            "provider option 'env' sets "
                + e.getKey()
                + " from ${"
                + m.group(1)
                + "}, which is not set in Agora's environment",
            null);
      }
      out.put(e.getKey(), value);
    }
    return new ProcessOptions(cwd, out, sandboxed, limits, network, warm, maxOutputBytes, poolSize);
  }

  /**
   * The secrets the {@code ${NAME}} values of {@code env} bring in from {@code agoras}: whatever
   * the child echoes of them is redacted ({@code [redacted:NAME]}) from its result and errors.
   */
  Redactor secrets(java.util.function.UnaryOperator<String> agoras) {
    Redactor r = Redactor.NONE;
    for (String value : env.values()) {
      java.util.regex.Matcher m = REFERENCE.matcher(value);
      if (m.matches() && agoras.apply(m.group(1)) != null) {
        r = r.with(m.group(1), agoras.apply(m.group(1)));
      }
    }
    return r;
  }

  private static final Set<String> SPEC_KEYS = Set.of("command");

  /** The options of {@code options}, for capability {@code id}; paths relative to {@code base}. */
  static ProcessOptions parse(String id, Dict options, Path base) {
    Path cwd = base;
    Map<String, String> env = new TreeMap<>();
    boolean sandboxed = true;
    SandboxLimits limits = SandboxLimits.DEFAULT;
    boolean network = false;
    boolean warm = false;
    int maxOutput = 1 << 20;
    int pool = 2;
    for (Map.Entry<Value, Value> e : options.asMap().entrySet()) {
      String key = Json.keyName(e.getKey());
      Value v = e.getValue();
      switch (key) {
        case "cwd" -> cwd = base.resolve(string(id, key, v)).normalize();
        case "env" -> env = env(id, v);
        case "isolation" -> sandboxed = isolation(id, string(id, key, v));
        case "limits" -> limits = limits(id, v);
        case "network" -> network = bool(id, key, v);
        case "mode" -> warm = mode(id, string(id, key, v));
        case "max_output_bytes" -> maxOutput = integer(id, key, v, 1, Integer.MAX_VALUE);
        case "pool_size" -> pool = integer(id, key, v, 1, 256);
        default -> {
          if (!SPEC_KEYS.contains(key)) {
            throw bad(
                id,
                key,
                "is not a process provider option (command, cwd, env, isolation, limits, network,"
                    + " mode, max_output_bytes, pool_size)");
          }
        }
      }
    }
    return new ProcessOptions(cwd, env, sandboxed, limits, network, warm, maxOutput, pool);
  }

  private static boolean isolation(String id, String v) {
    return switch (v) {
      case "process" -> true;
      case "none" -> false;
      default ->
          throw bad(
              id,
              "isolation",
              "must be process (the default: bubblewrap) or none (Agora's own rights), not " + v);
    };
  }

  private static boolean mode(String id, String v) {
    return switch (v) {
      case "per_call", "per-call" -> false;
      case "warm" -> true;
      default -> throw bad(id, "mode", "must be per_call or warm, not " + v);
    };
  }

  private static Map<String, String> env(String id, Value v) {
    if (!(v instanceof Dict d)) {
      throw bad(id, "env", "must be a map of variable names to strings, not " + v);
    }
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<Value, Value> e : d.asMap().entrySet()) {
      String name = Json.keyName(e.getKey());
      if (!name.matches("[A-Za-z_][A-Za-z0-9_]*") || !(e.getValue() instanceof Value.Str s)) {
        throw bad(id, "env", "maps variable names to strings; " + name + " → " + e.getValue());
      }
      out.put(name, s.value());
    }
    return out;
  }

  private static SandboxLimits limits(String id, Value v) {
    if (!(v instanceof Dict d)) {
      throw bad(id, "limits", "must be a map such as {cpu_seconds: 2, memory_mb: 256}, not " + v);
    }
    SandboxLimits l = SandboxLimits.DEFAULT;
    int cpu = l.cpuSeconds();
    long mem = l.memoryMb();
    int files = l.openFiles();
    int procs = l.processes();
    long cgroup = l.memoryCgroupMb();
    for (Map.Entry<Value, Value> e : d.asMap().entrySet()) {
      String key = Json.keyName(e.getKey());
      switch (key) {
        case "cpu_seconds" -> cpu = integer(id, "limits." + key, e.getValue(), 1, 86_400);
        case "memory_mb" -> mem = integer(id, "limits." + key, e.getValue(), 0, 1 << 20);
        case "open_files" -> files = integer(id, "limits." + key, e.getValue(), 8, 1 << 20);
        case "processes" -> procs = integer(id, "limits." + key, e.getValue(), 1, 1 << 16);
        case "memory_cgroup_mb" -> cgroup = integer(id, "limits." + key, e.getValue(), 0, 1 << 20);
        default ->
            throw bad(
                id,
                "limits." + key,
                "is not a limit (cpu_seconds, memory_mb, open_files, processes,"
                    + " memory_cgroup_mb)");
      }
    }
    return new SandboxLimits(cpu, mem, files, procs, cgroup);
  }

  private static String string(String id, String key, Value v) {
    return switch (v) {
      case Value.Str s -> s.value();
      case Value.Keyword k -> k.name();
      default -> throw bad(id, key, "must be a string, not " + v);
    };
  }

  private static boolean bool(String id, String key, Value v) {
    if (v instanceof Value.Bool b) {
      return b.value();
    }
    throw bad(id, key, "must be true or false, not " + v);
  }

  private static int integer(String id, String key, Value v, int min, int max) {
    if (v instanceof Value.Int i && i.value() >= min && i.value() <= max) {
      return (int) i.value();
    }
    throw bad(id, key, "must be an integer from " + min + " to " + max + ", not " + v);
  }

  static AgoraError bad(String id, String key, String why) {
    return new AgoraError.ProviderError(id, "provider option '" + key + "' " + why, null);
  }
}
