package dev.agora.provider.sandbox;

import dev.agora.core.error.AgoraError;
import dev.agora.core.isolation.CgroupMemory;
import dev.agora.core.isolation.Sandbox;
import dev.agora.core.json.Json;
import dev.agora.core.json.JsonException;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Manifests;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.core.spi.CallContext;
import dev.agora.core.spi.IsolationLevel;
import dev.agora.core.spi.Provider;
import dev.agora.rtfs.Value;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;

/**
 * Provider type {@code process}: a command that reads the call's input as one JSON document on
 * stdin and answers one JSON document on stdout (docs/SECURITY.md, "Process sandbox"). By default
 * it runs in the host's {@link Sandbox} — bubblewrap under prlimit — and never without it: when the
 * sandbox is not available here, {@link #isolation} says {@code in-process}, so a manifest asking
 * for {@code process} (the default) is refused at registration, and a call that gets here anyway is
 * refused too. {@code isolation: none} runs the command with Agora's own rights.
 *
 * <p>{@code mode: per_call} (default) starts a child per call; {@code mode: warm} keeps up to
 * {@code pool_size} children per capability that each answer one JSON line per request line. A
 * child that fails, writes garbage or passes the deadline is killed with everything it started.
 */
public final class ProcessProvider implements Provider {

  private final Map<String, WarmPool> pools = new ConcurrentHashMap<>();
  private final Sandbox sandbox;
  private final CgroupMemory cgroups;
  private final java.util.function.UnaryOperator<String> environment;

  public ProcessProvider() {
    this(null);
  }

  /** A provider with {@code sandbox} instead of the host's (tests: an unavailable one). */
  ProcessProvider(Sandbox sandbox) {
    this(sandbox, null);
  }

  /** A provider with {@code sandbox} and {@code cgroups} instead of the host's (tests). */
  ProcessProvider(Sandbox sandbox, CgroupMemory cgroups) {
    this(sandbox, cgroups, System::getenv);
  }

  /** … and {@code environment} as Agora's environment, for {@code ${NAME}} values (tests). */
  ProcessProvider(
      Sandbox sandbox, CgroupMemory cgroups, java.util.function.UnaryOperator<String> environment) {
    this.sandbox = sandbox;
    this.cgroups = cgroups;
    this.environment = environment;
  }

  private Sandbox sandbox() {
    return sandbox == null ? Sandbox.host() : sandbox;
  }

  private CgroupMemory cgroups() {
    return cgroups == null ? CgroupMemory.host() : cgroups;
  }

  @Override
  public String type() {
    return "process";
  }

  @Override
  public IsolationLevel isolation(CapabilityManifest manifest) {
    ProcessOptions o;
    try {
      o = options(manifest);
    } catch (AgoraError e) { // its calls fail anyway; claim nothing
      return IsolationLevel.IN_PROCESS;
    }
    boolean memory = o.spec().limits().memoryCgroupMb() == 0 || cgroups().support().available();
    return o.sandboxed() && sandbox().support().available() && memory
        ? IsolationLevel.PROCESS
        : IsolationLevel.IN_PROCESS;
  }

  @Override
  public Value execute(CapabilityManifest manifest, Value input, CallContext call)
      throws Exception {
    ProcessOptions declared = options(manifest);
    ProcessOptions o = declared.resolved(manifest.id(), environment);
    call.usedSecrets(declared.secrets(environment)); // what the child echoes of them is redacted
    Sandbox s = o.sandboxed() ? checked(manifest, o, call) : null;
    byte[] json = Json.write(input).getBytes(StandardCharsets.UTF_8);
    if (o.warm()) {
      WarmPool pool =
          pools.computeIfAbsent(
              key(manifest), k -> new WarmPool(manifest.id(), () -> spawn(manifest, o, s), o));
      return pool.call(json, call);
    }
    try (Child child = spawn(manifest, o, s)) {
      ScheduledFuture<?> deadline = child.deadline(call.remaining());
      try {
        Thread.ofVirtual().name("agora-process-stdin").start(() -> write(child, json));
        byte[] out = Child.readAll(manifest.id(), child.stdout(), o.maxOutputBytes());
        int code = child.exitCode();
        if (child.killedAtDeadline()) {
          throw new AgoraError.Timeout(manifest.id(), call.timeout());
        }
        if (code != 0) {
          throw child.failure("the command " + Child.ending(code));
        }
        return parse(manifest.id(), out, child);
      } finally {
        deadline.cancel(false);
      }
    }
  }

  /** The input, then end of file; a child that exits without reading it is not an error here. */
  private static void write(Child child, byte[] json) {
    try (OutputStream in = child.stdin()) {
      in.write(json);
    } catch (IOException e) {
      // it closed its stdin: its exit code and stdout say what happened
    }
  }

  static Value parse(String id, byte[] out, Child child) {
    String text = new String(out, StandardCharsets.UTF_8).strip();
    if (text.isEmpty()) {
      throw child.failure("the command answered nothing on stdout (one JSON document expected)");
    }
    try {
      return Json.parse(text);
    } catch (JsonException e) {
      throw child.failure(
          "the command's stdout is not one JSON document ("
              + e.getMessage()
              + "): "
              + (text.length() > 200 ? text.substring(0, 200) + "…" : text));
    }
  }

  private static ProcessOptions options(CapabilityManifest m) {
    if (!(m.provider() instanceof ProviderSpec.Process)) {
      throw new AgoraError.ProviderError(m.id(), "not a process capability", null);
    }
    return ProcessOptions.parse(m.id(), m.provider().options(), Manifests.baseDir(m));
  }

  /**
   * The host's sandbox, if it can run {@code m} here: a call never runs a command that asks for the
   * sandbox without it.
   */
  private Sandbox checked(CapabilityManifest m, ProcessOptions o, CallContext call) {
    Sandbox s = sandbox();
    if (!s.support().available()) {
      throw new AgoraError.SecurityViolation(
          m.id(),
          call.caller().identity(),
          "the process sandbox is not available on this host ("
              + s.support().detail()
              + "); it is never run without it (isolation: none would run it with Agora's rights)");
    }
    String unreachable = s.unreachable(o.cwd());
    if (unreachable != null) {
      throw new AgoraError.ProviderError(m.id(), "provider option 'cwd': " + unreachable, null);
    }
    return s;
  }

  /**
   * Starts a child of {@code m}: in sandbox {@code s} (as a uid of its own when Agora is root), or
   * with Agora's rights when {@code s} is null ({@code isolation: none}).
   */
  private Child spawn(CapabilityManifest m, ProcessOptions o, Sandbox s) {
    List<String> command = ((ProviderSpec.Process) m.provider()).command();
    if (s == null) {
      return Child.start(m.id(), command, Sandbox.environment(o.spec()), o.cwd(), -1);
    }
    CgroupMemory.Group memory = memory(m, o);
    int uid;
    try {
      uid = s.changesUid() ? Uids.take(m.id()) : -1;
    } catch (AgoraError e) {
      if (memory != null) {
        memory.close();
      }
      throw e;
    }
    List<String> wrapped = s.wrap(o.spec(), command, uid < 0 ? Sandbox.NOBODY : uid, memory);
    return Child.start(m.id(), wrapped, Sandbox.environment(o.spec()), o.cwd(), uid, memory);
  }

  /**
   * A cgroup for a child of {@code m} when its limits ask for one ({@code memory_cgroup_mb}); never
   * a child without the limit it asked for.
   */
  private CgroupMemory.Group memory(CapabilityManifest m, ProcessOptions o) {
    long mb = o.spec().limits().memoryCgroupMb();
    if (mb == 0) {
      return null;
    }
    try {
      return cgroups().create(mb);
    } catch (java.io.IOException e) {
      throw AgoraError.ProviderError.refused(
          m.id(),
          "limits.memory_cgroup_mb asks for a cgroup memory limit, which cannot be set here ("
              + e.getMessage()
              + "); the command is never run without it",
          e);
    }
  }

  private static String key(CapabilityManifest m) {
    return m.id() + "@" + m.version() + "#" + m.provider().toValue().hashCode();
  }

  /** The warm children of each capability: for tests and the benchmark. */
  int warmChildren() {
    return pools.values().stream().mapToInt(WarmPool::size).sum();
  }

  @Override
  public void close() {
    new ArrayList<>(pools.values()).forEach(WarmPool::close);
    pools.clear();
  }
}
