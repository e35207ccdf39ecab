package dev.agora.core.spi;

import dev.agora.core.doc.Fields;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A module's own top-level section of agora.yaml — the server module's {@code server:} — found with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/dev.agora.core.spi.ConfigSection}).
 * Core's loader reads its own keys, hands each section present to the module that claims its key,
 * and reports a top-level key that nothing on the class path claims as an unknown key, with its
 * file and line. The module reads and checks its part, so core knows nothing of it.
 *
 * @param <T> what the section reads into (an immutable record)
 */
public interface ConfigSection<T> {

  /** The top-level key it claims ({@code server}). */
  String key();

  /**
   * Reads the section. Record every problem in {@code section} (it has the file and line of each
   * value and rejects keys nobody asked for after {@link Fields#rejectUnknown}); return a value
   * even then — the loader refuses the file as a whole.
   */
  T read(Fields section, Core core);

  /**
   * Reads the section from agora.yaml's top-level map {@code root}, where it stands under {@link
   * #key()}: as a map, by {@link #read}. A section written as a list (core's {@code isolation:})
   * reads {@code root.items(key())} instead.
   */
  default T readFrom(Fields root, Core core) {
    return read(root.map(key()), core);
  }

  /** The value when agora.yaml has no such section, or there is no agora.yaml. */
  T defaults();

  /**
   * The discovery sources the section's value adds to those under {@code sources:} (the plugins
   * module's {@code plugins:} directory); asked only when the file has the section and read without
   * problems. None by default.
   */
  default List<DiscoverySource> sources(T value, Core core) {
    return List.of();
  }

  /**
   * What core has read that a section may refer to.
   *
   * @param base the directory of agora.yaml, for relative paths
   * @param contexts the names of the configured security contexts
   * @param earlier the values of the sections read before this one, by key: core's own ({@code
   *     isolation}, then {@code trust}) come before every module's
   */
  record Core(Path base, Set<String> contexts, Map<String, Object> earlier) {
    public Core {
      contexts = Set.copyOf(contexts);
      earlier = Map.copyOf(earlier);
    }

    /** What core has read, before any section. */
    public Core(Path base, Set<String> contexts) {
      this(base, contexts, Map.of());
    }

    /**
     * The {@code isolation:} rules: the plugins module decides by them which JARs to load in a
     * sandboxed child. None when the file has no such section.
     */
    public IsolationDemands isolation() {
      return earlier.get("isolation") instanceof IsolationDemands d ? d : IsolationDemands.NONE;
    }
  }
}
