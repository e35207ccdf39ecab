package dev.agora.core.isolation;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a sandboxed child may see and use.
 *
 * @param cwd its working directory, bound read-only
 * @param env its whole environment besides {@code PATH} (everything else is cleared)
 * @param limits its resource limits
 * @param network whether it shares the host's network (otherwise it has none, not even loopback)
 * @param readOnly more host paths bound read-only at the same place
 * @param writable host paths bound read-write at the same place
 */
public record SandboxSpec(
    Path cwd,
    Map<String, String> env,
    SandboxLimits limits,
    boolean network,
    List<Path> readOnly,
    List<Path> writable) {

  public SandboxSpec {
    env = Map.copyOf(env);
    readOnly = List.copyOf(readOnly);
    writable = List.copyOf(writable);
  }
}
