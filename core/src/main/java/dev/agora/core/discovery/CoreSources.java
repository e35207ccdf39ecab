package dev.agora.core.discovery;

import dev.agora.core.doc.Fields;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Manifests;
import dev.agora.core.spi.DiscoverySource;
import dev.agora.core.spi.SourceFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The source types core provides: {@code files} (a directory of manifests) and {@code static}
 * (inline manifests).
 */
public final class CoreSources {

  private CoreSources() {}

  /** {@code {type: files, path: manifests, watch: true}}. */
  public static final SourceFactory FILES =
      new SourceFactory() {
        @Override
        public String type() {
          return "files";
        }

        @Override
        public DiscoverySource create(String name, Fields f, Path base) {
          String path = f.required("path");
          boolean watch = f.bool("watch", true);
          f.rejectUnknown();
          return path == null ? null : new FileSource(name, base.resolve(path).normalize(), watch);
        }
      };

  /** {@code {type: static, capabilities: [ {id: …, provider: …}, … ]}}. */
  public static final SourceFactory STATIC =
      new SourceFactory() {
        @Override
        public String type() {
          return "static";
        }

        @Override
        public DiscoverySource create(String name, Fields f, Path base) {
          if (!f.has("capabilities")) {
            f.problem("missing required field 'capabilities' (a list of manifests)");
          }
          List<CapabilityManifest> manifests = new ArrayList<>();
          for (Fields m : f.items("capabilities")) {
            CapabilityManifest manifest = Manifests.read(m);
            if (manifest != null) {
              manifests.add(manifest);
            }
          }
          f.rejectUnknown();
          return new StaticSource(name, manifests);
        }
      };
}
