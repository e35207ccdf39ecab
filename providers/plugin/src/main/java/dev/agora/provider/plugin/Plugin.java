package dev.agora.provider.plugin;

import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.spi.CallContext;
import dev.agora.core.spi.IsolationLevel;
import dev.agora.rtfs.Value;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * A loaded plugin JAR, wherever its code runs: in this JVM ({@link LoadedPlugin}) or in a child JVM
 * ({@link RemotePlugin}).
 */
interface Plugin {

  Path jar();

  String sha256();

  /** {@code id version}, for messages. */
  String label();

  /** Its capabilities, with their provenance. */
  List<CapabilityManifest> manifests();

  /** The {@code id@version} of each capability it runs. */
  Set<String> keys();

  /** Runs the capability {@code key}; what it throws becomes a typed error. */
  Value call(String key, CapabilityManifest m, Value input, CallContext call) throws Exception;

  /** The provider types it adds ({@code acme.rpc}); only a plugin in Agora's JVM adds any. */
  default Set<String> providerTypes() {
    return Set.of();
  }

  /** How its code is isolated from Agora's: {@code in-process}, or {@code process} (sandboxed). */
  IsolationLevel isolation();

  /** Gone: released once no call runs its code. */
  void retire();
}
