package dev.agora.core.config;

import dev.agora.chain.Ledger;
import dev.agora.chain.Recording;
import dev.agora.chain.VerifierKey;
import dev.agora.core.call.policy.IsolationPolicy;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.call.resilience.ResiliencePolicy;
import dev.agora.core.spi.ConfigSection;
import dev.agora.core.spi.DiscoverySource;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Everything agora.yaml says, checked and immutable. {@link #defaults()} is what Agora runs with
 * when there is no file: no sources but the built-in capabilities, a policy that allows everything
 * with 30 s deadlines, one security context, {@code local}, with full rights, and the Causal Chain
 * and registry in SQLite under {@code .agora/}.
 *
 * @param file where it was read from (null for the defaults)
 * @param dataDir where the node keeps its files (its key, the SQLite database); null: {@code
 *     .agora} in the working directory
 * @param sections the modules' own sections ({@link ConfigSection}s), by key; see {@link #section}
 */
public record AgoraConfig(
    String file,
    List<DiscoverySource> sources,
    IsolationPolicy policy,
    Map<String, SecurityContext> contexts,
    String defaultContext,
    Path dataDir,
    Storage storage,
    Chain chain,
    ResiliencePolicy resilience,
    Map<String, Object> sections) {

  /** The data directory used when none is configured, relative to the working directory. */
  public static final Path DEFAULT_DATA_DIR = Path.of(".agora");

  /**
   * Where the registry and the Causal Chain are kept: a store type ({@code sqlite}, {@code
   * postgres}, {@code memory}) and its settings ({@code path}; {@code url}, {@code user}, {@code
   * password_env}, {@code pool_size}).
   */
  public record Storage(String type, Map<String, String> settings) {
    public static final Storage MEMORY = new Storage("memory", Map.of());
    public static final Storage SQLITE = new Storage("sqlite", Map.of());

    public Storage {
      settings = Map.copyOf(settings);
    }
  }

  /**
   * How the Causal Chain records.
   *
   * @param redact extra key patterns (a regex) whose values are redacted, besides the built-in
   *     secret names
   * @param trustedKeys other nodes' verifier keys whose checkpoints verification accepts
   * @param maxStoredBytes arguments, results and metadata values larger than this (canonical bytes)
   *     are recorded as their digest and size ({@code chain.max_stored_bytes})
   */
  public record Chain(
      Ledger.Durability durability,
      Recording.Privacy privacy,
      String redact,
      long checkpointEvery,
      List<VerifierKey> trustedKeys,
      long maxStoredBytes) {
    public static final Chain DEFAULT =
        new Chain(
            Ledger.Durability.DURABLE,
            Recording.Privacy.FULL,
            null,
            10_000,
            List.of(),
            Recording.DEFAULT_MAX_STORED_BYTES);

    public Chain {
      trustedKeys = List.copyOf(trustedKeys);
    }

    /** The ledger settings this amounts to. */
    public Ledger.Settings settings() {
      return new Ledger.Settings(
          durability,
          new Recording(privacy, redact, maxStoredBytes),
          checkpointEvery,
          Ledger.Settings.DEFAULT.maxBatch());
    }
  }

  public AgoraConfig {
    sources = List.copyOf(sources);
    contexts = Map.copyOf(contexts);
    sections = Map.copyOf(sections);
  }

  public static AgoraConfig defaults() {
    return new AgoraConfig(
        null,
        List.of(),
        IsolationPolicy.allowAll(),
        Map.of("local", SecurityContext.full("local")),
        "local",
        null,
        Storage.SQLITE,
        Chain.DEFAULT,
        ResiliencePolicy.DEFAULT,
        Map.of());
  }

  /** The same configuration storing elsewhere (tests, {@code --store memory}). */
  public AgoraConfig withStorage(Storage s) {
    return new AgoraConfig(
        file, sources, policy, contexts, defaultContext, dataDir, s, chain, resilience, sections);
  }

  /** The same configuration with another data directory. */
  public AgoraConfig withDataDir(Path dir) {
    return new AgoraConfig(
        file, sources, policy, contexts, defaultContext, dir, storage, chain, resilience, sections);
  }

  /**
   * A module's section ({@link ConfigSection}): what it read from agora.yaml, or its defaults when
   * the file has none.
   */
  @SuppressWarnings("unchecked") // stored by the section's own key, from its own read()
  public <T> T section(ConfigSection<T> section) {
    Object v = sections.get(section.key());
    return v == null ? section.defaults() : (T) v;
  }

  /** The same configuration with another value for a module's section (the command line's). */
  public <T> AgoraConfig with(ConfigSection<T> section, T value) {
    Map<String, Object> all = new HashMap<>(sections);
    all.put(section.key(), value);
    return new AgoraConfig(
        file, sources, policy, contexts, defaultContext, dataDir, storage, chain, resilience, all);
  }

  /** The data directory, resolved: the configured one or {@code .agora}. */
  public Path dataDirOrDefault() {
    return dataDir == null ? DEFAULT_DATA_DIR : dataDir;
  }

  /**
   * The context named {@code name} (null: the default one); an unknown name is an
   * IllegalArgumentException listing the known ones.
   */
  public SecurityContext context(String name) {
    String n = name == null ? defaultContext : name;
    SecurityContext c = contexts.get(n);
    if (c == null) {
      throw new IllegalArgumentException(
          "no security context '"
              + n
              + "'"
              + (file == null ? "" : " in " + file)
              + "; known contexts: "
              + String.join(", ", new TreeSet<>(contexts.keySet())));
    }
    return c;
  }
}
