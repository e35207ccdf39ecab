package dev.agora.core.manifest;

import dev.agora.chain.Hashes;
import dev.agora.core.doc.Document;
import dev.agora.core.doc.DocumentException;
import dev.agora.core.doc.DocumentProblem;
import dev.agora.core.doc.Documents;
import dev.agora.core.doc.Fields;
import dev.agora.core.doc.Quoting;
import dev.agora.core.json.Json;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Fn;
import dev.agora.rtfs.Limits;
import dev.agora.rtfs.Lst;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.RtfsError;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.eval.Interpreter;
import dev.agora.rtfs.types.TypeExpr;
import dev.agora.rtfs.types.TypeParser;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.semver4j.Semver;

/**
 * Reads capability manifests from JSON, YAML and RTFS files. A file holds one manifest, a list of
 * them, or {@code capabilities: [...]}; in RTFS, one or more {@code (capability "id" :key value …)}
 * forms. Each bad manifest is refused with file, line and field named, and the others still load.
 *
 * <pre>
 * id: weather.current                # required; see {@link Ids}
 * name: Current weather              # default: the id
 * description: …
 * version: 1.2.0                     # semantic version, default 1.0.0
 * provider: {type: http, url: "https://api.example.com/weather?city={city}", method: GET}
 * input_schema: "[:map [:city :string]]"     # RTFS TypeExpr (text or data) or a JSON Schema object
 * output_schema: {type: object, properties: {temp: {type: number}}}
 * effects: [network]                 # default: [unknown]; [pure] or [] for none
 * permissions: [weather.read]
 * timeout: 5s
 * sla: {cost_per_call: 0.001, expected_latency: 150ms, confidence: 0.9}
 * metadata: {…}
 * approval: required                 # every call needs a human's approval (default: none)
 * attestation: {authority: …, signature: …, created_at: 2026-01-01T00:00:00Z}
 * </pre>
 */
public final class Manifests {

  /**
   * The effect assumed when a manifest declares none: not pure, and named so a policy can see it.
   */
  public static final String UNKNOWN_EFFECT = "unknown";

  private static final Set<String> PROVIDER_TYPES =
      Set.of("local", "http", "mcp", "a2a", "process", "wasm", "plugin", "remote_rtfs");

  /**
   * Provider types of the CCOS manifest that this build cannot run yet: a manifest naming one is
   * refused at load (not accepted and then failing at its first call).
   */
  private static final Set<String> PLANNED_TYPES = Set.of("sandboxed", "stream");

  /** What a provider section's {@code isolation} may ask for (core's IsolationLevel, and none). */
  private static final Set<String> ISOLATION = Set.of("none", "in-process", "wasm", "process");

  private Manifests() {}

  /** What a file gave: the manifests that loaded and the problems of those that did not. */
  public record LoadResult(List<CapabilityManifest> manifests, List<DocumentProblem> problems) {}

  /** Loads every manifest in a file. An unreadable file is one problem, not an exception. */
  public static LoadResult load(Path file) {
    return load(file, file);
  }

  /**
   * {@link #load(Path)}, the bytes read from {@code content} ({@link Documents#read(Path, Path)}).
   */
  public static LoadResult load(Path file, Path content) {
    Document doc;
    try {
      doc = Documents.read(file, content);
    } catch (DocumentException e) {
      return new LoadResult(List.of(), e.problems());
    }
    LoadResult r = parse(doc);
    Dict origin = fileOrigin(file, content);
    return new LoadResult(
        r.manifests().stream().map(m -> m.withProvenance(Provenance.origin(origin))).toList(),
        r.problems());
  }

  /**
   * A manifest file's provenance origin: its path and the SHA-256 of its bytes (read again after
   * parsing; a file replaced in between is reported as its newer bytes, and reloaded by a watcher).
   */
  private static Dict fileOrigin(Path file, Path content) {
    Dict.Builder b = Dict.builder().put("file", Value.of(file.toString()));
    try {
      b.put("sha256", Value.of(Hashes.hex(Hashes.sha256(Files.readAllBytes(content)))));
    } catch (IOException e) { // gone since it was read: the path alone
      return b.build();
    }
    return b.build();
  }

  /** Loads every manifest of a parsed document. */
  public static LoadResult parse(Document doc) {
    List<CapabilityManifest> out = new ArrayList<>();
    List<DocumentProblem> problems = new ArrayList<>();
    Map<String, Integer> lineOf = new HashMap<>(); // id@version → where it was first given
    for (Entry e : entries(doc, problems)) {
      List<DocumentProblem> mine = new ArrayList<>();
      CapabilityManifest m = read(Fields.of(doc, e.path(), e.node(), mine));
      if (mine.isEmpty() && m != null) {
        Integer first = lineOf.putIfAbsent(m.id() + "@" + m.version(), doc.line(e.path()));
        if (first == null) {
          out.add(m);
        } else { // issue 12: the second no longer silently wins
          mine.add(
              doc.problem(
                  e.path(),
                  "capability '"
                      + m.id()
                      + "' version "
                      + m.version()
                      + " is already defined at line "
                      + first
                      + " of this file; refused here (one manifest per id and version)"));
        }
      }
      problems.addAll(mine);
    }
    problems.sort(
        Comparator.comparingInt(DocumentProblem::line)); // file order, as a reader scans it
    return new LoadResult(out, problems);
  }

  /** One manifest from a map; problems are added to {@code f}'s list and null returned. */
  public static CapabilityManifest read(Fields f) {
    String id = f.required("id");
    if (id != null && Ids.problem(id) != null) {
      f.problem("id", Ids.problem(id));
      id = null;
    }
    String name = f.string("name", null);
    String description = f.string("description", "");
    String version = f.string("version", "1.0.0");
    String versionProblem = versionProblem(version);
    if (versionProblem != null) {
      f.problem("version", versionProblem);
    }
    ProviderSpec provider = provider(f);
    Schema input = schema(f, "input_schema");
    Schema output = schema(f, "output_schema");
    List<String> effects = effects(f);
    List<String> permissions = f.strings("permissions");
    Value metadata = f.get("metadata");
    if (metadata != null && !(metadata instanceof Dict)) {
      f.problem("metadata", "expected a map, found " + Printer.describe(metadata));
      metadata = null;
    }
    Duration timeout = f.duration("timeout", null);
    Sla sla = sla(f.map("sla"));
    Attestation attestation = attestation(f);
    String approval = f.string("approval", "none");
    if (!approval.equals("required") && !approval.equals("none")) {
      f.problem("approval", "'" + approval + "' is not an approval setting; use required or none");
    }
    f.rejectUnknown();
    if (id == null || provider == null || versionProblem != null) {
      return null;
    }
    return new CapabilityManifest(
        id,
        name,
        description,
        version,
        provider,
        input,
        output,
        effects,
        permissions,
        (Dict) metadata,
        timeout,
        sla,
        null,
        attestation,
        approval.equals("required"));
  }

  // ---- Where the manifests are in a document ----

  private record Entry(List<Value> path, Value node) {}

  private static List<Entry> entries(Document doc, List<DocumentProblem> problems) {
    Value root = doc.root();
    List<Entry> out = new ArrayList<>();
    if (root instanceof Dict d && d.get("capabilities") instanceof Seq list) {
      addAll(out, List.of(Value.keyword("capabilities")), list);
    } else if (root instanceof Dict) {
      out.add(new Entry(List.of(), root));
    } else if (root
        instanceof Seq list) { // a JSON/YAML list of maps, or an RTFS file's top-level forms
      for (int i = 0; i < list.size(); i++) {
        listEntry(doc, i, list.get(i), out, problems);
      }
    } else if (!(root instanceof Value.Nil)) {
      problems.add(
          doc.problem(
              List.of(),
              "expected a manifest, a list of manifests or capabilities: […], found "
                  + Quoting.shape(root)));
    }
    return out;
  }

  private static void addAll(List<Entry> out, List<Value> prefix, Seq list) {
    for (int i = 0; i < list.size(); i++) {
      List<Value> p = new ArrayList<>(prefix);
      p.add(Value.of(i));
      out.add(new Entry(p, list.get(i)));
    }
  }

  /**
   * An entry of a top-level list: a manifest map, or in RTFS {@code (capability "id" :name "…" …)},
   * which becomes the map {@code {:id "id" :name "…" …}}; the reference's {@code :provider :mcp
   * :provider-meta {…}} spelling is accepted too.
   */
  private static void listEntry(
      Document doc, int index, Value form, List<Entry> out, List<DocumentProblem> problems) {
    List<Value> path = List.of(Value.of(index));
    if (form instanceof Dict) {
      out.add(new Entry(path, form));
      return;
    }
    if (!(form instanceof Lst l)
        || l.isEmpty()
        || !(l.get(0) instanceof Value.Symbol head)
        || !head.name().equals("capability")) {
      problems.add(
          doc.problem(
              path,
              "expected a manifest (a map, or (capability \"id\" :key value …) in RTFS), found "
                  + Quoting.shape(form)));
      return;
    }
    if (l.size() < 2 || l.size() % 2 != 0) {
      problems.add(doc.problem(path, "(capability …) takes an id and then :key value pairs"));
      return;
    }
    Dict.Builder b = Dict.builder().put("id", l.get(1));
    for (int i = 2; i < l.size(); i += 2) {
      if (!(l.get(i) instanceof Value.Keyword)) {
        problems.add(
            doc.problem(
                path, "expected a :key in (capability …), found " + Quoting.shape(l.get(i))));
        return;
      }
      b.put(l.get(i), l.get(i + 1));
    }
    Dict d = b.build();
    Value meta = d.get("provider-meta");
    if (d.get("provider") instanceof Value.Keyword type && meta instanceof Dict m) {
      d =
          d.dissoc(Value.keyword("provider-meta"))
              .assoc(Value.keyword("provider"), m.assoc(Value.keyword("type"), type));
    }
    out.add(new Entry(path, d));
  }

  // ---- Fields ----

  private static ProviderSpec provider(Fields f) {
    Value v = f.get("provider");
    if (v == null) {
      f.problem(
          "missing required field 'provider' (for example {type: local} or {type: http, url: …})");
      return null;
    }
    if (v instanceof Value.Str || v instanceof Value.Keyword) {
      v = Dict.of(Value.keyword("type"), v);
    }
    Fields p = f.nested("provider", v);
    String type = p.required("type");
    if (type == null) {
      return null;
    }
    type = type.replace('-', '_');
    if (PLANNED_TYPES.contains(type)) {
      p.problem(
          "type",
          "provider type '"
              + type
              + "' is not supported by this version of Agora; supported types are "
              + knownTypes());
      return null;
    }
    if (!PROVIDER_TYPES.contains(type) && !type.contains(".")) {
      p.problem(
          "type",
          "unknown provider type '"
              + type
              + "'; known types are "
              + knownTypes()
              + " (and those plugins add, named with a dot: acme.rpc)");
      return null;
    }
    Dict options = options(v);
    String isolation = p.string("isolation", null);
    if (isolation != null && !ISOLATION.contains(isolation.replace('_', '-'))) {
      p.problem(
          "isolation",
          "unknown isolation '"
              + isolation
              + "'; use none, in-process, wasm or process (docs/SECURITY.md, \"Isolation levels\")");
      return null;
    }
    if ((type.equals("local") || type.equals("remote_rtfs"))
        && options.get("implementation") instanceof Value impl) {
      String problem = implementationProblem(impl);
      if (problem != null) {
        p.problem("implementation", problem);
        return null;
      }
    }
    return switch (type) {
      case "local" -> new ProviderSpec.Local(p.string("handler", null), options);
      case "http" ->
          nonNull(
              p.required("url"),
              url ->
                  new ProviderSpec.Http(
                      url, p.string("method", "GET").toUpperCase(Locale.ROOT), options));
      case "mcp" ->
          nonNull(
              p.required("server"),
              server ->
                  nonNull(p.required("tool"), tool -> new ProviderSpec.Mcp(server, tool, options)));
      case "a2a" ->
          nonNull(
              p.required("agent"),
              agent ->
                  nonNull(
                      p.required("skill"), skill -> new ProviderSpec.A2a(agent, skill, options)));
      case "process" -> processSpec(p, options);
      case "wasm" ->
          nonNull(
              p.required("module"),
              module -> new ProviderSpec.Wasm(module, p.string("function", null), options));
      case "plugin" ->
          nonNull(
              p.required("plugin"),
              plugin ->
                  nonNull(
                      p.required("handler"),
                      handler -> new ProviderSpec.Plugin(plugin, handler, options)));
      case "remote_rtfs" -> remoteRtfsSpec(p, options);
      default -> new ProviderSpec.Extension(type, options); // a plugin's type: acme.rpc
    };
  }

  /**
   * {@code {type: remote-rtfs, implementation: "(fn [x] …)", nodes: cluster}}: an implementation
   * (required) and where it may run — {@code cluster}, the default, or a list of node URLs.
   */
  private static ProviderSpec remoteRtfsSpec(Fields p, Dict options) {
    if (!p.has("implementation")) {
      p.problem("missing required field 'implementation' (the RTFS function the nodes run)");
      return null;
    }
    String transfer = p.string("transfer", "binary");
    if (transfer != null
        && !Set.of("binary", "rtfs", "json").contains(transfer.toLowerCase(Locale.ROOT))) {
      p.problem("transfer", "unknown transfer '" + transfer + "'; use binary, rtfs or json");
      return null;
    }
    Value nodes = p.get("nodes");
    if (nodes == null
        || nodes.equals(Value.of("cluster"))
        || nodes.equals(Value.keyword("cluster"))) {
      return new ProviderSpec.RemoteRtfs(List.of(), options);
    }
    if (nodes instanceof Value.Str || nodes instanceof Value.Keyword) {
      p.problem("nodes", "must be cluster or a list of node URLs, not " + Printer.print(nodes));
      return null;
    }
    List<String> urls = p.strings("nodes");
    List<URI> parsed = new ArrayList<>();
    for (String url : urls) {
      URI u = nodeUrl(url);
      if (u == null) {
        p.problem("nodes", "'" + url + "' is not an http(s) URL of a node; use cluster or URLs");
        return null;
      }
      parsed.add(u);
    }
    if (parsed.isEmpty()) {
      p.problem("nodes", "names no node; use cluster (every node on the store) or node URLs");
      return null;
    }
    return new ProviderSpec.RemoteRtfs(parsed, options);
  }

  private static URI nodeUrl(String text) {
    try {
      URI u = new URI(text);
      return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null
          ? u
          : null;
    } catch (URISyntaxException e) {
      return null;
    }
  }

  /** The provider types, as people write them ({@code remote-rtfs}), for messages. */
  private static String knownTypes() {
    return String.join(", ", new TreeSet<>(PROVIDER_TYPES)).replace('_', '-');
  }

  /** Steps and time an implementation may take to load: making a function is quick. */
  private static final Limits LOAD_LIMITS =
      Limits.DEFAULT.withMaxSteps(100_000).withTimeout(Duration.ofSeconds(2));

  /**
   * Null when an RTFS implementation reads and evaluates to a function, else why not — checked when
   * the manifest is loaded, not at its first call. Evaluated without a host (it cannot call
   * anything) and with its output discarded.
   */
  static String implementationProblem(Value implementation) {
    String source =
        implementation instanceof Value.Str str ? str.value() : Printer.print(implementation);
    Interpreter rtfs =
        Interpreter.builder()
            .limits(LOAD_LIMITS)
            .out(new PrintStream(OutputStream.nullOutputStream()))
            .build();
    try {
      Value v = rtfs.eval(source, "implementation");
      return v instanceof Fn
          ? null
          : "the RTFS implementation is "
              + Printer.describe(v)
              + ", not a function such as (fn [input] …)";
    } catch (RtfsError e) {
      return "the RTFS implementation does not load: " + e.describe();
    }
  }

  /** A process provider: {@code command} is a non-empty list of words (or one word). */
  private static ProviderSpec processSpec(Fields p, Dict options) {
    Value v = p.get("command");
    if (v instanceof Value.Str word) {
      return word.value().isBlank()
          ? missingCommand(p)
          : new ProviderSpec.Process(List.of(word.value()), options);
    }
    if (v == null) {
      return missingCommand(p);
    }
    List<String> words = p.strings("command");
    return words.isEmpty() ? missingCommand(p) : new ProviderSpec.Process(words, options);
  }

  private static ProviderSpec missingCommand(Fields p) {
    p.problem(
        "command", "a process provider needs a command: a list of words such as [python3, sum.py]");
    return null;
  }

  /**
   * The directory relative paths of {@code m}'s provider section ({@code module}, {@code cwd}, a
   * command's script) are read from: its manifest file's, when it came from a file, else the
   * working directory.
   */
  public static Path baseDir(CapabilityManifest m) {
    if (m.provenance() != null && m.provenance().origin().get("file") instanceof Value.Str f) {
      Path parent = Path.of(f.value()).toAbsolutePath().getParent();
      if (parent != null) {
        return parent;
      }
    }
    return Path.of("").toAbsolutePath();
  }

  private static <T> ProviderSpec nonNull(T value, Function<T, ProviderSpec> make) {
    return value == null ? null : make.apply(value);
  }

  /** The provider section minus its {@code type}, for the provider module to read. */
  private static Dict options(Value section) {
    Dict d = (Dict) section;
    return d.dissoc(Value.keyword("type")).dissoc(Value.of("type"));
  }

  /** A schema: RTFS TypeExpr text, RTFS TypeExpr data, or a JSON Schema object. */
  private static Schema schema(Fields f, String key) {
    Value v = f.get(key);
    if (v == null || v instanceof Value.Nil) {
      return null;
    }
    try {
      if (v instanceof Value.Str s) {
        return Schema.of(TypeParser.parse(s.value()));
      }
      if (JsonSchemas.looksLikeJsonSchema(v)) {
        return new Schema(JsonSchemas.toType(v), v);
      }
      return Schema.of(TypeParser.parse(v));
    } catch (RtfsError | IllegalArgumentException e) {
      f.problem(key, "not a valid schema: " + e.getMessage());
      return null;
    }
  }

  private static List<String> effects(Fields f) {
    if (!f.has("effects")) {
      f.get("effects");
      return List.of(UNKNOWN_EFFECT);
    }
    List<String> effects = new ArrayList<>();
    boolean pure = false;
    for (String e : f.strings("effects")) {
      String n = Ids.effect(e);
      if (n.equals(CapabilityManifest.PURE)) {
        pure = true;
      } else if (!n.isEmpty()) {
        effects.add(n);
      }
    }
    if (pure && !effects.isEmpty()) {
      f.problem("effects", ":pure cannot be combined with other effects " + effects);
    }
    return effects;
  }

  private static Sla sla(Fields s) {
    if (s.keys().isEmpty()) {
      s.rejectUnknown();
      return Sla.NONE;
    }
    Sla sla =
        new Sla(
            s.number("cost_per_call", 0, 0, Double.MAX_VALUE),
            s.duration("expected_latency", null),
            s.number("confidence", 0, 0, 1));
    s.rejectUnknown();
    return sla;
  }

  private static Attestation attestation(Fields f) {
    if (!f.has("attestation")) {
      f.get("attestation");
      return null;
    }
    Fields a = f.map("attestation");
    String authority = a.required("authority");
    String signature = a.required("signature");
    Instant created = instant(a, "created_at");
    Instant expires = instant(a, "expires_at");
    Value meta = a.get("metadata");
    a.rejectUnknown();
    return authority == null || signature == null
        ? null
        : new Attestation(
            authority, signature, created, expires, meta instanceof Dict d ? d : Dict.EMPTY);
  }

  private static Instant instant(Fields f, String key) {
    String s = f.string(key, null);
    if (s == null) {
      return null;
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      f.problem(key, "expected an instant such as 2026-01-31T12:00:00Z, found \"" + s + "\"");
      return null;
    }
  }

  // ---- Versions and hashes ----

  /**
   * Null if {@code version} is a semantic version (MAJOR.MINOR.PATCH[-pre][+build]), else why not.
   */
  public static String versionProblem(String version) {
    return Semver.isValid(version)
        ? null
        : "'" + version + "' is not a semantic version (MAJOR.MINOR.PATCH, such as 1.2.0)";
  }

  static void checkVersion(String version) {
    String p = versionProblem(version);
    if (p != null) {
      throw new IllegalArgumentException(p);
    }
  }

  /**
   * A manifest's data form ({@link CapabilityManifest#toValue}) for JSON and YAML, which have no
   * keywords: a schema written as an RTFS type becomes its text, as people write it there ({@code
   * "[:map [:a :int]]"}), and so does an implementation written as RTFS code; a JSON Schema (a map)
   * stays as it is. Schemas read back the same; an implementation read back is text, not code.
   */
  public static Dict asText(Dict manifest) {
    Dict out = manifest;
    for (String key : List.of("input_schema", "output_schema")) {
      Value schema = manifest.get(key);
      if (schema != null && !(schema instanceof Dict) && !(schema instanceof Value.Str)) {
        out = out.assoc(Value.keyword(key), Value.of(Printer.print(schema)));
      }
    }
    if (manifest.get("provider") instanceof Dict p
        && p.get("implementation") instanceof Value code
        && !(code instanceof Value.Str)) {
      out =
          out.assoc(
              Value.keyword("provider"),
              p.assoc(Value.keyword("implementation"), Value.of(Printer.print(code))));
    }
    return out;
  }

  /** SHA-256 (hex) of the manifest's canonical JSON, provenance excluded: its content hash. */
  public static String contentHash(CapabilityManifest m) {
    return Hashes.hex(Hashes.sha256(Json.canonical(m.toValue()).getBytes(StandardCharsets.UTF_8)));
  }

  /** Parses a schema written as RTFS text, for code that builds manifests. */
  public static TypeExpr type(String text) {
    return TypeParser.parse(text);
  }
}
