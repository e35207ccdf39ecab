package dev.agora.server;

import dev.agora.chain.Hashes;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.doc.Fields;
import dev.agora.core.spi.ConfigSection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * agora.yaml's {@code server:} section, the server module's own (found by core's loader through
 * {@link ConfigSection}):
 *
 * <pre>
 * server: {host: 127.0.0.1, port: 8420, api_keys: [{name: ci, context: agent, key_env: AGORA_KEY_CI}],
 *          anonymous: sandbox, allowed_origins: [], allowed_hosts: [], keep_alive: 15s,
 *          max_body: 4MiB, header_timeout: 20s, max_in_flight: 2048, session_idle: 1h,
 *          max_sessions: 10000,
 *          limits: {default: {calls_per_second: 50, bytes_per_second: 8MiB, burst: 1s},
 *                   keys: {ci: {calls_per_second: 5}}, contexts: {sandbox: {...}}},
 *          oauth: {issuer: https://auth.example.com, audience: https://agora.example.com/mcp,
 *                  scopes: {"agora:operator": operator, "agora:agent": agent}, jwks_url: …,
 *                  clock_skew: 60s, tenant_claim: tenant},
 *          tenants: {acme: {capabilities: ["acme.*"], limits: {calls_per_second: 100}}}}
 * </pre>
 *
 * An API key is given by the environment variable that holds it ({@code key_env}) or by its
 * SHA-256; a key written in the file is refused, and only digests are kept. Sizes are bytes (an
 * integer) or a number with a binary unit: {@code "512KiB"}, {@code "4MiB"}, {@code "1GiB"}.
 */
public final class ServerSection implements ConfigSection<ServerSettings> {

  /** The section, to ask a configuration for its value. */
  public static final ServerSection SECTION = new ServerSection();

  private final UnaryOperator<String> environment;

  /** Reads {@code key_env} variables from the process environment. */
  public ServerSection() {
    this(System::getenv);
  }

  /** Reads {@code key_env} variables through {@code environment} (tests). */
  ServerSection(UnaryOperator<String> environment) {
    this.environment = environment;
  }

  /** The server settings of {@code config}: its {@code server:} section or the defaults. */
  public static ServerSettings of(AgoraConfig config) {
    return config.section(SECTION);
  }

  @Override
  public String key() {
    return "server";
  }

  @Override
  public ServerSettings defaults() {
    return ServerSettings.DEFAULT;
  }

  @Override
  public ServerSettings read(Fields s, Core core) {
    Set<String> contexts = core.contexts();
    ServerSettings d = ServerSettings.DEFAULT;
    String host = s.string("host", d.host());
    int port = (int) s.integer("port", d.port(), 0, 65_535);
    Map<String, ServerSettings.Tenant> tenants = tenants(s.map("tenants"));
    List<ServerSettings.ApiKey> keys = new ArrayList<>();
    for (Fields k : s.items("api_keys")) {
      String name = k.required("name");
      String context = k.required("context");
      String tenant = k.string("tenant", null);
      if (tenant != null && !tenants.containsKey(tenant)) {
        k.problem("tenant", "no tenant named '" + tenant + "' under server.tenants");
      }
      String sha = k.string("sha256", null);
      String env = k.string("key_env", null);
      if ((sha == null) == (env == null)) {
        k.problem(
            "an API key needs either key_env (the variable holding it) or sha256 (the hex SHA-256 of it)");
      } else if (sha != null && !sha.matches("[0-9a-fA-F]{64}")) {
        k.problem("sha256", "expected 64 hex digits");
      } else if (env != null) {
        String value = environment.apply(env);
        if (value == null || value.isEmpty()) {
          k.problem("key_env", "the environment variable " + env + " is not set");
        } else {
          sha = Hashes.hex(Hashes.sha256(value.getBytes(StandardCharsets.UTF_8)));
        }
      }
      if (context != null && !contexts.contains(context)) {
        k.problem("context", "no context named '" + context + "' under contexts");
      }
      if (k.has("key")) {
        k.problem(
            "key",
            "API keys do not belong in agora.yaml; put the key in an environment variable (key_env) or "
                + "give its sha256");
      }
      k.rejectUnknown();
      if (name != null && context != null && sha != null) {
        keys.add(new ServerSettings.ApiKey(name, sha.toLowerCase(Locale.ROOT), context, tenant));
      }
    }
    String anonymous = s.string("anonymous", null);
    if (anonymous != null && !contexts.contains(anonymous)) {
      s.problem("anonymous", "no context named '" + anonymous + "' under contexts");
    }
    List<String> origins = s.has("allowed_origins") ? s.strings("allowed_origins") : List.of();
    List<String> hosts = s.has("allowed_hosts") ? s.strings("allowed_hosts") : List.of();
    Duration keepAlive = s.duration("keep_alive", d.keepAlive());
    int maxBody = (int) s.size("max_body", d.maxBody(), Integer.MAX_VALUE - 1);
    Duration headerTimeout = s.duration("header_timeout", d.headerTimeout());
    ServerSettings.Limits limits = limits(s.map("limits"), keys, contexts);
    int maxInFlight = (int) s.integer("max_in_flight", d.maxInFlight(), 1, 1 << 20);
    Duration sessionIdle = s.duration("session_idle", d.sessionIdle());
    int maxSessions = (int) s.integer("max_sessions", d.maxSessions(), 1, 1 << 20);
    ServerSettings.A2aSettings a2a = a2a(s.map("a2a"));
    ServerSettings.OAuth oauth = s.has("oauth") ? oauth(s.map("oauth"), contexts) : null;
    s.rejectUnknown();
    return new ServerSettings(
        host,
        port,
        keys,
        anonymous,
        origins,
        hosts,
        keepAlive,
        maxBody,
        headerTimeout,
        limits,
        maxInFlight,
        sessionIdle,
        maxSessions,
        a2a,
        oauth,
        tenants);
  }

  /** {@code server.tenants}: each tenant's capabilities, sources and shared rate limit. */
  private static Map<String, ServerSettings.Tenant> tenants(Fields t) {
    Map<String, ServerSettings.Tenant> out = new LinkedHashMap<>();
    Map<String, String> owners = new HashMap<>(); // source → the tenant it is
    for (String name : t.keys()) {
      Fields f = t.map(name);
      if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
        t.problem(name, "a tenant's name is letters, digits, '.', '_' and '-'");
      }
      List<String> capabilities = f.strings("capabilities");
      List<String> sources = f.strings("sources");
      if (capabilities.isEmpty() && sources.isEmpty()) {
        f.problem(
            "capabilities",
            "name the capabilities the tenant may call, e.g. [\"acme.*\"], or its sources");
      }
      for (String source : sources) {
        String owner = owners.putIfAbsent(source, name);
        if (owner != null) {
          f.problem("sources", "source '" + source + "' is already tenant '" + owner + "'s own");
        }
      }
      ServerSettings.Limit limit =
          f.has("limits") ? limit(f.map("limits"), ServerSettings.Limit.DEFAULT) : null;
      f.rejectUnknown();
      out.put(name, new ServerSettings.Tenant(capabilities, sources, limit));
    }
    return out;
  }

  /** {@code server.oauth}: the authorization server and what its scopes allow (docs/SERVER.md). */
  private static ServerSettings.OAuth oauth(Fields o, Set<String> contexts) {
    URI issuer = o.has("issuer") ? o.httpUrl("issuer") : null;
    if (!o.has("issuer")) {
      o.required("issuer");
    }
    URI jwks = o.httpUrl("jwks_url");
    insecure(o, "issuer", issuer);
    insecure(o, "jwks_url", jwks);
    String audience = o.string("audience", null);
    if (audience != null && audience.isBlank()) {
      o.problem("audience", "expected this server's resource URL, found an empty string");
      audience = null;
    }
    Fields s = o.map("scopes");
    Map<String, String> scopes = new LinkedHashMap<>();
    for (String scope : s.keys()) {
      String context = s.string(scope, null);
      if (context == null || !contexts.contains(context)) {
        s.problem(scope, "no context named '" + context + "' under contexts");
      } else {
        scopes.put(scope, context);
      }
    }
    if (s.keys().isEmpty()) {
      o.problem(
          "scopes",
          "name at least one scope and the context it acts as, e.g. {\"agora:agent\": agent}");
    }
    Duration skew = o.duration("clock_skew", Duration.ofSeconds(60));
    String tenantClaim = o.string("tenant_claim", "tenant");
    boolean requireTenant = o.bool("require_tenant", false);
    o.rejectUnknown();
    return issuer == null
        ? null
        : new ServerSettings.OAuth(
            issuer, jwks, audience, scopes, skew, tenantClaim, requireTenant);
  }

  /** Keys fetched in the clear can be swapped on the way, and tokens forged with them. */
  private static void insecure(Fields o, String key, URI u) {
    if (u != null && !secure(u)) {
      o.problem(key, "'" + u + "' must be https (plain http only on loopback)");
    }
  }

  /** https, or http to this machine (a development authorization server). */
  static boolean secure(URI u) {
    String host = u.getHost();
    return "https".equals(u.getScheme())
        || (host != null
            && (host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]")));
  }

  /** {@code server.a2a}: the agent endpoint (docs/A2A.md). */
  private static ServerSettings.A2aSettings a2a(Fields a) {
    ServerSettings.A2aSettings d = ServerSettings.A2aSettings.DEFAULT;
    ServerSettings.A2aSettings out =
        new ServerSettings.A2aSettings(
            a.bool("enabled", d.enabled()),
            a.duration("task_after", d.taskAfter()),
            (int) a.integer("max_tasks", d.maxTasks(), 1, 1 << 20),
            a.bool("push", d.push()));
    a.rejectUnknown();
    return out;
  }

  /** {@code server.limits}: the default, then per key name and per context. */
  private static ServerSettings.Limits limits(
      Fields l, List<ServerSettings.ApiKey> keys, Set<String> contexts) {
    ServerSettings.Limit fallback = limit(l.map("default"), ServerSettings.Limit.DEFAULT);
    Set<String> keyNames = new TreeSet<>();
    keys.forEach(k -> keyNames.add(k.name()));
    Map<String, ServerSettings.Limit> byKey = named(l.map("keys"), keyNames, "API key", fallback);
    Map<String, ServerSettings.Limit> byContext =
        named(l.map("contexts"), contexts, "context", fallback);
    l.rejectUnknown();
    return new ServerSettings.Limits(fallback, byKey, byContext);
  }

  private static Map<String, ServerSettings.Limit> named(
      Fields m, Set<String> known, String what, ServerSettings.Limit fallback) {
    Map<String, ServerSettings.Limit> out = new LinkedHashMap<>();
    for (String name : m.keys()) {
      if (!known.contains(name)) {
        m.problem(name, "no " + what + " named '" + name + "'");
      }
      out.put(name, limit(m.map(name), fallback));
    }
    return out;
  }

  /** One limit; what it leaves out is {@code fallback}'s. */
  private static ServerSettings.Limit limit(Fields f, ServerSettings.Limit fallback) {
    double calls = f.number("calls_per_second", fallback.callsPerSecond(), 1e-6, 1e9);
    long bytes = f.size("bytes_per_second", fallback.bytesPerSecond(), Long.MAX_VALUE >> 20);
    Duration burst = f.duration("burst", fallback.burst());
    f.rejectUnknown();
    return new ServerSettings.Limit(calls, bytes, burst);
  }
}
