package dev.agora.core.config;

import dev.agora.core.discovery.DiscoverySource;
import dev.agora.core.policy.IsolationPolicy;
import dev.agora.core.security.SecurityContext;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Everything agora.yaml says, checked and immutable. {@link #defaults()} is what Agora runs with
 * when there is no file: no sources but the built-in capabilities, a policy that allows everything
 * with 30 s deadlines, and one security context, {@code local}, with full rights.
 *
 * @param file where it was read from (null for the defaults)
 */
public record AgoraConfig(String file, List<DiscoverySource> sources, IsolationPolicy policy,
                          Map<String, SecurityContext> contexts, String defaultContext, Storage storage) {

  /** Where the registry and the Causal Chain are kept. */
  public record Storage(String type, String path) {
    public static final Storage MEMORY = new Storage("memory", null);
  }

  public AgoraConfig {
    sources = List.copyOf(sources);
    contexts = Map.copyOf(contexts);
  }

  public static AgoraConfig defaults() {
    return new AgoraConfig(null, List.of(), IsolationPolicy.allowAll(),
        Map.of("local", SecurityContext.full("local")), "local", Storage.MEMORY);
  }

  /** The context named {@code name} (null: the default one); an unknown name is an IllegalArgumentException listing the known ones. */
  public SecurityContext context(String name) {
    String n = name == null ? defaultContext : name;
    SecurityContext c = contexts.get(n);
    if (c == null) {
      throw new IllegalArgumentException("no security context '" + n + "'" + (file == null ? "" : " in " + file)
          + "; known contexts: " + String.join(", ", new TreeSet<>(contexts.keySet())));
    }
    return c;
  }
}
