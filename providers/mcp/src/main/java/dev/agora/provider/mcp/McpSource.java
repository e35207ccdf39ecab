package dev.agora.provider.mcp;

import dev.agora.core.doc.DocumentProblem;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Manifests;
import dev.agora.core.manifest.Provenance;
import dev.agora.core.spi.DiscoverySource;
import dev.agora.core.spi.Provider;
import dev.agora.core.spi.Redactor;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import reactor.core.publisher.Mono;

/**
 * An MCP server as a discovery source: its tools, resources and prompts become capabilities, and
 * while Agora runs, {@code notifications/tools/list_changed} (and a reconnect) updates them. It
 * owns the server's one {@link McpConnection} and hands it to the {@link McpProvider} that executes
 * the calls, so discovery and calls share one session.
 */
final class McpSource implements DiscoverySource {

  private static final McpJsonMapper JSON = McpJsonDefaults.getMapper();

  /** More pages than a listing has: a server that keeps paginating is cut off here. */
  private static final int MAX_PAGES = 10_000;

  private final McpServerConfig config;
  private volatile Consumer<String> log = System.err::println;
  private final McpConnection connection;
  private final EraSwitch upstream;
  private volatile Changes changes;
  private volatile Map<String, CapabilityManifest> tools = Map.of();

  /** The resources, templates, reader and prompts as last listed. */
  private volatile Map<String, CapabilityManifest> catalog = Map.of();

  private volatile String version = "1.0.0";
  private volatile String serverInfo = "";

  public McpSource(McpServerConfig config) {
    this.config = config;
    // the server's own output may carry what it was given (a child printing its environment)
    Consumer<String> redacted = line -> log.accept(config.secrets().redact(line));
    this.connection =
        new McpConnection(
            config,
            redacted,
            this::toolsChanged,
            () -> Thread.ofVirtual().name("agora-mcp-catalog").start(this::refreshCatalog),
            this::refresh);
    this.upstream =
        new EraSwitch(config, redacted, () -> new LegacyUpstream(connection, config.timeout()));
  }

  @Override
  public String name() {
    return config.name();
  }

  public McpServerConfig config() {
    return config;
  }

  /** The 2025-11-25 session, used when the server speaks that generation. */
  McpConnection connection() {
    return connection;
  }

  /** The server, in whichever generation it speaks. */
  EraSwitch upstream() {
    return upstream;
  }

  @Override
  public void attach(Function<String, Provider> providers) {
    if (providers.apply("mcp") instanceof McpProvider p) {
      p.serve(this);
      log = p.log();
    }
  }

  @Override
  public Found discover() {
    Map<String, CapabilityManifest> found = new LinkedHashMap<>();
    // the SDK's records hold a capabilities object and a server name and version, never null
    McpSchema.InitializeResult init = upstream.hello();
    McpSchema.ServerCapabilities caps = init.capabilities();
    serverInfo = init.serverInfo().name() + " " + init.serverInfo().version();
    if (Manifests.versionProblem(init.serverInfo().version()) == null) {
      version = init.serverInfo().version();
    }
    List<DocumentProblem> problems = new ArrayList<>();
    if (caps.tools() != null) {
      for (CapabilityManifest m : toolManifests(listTools(), problems::add)) {
        found.put(m.id(), m);
      }
    }
    tools = Map.copyOf(found);
    // a 2026-07-28 server tells only if asked to
    upstream.watchLists(this::refresh, this::refreshCatalog);
    List<CapabilityManifest> listed = catalog(caps).stream().map(this::originated).toList();
    catalog = byId(listed);
    List<CapabilityManifest> all = new ArrayList<>(found.values());
    all.addAll(listed);
    return new Found(all, problems);
  }

  /**
   * The server's resources, resource templates (with the generic reader) and prompts as
   * capabilities, for what it offers of them.
   */
  private List<CapabilityManifest> catalog(McpSchema.ServerCapabilities caps) {
    String prefix = "mcp." + config.name() + ".";
    List<CapabilityManifest> all = new ArrayList<>();
    if (caps.resources() != null) {
      Names names = new Names(prefix + "resource.");
      for (McpSchema.Resource r :
          pages(
              upstream::listResources,
              McpSchema.ListResourcesResult::resources,
              McpSchema.ListResourcesResult::nextCursor)) {
        all.add(McpMapping.resource(config, names.id(r.name()), r, version));
      }
      all.addAll(templates(prefix, version));
      all.add(McpMapping.resourceReader(config, prefix + McpMapping.RESOURCE_READER, version));
    }
    if (caps.prompts() != null) {
      Names names = new Names(prefix + "prompt.");
      for (McpSchema.Prompt p :
          pages(
              upstream::listPrompts,
              McpSchema.ListPromptsResult::prompts,
              McpSchema.ListPromptsResult::nextCursor)) {
        all.add(McpMapping.prompt(config, names.id(p.name()), p, version));
      }
    }
    return all;
  }

  private static Map<String, CapabilityManifest> byId(List<CapabilityManifest> list) {
    Map<String, CapabilityManifest> out = new LinkedHashMap<>();
    list.forEach(m -> out.put(m.id(), m));
    return Map.copyOf(out);
  }

  /**
   * The server said its resources or prompts changed: list them again and apply the difference (on
   * a thread of its own: the notice comes on the connection's).
   */
  private void refreshCatalog() {
    try {
      List<CapabilityManifest> now =
          catalog(upstream.hello().capabilities()).stream().map(this::originated).toList();
      synchronized (this) {
        Changes c = changes;
        if (c != null) {
          c.diff(this, catalog.values(), now);
        }
        catalog = byId(now);
      }
    } catch (RuntimeException e) {
      log.accept(
          "mcp "
              + config.name()
              + ": could not list resources and prompts after they changed: "
              + e.getMessage());
    }
  }

  /**
   * The server's resource templates as capabilities; none when it does not answer {@code
   * resources/templates/list} (a server that lists resources need not have templates).
   */
  private List<CapabilityManifest> templates(String prefix, String version) {
    List<McpSchema.ResourceTemplate> list;
    try {
      list =
          pages(
              upstream::listResourceTemplates,
              McpSchema.ListResourceTemplatesResult::resourceTemplates,
              McpSchema.ListResourceTemplatesResult::nextCursor);
    } catch (McpConnection.ServerError e) {
      log.accept(
          "mcp "
              + config.name()
              + ": resources/templates/list failed ("
              + e.getMessage()
              + "); no resource templates");
      return List.of();
    }
    Names names = new Names(prefix + "template.");
    List<CapabilityManifest> out = new ArrayList<>();
    for (McpSchema.ResourceTemplate t : list) {
      out.add(McpMapping.template(config, names.id(t.name()), t, version));
    }
    return out;
  }

  private List<McpSchema.Tool> listTools() {
    return pages(
        upstream::listTools,
        McpSchema.ListToolsResult::tools,
        McpSchema.ListToolsResult::nextCursor);
  }

  /**
   * The tools as capabilities; a tool without a name, or with one of the names Agora's own ids for
   * the server use, is not loaded and is reported to {@code problems} instead.
   */
  private List<CapabilityManifest> toolManifests(
      List<McpSchema.Tool> list, Consumer<DocumentProblem> problems) {
    Names names = new Names("mcp." + config.name() + ".");
    List<CapabilityManifest> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      McpSchema.Tool t = list.get(i);
      String refused = McpMapping.refusal(config.name(), t.name());
      if (refused != null) {
        problems.accept(
            new DocumentProblem(
                "MCP server '" + config.name() + "'", 0, "tools[" + i + "].name", refused));
        continue;
      }
      out.add(
          originated(
              McpMapping.tool(config, names.id(t.name()), t, version, line -> log.accept(line))));
    }
    return out;
  }

  /**
   * {@code m} with its provenance origin: the server as configured (command and arguments, or the
   * URL without its query; configured secrets scrubbed) and the name and version it reports.
   */
  private CapabilityManifest originated(CapabilityManifest m) {
    String server =
        config.url() != null
            ? config.url().getScheme()
                + "://"
                + config.url().getRawAuthority()
                + config.url().getRawPath()
            : String.join(
                " ", Stream.concat(Stream.of(config.command()), config.args().stream()).toList());
    Redactor secrets = config.secrets() == null ? Redactor.NONE : config.secrets();
    Dict.Builder origin =
        Dict.builder()
            .put("mcp_server", Value.of(secrets.redact(server)))
            .put("server_info", Value.of(serverInfo));
    return m.withProvenance(Provenance.origin(origin.build()));
  }

  /**
   * Every page of a paginated list: {@code page} asks for the one at a cursor (null: the first).
   */
  private <R, T> List<T> pages(
      Function<String, R> page, Function<R, List<T>> items, Function<R, String> next) {
    List<T> out = new ArrayList<>();
    Set<String> cursors = new HashSet<>();
    R r = page.apply(null);
    while (true) { // a page is never null: a null result is no answer, which ends at the deadline
      if (items.apply(r) != null) {
        out.addAll(items.apply(r));
      }
      String cursor = next.apply(r);
      if (cursor == null || cursor.isEmpty()) {
        break;
      }
      if (!cursors.add(cursor) || cursors.size() > MAX_PAGES) {
        log.accept(
            "mcp "
                + config.name()
                + ": the server's list does not end (the cursor '"
                + cursor
                + "' came back, or over "
                + MAX_PAGES
                + " pages); it ends here");
        break;
      }
      r = page.apply(cursor);
    }
    return RedactedListing.of(
        out, config.secrets(), JSON); // a listing may quote what the server was given
  }

  @Override
  public void watch(Changes c) {
    this.changes = c;
  }

  /** The server said its tools changed (the SDK fetched the new list): apply the difference. */
  private Mono<Void> toolsChanged(List<McpSchema.Tool> list) {
    return Mono.fromRunnable(
        () ->
            apply(
                toolManifests(
                    RedactedListing.of(list, config.secrets(), JSON), this::reportProblem)));
  }

  /**
   * After a reconnect the server may be a new version with other tools, and a 2026-07-28 server
   * said its tools changed: list them again.
   */
  private void refresh() {
    try {
      apply(toolManifests(listTools(), this::reportProblem));
    } catch (RuntimeException e) {
      log.accept(
          "mcp " + config.name() + ": could not list tools after reconnecting: " + e.getMessage());
    }
  }

  /** A problem found while Agora runs (a new listing): reported as it happens. */
  private void reportProblem(DocumentProblem p) {
    Changes c = changes;
    if (c != null) {
      c.problem(this, p);
    }
  }

  private synchronized void apply(List<CapabilityManifest> now) {
    Changes c = changes;
    Map<String, CapabilityManifest> next = new LinkedHashMap<>();
    now.forEach(m -> next.put(m.id(), m));
    if (c != null) {
      for (CapabilityManifest m : next.values()) {
        c.upsert(this, m); // unchanged ones are no-ops in the registry
      }
      for (CapabilityManifest old : tools.values()) {
        if (!next.containsKey(old.id())) {
          c.remove(this, old.id(), old.version());
        }
      }
    }
    tools = Map.copyOf(next);
  }

  @Override
  public Health health() {
    try {
      upstream.ping(Duration.ofSeconds(5));
      return Health.UP;
    } catch (RuntimeException e) {
      return new Health(false, e.getMessage());
    }
  }

  @Override
  public void close() {
    upstream.close();
    connection.close();
  }
}
