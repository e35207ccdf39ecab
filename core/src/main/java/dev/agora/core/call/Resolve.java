package dev.agora.core.call;

import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.registry.Registry;
import dev.agora.rtfs.Value;
import java.util.List;

/**
 * Finds the manifest: the highest version of the id, or the highest in the requested range.
 * NotFound suggests near misses; a capability the trust or isolation policy refused, or that is
 * quarantined, is denied, saying why.
 */
final class Resolve implements Stage {

  private final Registry registry;

  Resolve(Registry registry) {
    this.registry = registry;
  }

  @Override
  public Value apply(Call call, Next next) {
    CallRequest r = call.request;
    CapabilityManifest m = registry.resolve(r.capabilityId(), r.version());
    if (m == null) {
      List<Registry.Refused> refused = registry.refused(r.capabilityId());
      if (!refused.isEmpty()) { // untrusted or quarantined: say so, not "no such capability"
        Registry.Refusal why = refused.getLast().refusal();
        throw new AgoraError.AccessDenied(r.capabilityId(), why.why(), deniedBy(why));
      }
      throw new AgoraError.NotFound(
          r.capabilityId(), r.version(), registry.suggest(r.capabilityId(), 3));
    }
    call.manifest = m;
    return next.invoke(call);
  }

  /**
   * What a refusal names as its rule: {@code trust}, {@code trust.pinning} or {@code isolation}.
   */
  private static String deniedBy(Registry.Refusal why) {
    return switch (why.kind()) {
      case "Quarantined" -> "trust.pinning";
      case "Isolation" -> "isolation";
      default -> "trust";
    };
  }
}
