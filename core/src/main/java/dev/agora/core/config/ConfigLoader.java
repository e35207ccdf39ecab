package dev.agora.core.config;

import dev.agora.chain.ChainFormatException;
import dev.agora.chain.Ledger;
import dev.agora.chain.Recording;
import dev.agora.chain.VerifierKey;
import dev.agora.core.call.policy.IsolationPolicy;
import dev.agora.core.call.policy.PolicySection;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.call.resilience.ResiliencePolicy;
import dev.agora.core.call.resilience.ResilienceSection;
import dev.agora.core.discovery.CoreSources;
import dev.agora.core.doc.Document;
import dev.agora.core.doc.DocumentException;
import dev.agora.core.doc.DocumentProblem;
import dev.agora.core.doc.Documents;
import dev.agora.core.doc.Fields;
import dev.agora.core.spi.ConfigSection;
import dev.agora.core.spi.DiscoverySource;
import dev.agora.core.spi.SourceFactory;
import dev.agora.core.store.Stores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads agora.yaml. Every problem in the file is collected — unknown keys, bad values, each with
 * file, line and key — and reported together as one {@link DocumentException}.
 *
 * <pre>
 * sources:                                  # discovery, run concurrently at start-up
 *   - {name: local, type: files, path: manifests, watch: true}
 * policy:
 *   allow: ["*"]                            # anchored globs; default ["*"]
 *   deny: ["ccos.system.*"]                 # deny wins
 *   default_timeout: 30s
 *   namespaces:
 *     billing: {allow: ["billing.read.*"], deny: [], timeout: 5s, max_concurrent: 4}
 *   time_windows:
 *     - {zone: Europe/Oslo, days: [mon, tue, wed, thu, fri], hours: "08:00-18:00", capabilities: ["billing.*"]}
 *   limits:
 *     - {capabilities: "slow.*", timeout: 2s, max_concurrent: 2}
 * contexts:
 *   operator: {level: full}
 *   agent: {level: controlled, allow: ["ccos.*"], effects: [time, logging], permissions: []}
 *   sandbox: {level: pure}
 * default_context: operator
 * data_dir: .agora                          # the node's key and SQLite file; default .agora in the working directory
 * storage: {type: sqlite}                   # sqlite (default, path: <data_dir>/agora.db) | postgres | memory
 * chain: {durability: durable, privacy: full, checkpoint_every: 10000, max_stored_bytes: 65536,
 *         redact: ["(?i)ssn"], trusted_keys: []}
 * resilience: {defaults: {…}, providers: {…}, capabilities: [{capabilities: "x.*", …}]}
 * </pre>
 *
 * Any other top-level section belongs to a module on the class path ({@link ConfigSection}: the
 * server module's {@code server:}); a key that no module claims is an unknown key.
 */
public final class ConfigLoader {

  private ConfigLoader() {}

  /** The configuration file name looked for in the working directory. */
  public static final String FILE_NAME = "agora.yaml";

  /** {@code file} if given, else agora.yaml in {@code workingDir} if present, else the defaults. */
  public static AgoraConfig find(Path file, Path workingDir) {
    if (file != null) {
      return load(file);
    }
    Path here = workingDir.resolve(FILE_NAME);
    return Files.exists(here) ? load(here) : AgoraConfig.defaults();
  }

  /** Reads and checks a configuration file. */
  public static AgoraConfig load(Path file) {
    Document doc = Documents.read(file);
    Path base = file.toAbsolutePath().getParent();
    return parse(doc, base, factories());
  }

  /**
   * Checks a parsed configuration with the modules' sections on the class path; relative paths
   * resolve against {@code base}.
   */
  public static AgoraConfig parse(Document doc, Path base, Map<String, SourceFactory> factories) {
    return parse(doc, base, factories, sections());
  }

  /** Checks a parsed configuration, with these source factories and module sections. */
  public static AgoraConfig parse(
      Document doc,
      Path base,
      Map<String, SourceFactory> factories,
      List<ConfigSection<?>> sections) {
    List<DocumentProblem> problems = new ArrayList<>();
    Fields root = Fields.of(doc, List.of(), doc.root(), problems);
    root.has("sources"); // read last (the sources may consult the sections), listed first
    List<DiscoverySource> sources = new ArrayList<>(); // the sections'; sources: go before them
    IsolationPolicy policy = PolicySection.policy(root.map("policy"));
    Map<String, SecurityContext> contexts = PolicySection.contexts(root.map("contexts"));
    String defaultContext =
        root.string(
            "default_context",
            contexts.containsKey("local") || contexts.isEmpty()
                ? "local"
                : contexts.keySet().iterator().next());
    if (contexts.isEmpty()) {
      contexts.put("local", SecurityContext.full("local"));
    }
    if (!contexts.containsKey(defaultContext)) {
      root.problem("default_context", "no context named '" + defaultContext + "' under contexts");
    }
    Path dataDir = root.has("data_dir") ? base.resolve(root.string("data_dir", ".agora")) : null;
    AgoraConfig.Storage storage = storage(root.map("storage"), base);
    AgoraConfig.Chain chain = chain(root.map("chain"));
    ResiliencePolicy resilience = ResilienceSection.read(root.map("resilience"));
    ConfigSection.Core core = new ConfigSection.Core(base, contexts.keySet());
    Map<String, Object> modules = new LinkedHashMap<>();
    // isolation, then trust (core's own, in their packages) first: the other sections see them
    List<ConfigSection<?>> ordered = new ArrayList<>(sections);
    ordered.sort(
        Comparator.comparingInt(
            s -> FIRST.indexOf(s.key()) < 0 ? FIRST.size() : FIRST.indexOf(s.key())));
    for (ConfigSection<?> section : ordered) {
      if (root.has(section.key())) {
        Object value = read(section, root, core, problems, sources);
        modules.put(section.key(), value);
        core = new ConfigSection.Core(base, contexts.keySet(), modules);
      }
    }
    int before = problems.size();
    sources.addAll(0, sources(root, core, factories));
    // their problems first, in the order they had when sources: was read before the sections
    List<DocumentProblem> fromSources = new ArrayList<>(problems.subList(before, problems.size()));
    problems.subList(before, problems.size()).clear();
    problems.addAll(0, fromSources);
    root.rejectUnknown();
    if (!problems.isEmpty()) {
      sources.forEach(DiscoverySource::close);
      throw new DocumentException(problems);
    }
    return new AgoraConfig(
        doc.file(),
        sources,
        policy,
        contexts,
        defaultContext,
        dataDir,
        storage,
        chain,
        resilience,
        modules);
  }

  /** Reads a module's section and, when it had no problems, adds the sources it contributes. */
  private static <T> T read(
      ConfigSection<T> section,
      Fields root,
      ConfigSection.Core core,
      List<DocumentProblem> problems,
      List<DiscoverySource> sources) {
    int before = problems.size();
    T value = section.readFrom(root, core);
    if (problems.size() == before) {
      sources.addAll(section.sources(value, core));
    }
    return value;
  }

  /** The sections read before all others, in this order (core's, which modules may depend on). */
  private static final List<String> FIRST = List.of("isolation", "trust");

  /** The top-level keys core reads itself; no module may claim one. */
  public static final Set<String> CORE_KEYS =
      Set.of(
          "sources",
          "policy",
          "contexts",
          "default_context",
          "data_dir",
          "storage",
          "chain",
          "resilience");

  /**
   * The modules' sections on the class path. Two claiming one key, or one claiming a key of core's,
   * is a broken build: an IllegalStateException naming both.
   */
  public static List<ConfigSection<?>> sections() {
    List<ConfigSection<?>> found = new ArrayList<>();
    ServiceLoader.load(ConfigSection.class).forEach(found::add);
    return checked(found);
  }

  static List<ConfigSection<?>> checked(List<ConfigSection<?>> sections) {
    Map<String, ConfigSection<?>> byKey = new LinkedHashMap<>();
    for (ConfigSection<?> s : sections) {
      ConfigSection<?> other = byKey.putIfAbsent(s.key(), s);
      if (CORE_KEYS.contains(s.key()) || other != null) {
        throw new IllegalStateException(
            "agora.yaml's '"
                + s.key()
                + "' section is claimed by "
                + (other == null ? "core" : other.getClass().getName())
                + " and by "
                + s.getClass().getName());
      }
    }
    return List.copyOf(byKey.values());
  }

  /** The source factories: core's and those on the class path. */
  public static Map<String, SourceFactory> factories() {
    Map<String, SourceFactory> out = new LinkedHashMap<>();
    out.put(CoreSources.FILES.type(), CoreSources.FILES);
    out.put(CoreSources.STATIC.type(), CoreSources.STATIC);
    for (SourceFactory f : ServiceLoader.load(SourceFactory.class)) {
      out.put(f.type(), f);
    }
    return out;
  }

  // ---- sources ----

  /**
   * The {@code sources:} entries, each made by the factory of its type once the sections are read.
   */
  private static List<DiscoverySource> sources(
      Fields root, ConfigSection.Core core, Map<String, SourceFactory> factories) {
    List<DiscoverySource> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    int i = 0;
    for (Fields s : root.items("sources")) {
      String type = s.required("type");
      String name = s.string("name", type + "-" + i++);
      if (!names.add(name)) {
        s.problem("name", "another source is already named '" + name + "'");
      }
      if (type == null) {
        continue;
      }
      SourceFactory factory = factories.get(type);
      if (factory == null) {
        s.problem(
            "type",
            "unknown source type '"
                + type
                + "'; known types: "
                + String.join(", ", factories.keySet()));
        continue;
      }
      DiscoverySource source = factory.create(name, s, core);
      if (source != null) {
        out.add(source);
      }
    }
    return out;
  }

  private static AgoraConfig.Storage storage(Fields s, Path base) {
    String type = s.string("type", "sqlite");
    Map<String, String> settings = new LinkedHashMap<>();
    if (s.has("path")) {
      settings.put("path", base.resolve(s.string("path", "")).toString());
    }
    for (String key : List.of("url", "user", "password_env")) {
      if (s.has(key)) {
        settings.put(key, s.string(key, null));
      }
    }
    if (s.has("pool_size")) {
      settings.put("pool_size", Long.toString(s.integer("pool_size", 8, 1, 200)));
    }
    if (s.has("password")) {
      s.problem(
          "password",
          "passwords do not belong in agora.yaml; put it in an environment variable and name that "
              + "variable with password_env");
    }
    s.rejectUnknown();
    Set<String> known = Stores.types();
    if (s.has("type")
        && !known.contains(type)) { // the default, sqlite, is checked when the store is opened
      s.problem(
          "type",
          "unknown storage type '" + type + "'; this build has " + String.join(", ", known));
    } else if (type.equals("postgres") && !settings.containsKey("url")) {
      s.problem("postgres storage needs a url (jdbc:postgresql://host:port/database)");
    }
    return new AgoraConfig.Storage(type, settings);
  }

  private static AgoraConfig.Chain chain(Fields c) {
    AgoraConfig.Chain d = AgoraConfig.Chain.DEFAULT;
    Ledger.Durability durability =
        switch (c.string("durability", "durable")) {
          case "durable" -> Ledger.Durability.DURABLE;
          case "async" -> Ledger.Durability.ASYNC;
          default -> {
            c.problem(
                "durability",
                "use durable (acknowledge once on disk) or async (acknowledge at once)");
            yield d.durability();
          }
        };
    Recording.Privacy privacy =
        switch (c.string("privacy", "full")) {
          case "full" -> Recording.Privacy.FULL;
          case "digest" -> Recording.Privacy.DIGEST;
          default -> {
            c.problem(
                "privacy",
                "use full (store arguments and results) or digest (store only their SHA-256)");
            yield d.privacy();
          }
        };
    List<String> patterns = c.has("redact") ? c.strings("redact") : List.of();
    for (String p : patterns) {
      try {
        Pattern.compile(p);
      } catch (PatternSyntaxException e) {
        c.problem("redact", "'" + p + "' is not a regular expression: " + e.getDescription());
      }
    }
    long every = c.integer("checkpoint_every", d.checkpointEvery(), 0, Long.MAX_VALUE);
    long maxStored = c.integer("max_stored_bytes", d.maxStoredBytes(), 0, Integer.MAX_VALUE);
    List<VerifierKey> trusted = new ArrayList<>();
    for (String k : c.has("trusted_keys") ? c.strings("trusted_keys") : List.<String>of()) {
      try {
        trusted.add(VerifierKey.parse(k));
      } catch (ChainFormatException e) {
        c.problem("trusted_keys", e.getMessage());
      }
    }
    c.rejectUnknown();
    return new AgoraConfig.Chain(
        durability,
        privacy,
        patterns.isEmpty() ? null : String.join("|", patterns),
        every,
        trusted,
        maxStored);
  }
}
