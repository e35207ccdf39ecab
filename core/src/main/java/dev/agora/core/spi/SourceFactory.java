package dev.agora.core.spi;

import dev.agora.core.doc.Fields;
import java.nio.file.Path;

/**
 * Makes discovery sources of one {@code type} from their section in agora.yaml ({@code sources:
 * [{type: files, …}]}). Core has {@code files} and {@code static}; provider modules add theirs
 * through {@link java.util.ServiceLoader}. A factory reads its fields with {@code section}, which
 * collects problems (with line numbers) and rejects unknown keys.
 */
public interface SourceFactory {

  String type();

  /**
   * A source from its configuration section; {@code base} is the directory of agora.yaml, for
   * relative paths. Return null after recording problems in {@code section}.
   */
  DiscoverySource create(String name, Fields section, Path base);

  /**
   * The same, seeing what core and the modules' sections have read ({@code core.earlier()}: such as
   * the {@code trust:} policy, for a source that checks signatures with its authorities). Sources
   * are read after every section.
   */
  default DiscoverySource create(String name, Fields section, ConfigSection.Core core) {
    return create(name, section, core.base());
  }
}
