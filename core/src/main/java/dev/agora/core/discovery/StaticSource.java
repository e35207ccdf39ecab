package dev.agora.core.discovery;

import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.spi.DiscoverySource;
import java.util.List;

/** A fixed list of manifests: written inline in agora.yaml, or given in code. */
public record StaticSource(String name, List<CapabilityManifest> manifests)
    implements DiscoverySource {

  public StaticSource {
    manifests = List.copyOf(manifests);
  }

  @Override
  public Found discover() {
    return new Found(manifests, List.of());
  }
}
