package dev.agora.core.spi;

import dev.agora.core.doc.DocumentProblem;
import dev.agora.core.manifest.CapabilityManifest;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A place capabilities come from: a directory of manifests, a configured list, an MCP server, a
 * registry… {@link #discover} lists them once at start-up; {@link #watch} (optional) reports
 * changes while running. Sources come from configuration through {@link SourceFactory}s.
 */
public interface DiscoverySource extends AutoCloseable {

  /** The source's name, as configured; registry provenance says {@code <name>}. */
  String name();

  /**
   * Called once before {@link #discover}, with the marketplace's providers by type: a source that
   * also executes what it discovers (an MCP server: one session for discovery and calls) hands its
   * connection to its provider here. Most sources ignore it.
   */
  default void attach(Function<String, Provider> providers) {}

  /** Every capability the source has now, and the problems of those it could not read. */
  Found discover() throws Exception;

  /** Whether the source is reachable and working. */
  default Health health() {
    return Health.UP;
  }

  /**
   * Starts reporting changes to {@code changes} until {@link #close}; sources that cannot watch
   * ignore it.
   */
  default void watch(Changes changes) {}

  @Override
  default void close() {}

  /** What a discovery found. */
  record Found(List<CapabilityManifest> manifests, List<DocumentProblem> problems) {
    public Found {
      manifests = List.copyOf(manifests);
      problems = List.copyOf(problems);
    }
  }

  /** Up or down, and why. */
  record Health(boolean up, String detail) {
    public static final Health UP = new Health(true, "ok");
  }

  /** Where a watching source reports what changed. */
  interface Changes {
    /** A capability appeared or changed. */
    void upsert(DiscoverySource source, CapabilityManifest manifest);

    /** A capability went away. */
    void remove(DiscoverySource source, String id, String version);

    /** Something could not be read. */
    void problem(DiscoverySource source, DocumentProblem problem);

    /**
     * Reports how a listing changed: new and changed manifests upserted, those gone removed. A
     * manifest is (id, version): a listing that moves an id to a new version removes the old one.
     */
    default void diff(
        DiscoverySource source,
        Collection<CapabilityManifest> before,
        Collection<CapabilityManifest> now) {
      Map<String, CapabilityManifest> old = new HashMap<>();
      before.forEach(m -> old.put(m.id() + "@" + m.version(), m));
      for (CapabilityManifest m : now) {
        CapabilityManifest was = old.remove(m.id() + "@" + m.version());
        if (was == null || !was.equals(m)) {
          upsert(source, m);
        }
      }
      old.values().forEach(m -> remove(source, m.id(), m.version()));
    }
  }
}
