package dev.agora.server;

import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code agora serve}: where it listens, who may call and how much — agora.yaml's {@code server:}
 * section, read by {@link ServerSection}. Keys are kept only as SHA-256 hex.
 *
 * @param anonymous the context of requests without a key; null refuses them
 * @param allowedOrigins browser origins allowed to call (others, with an Origin header, are
 *     refused)
 * @param allowedHosts Host headers accepted besides 127.0.0.1, localhost and [::1] on the port (DNS
 *     rebinding)
 * @param maxBody the largest request body taken, in bytes (413 above it)
 * @param headerTimeout how long a connection may take to send a request's line and headers
 * @param limits each caller's rate limits
 * @param maxInFlight the most requests one MCP session may have running at once (one more is
 *     answered with a JSON-RPC error at once)
 * @param sessionIdle how long an MCP session may be silent, with nothing running and no event
 *     stream open, before it ends (its client, told 404, starts a new one)
 * @param maxSessions the most MCP sessions open at once (one more is refused with 503)
 * @param oauth OAuth 2.1 bearer tokens ({@code server.oauth}), or null: API keys only
 * @param tenants the tenants callers may belong to ({@code server.tenants}), by name
 */
public record ServerSettings(
    String host,
    int port,
    List<ApiKey> apiKeys,
    String anonymous,
    List<String> allowedOrigins,
    List<String> allowedHosts,
    Duration keepAlive,
    int maxBody,
    Duration headerTimeout,
    Limits limits,
    int maxInFlight,
    Duration sessionIdle,
    int maxSessions,
    A2aSettings a2a,
    OAuth oauth,
    Map<String, Tenant> tenants) {

  public static final ServerSettings DEFAULT =
      new ServerSettings(
          "127.0.0.1",
          8420,
          List.of(),
          null,
          List.of(),
          List.of(),
          Duration.ofSeconds(15),
          4 << 20,
          Duration.ofSeconds(20),
          Limits.DEFAULT,
          2048,
          Duration.ofHours(1),
          10_000,
          A2aSettings.DEFAULT,
          null,
          Map.of());

  public ServerSettings {
    apiKeys = List.copyOf(apiKeys);
    allowedOrigins = List.copyOf(allowedOrigins);
    allowedHosts = List.copyOf(allowedHosts);
    tenants = Collections.unmodifiableMap(new LinkedHashMap<>(tenants));
  }

  /** The same server on another host and port (the command line's --host/--port). */
  public ServerSettings at(String h, int p) {
    return new ServerSettings(
        h,
        p,
        apiKeys,
        anonymous,
        allowedOrigins,
        allowedHosts,
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

  /**
   * An API key: its name (for logs and the chain), the SHA-256 of its value (hex), the context it
   * acts as.
   */
  public record ApiKey(String name, String sha256, String context, String tenant) {

    /** A key of no tenant. */
    public ApiKey(String name, String sha256, String context) {
      this(name, sha256, context, null);
    }
  }

  /**
   * {@code server.tenants.NAME}: the capabilities the tenant's callers may call at most, the
   * sources that are the tenant's own (what they discover is its, and no other tenant's; only its
   * callers see them in {@code /api/v1/sources}), and the rate limit the tenant's callers share
   * (null: none beyond each caller's own).
   */
  public record Tenant(List<String> capabilities, List<String> sources, Limit limit) {
    public Tenant {
      capabilities = List.copyOf(capabilities);
      sources = List.copyOf(sources);
    }
  }

  /**
   * How fast one caller may go: {@code callsPerSecond} requests and {@code bytesPerSecond} of
   * request bodies on average, with bursts of up to {@code burst} worth of either.
   */
  public record Limit(double callsPerSecond, long bytesPerSecond, Duration burst) {

    /** 50 requests and 8 MiB a second, bursts of one second's worth. */
    public static final Limit DEFAULT = new Limit(50, 8L << 20, Duration.ofSeconds(1));
  }

  /**
   * {@code server.limits}: the limit of every caller ({@code fallback}, agora.yaml's {@code
   * default}), unless its API key's name ({@code keys}) or its context ({@code contexts}) has one
   * of its own — in that order. Each caller (each API key; all anonymous callers together) has its
   * own allowance.
   */
  public record Limits(Limit fallback, Map<String, Limit> keys, Map<String, Limit> contexts) {

    public static final Limits DEFAULT = new Limits(Limit.DEFAULT, Map.of(), Map.of());

    public Limits {
      keys = Map.copyOf(keys);
      contexts = Map.copyOf(contexts);
    }
  }

  /**
   * {@code server.a2a}: Agora's agent endpoint (docs/A2A.md).
   *
   * @param enabled whether {@code /a2a} and the agent card are served
   * @param taskAfter how long a call may take and still be answered with a Message; longer ones
   *     become Tasks
   * @param maxTasks tasks kept in memory at most; when all run, a new message is refused
   * @param push whether callers may register push notification configs
   */
  public record A2aSettings(boolean enabled, Duration taskAfter, int maxTasks, boolean push) {

    /** Served; a Task after 2 s; 10,000 tasks; push notifications on. */
    public static final A2aSettings DEFAULT =
        new A2aSettings(true, Duration.ofSeconds(2), 10_000, true);
  }

  /**
   * {@code server.oauth}: Agora as an OAuth 2.1 resource server (docs/SERVER.md). A bearer token
   * that is a JWT is checked against the authorization server's keys and acts as the security
   * context of its first scope (in the order written) that {@code scopes} maps.
   *
   * @param issuer the authorization server ({@code iss} of every token)
   * @param jwksUrl its key set, or null: read from its metadata (RFC 8414, or OpenID discovery)
   * @param audience the {@code aud} a token must carry, or null: this server's own /mcp URL
   * @param scopes scope → context name, in the order they are tried
   * @param clockSkew how far {@code exp} and {@code nbf} may be off
   * @param tenantClaim the claim naming the token's tenant ({@code server.tenants}); a token
   *     without it belongs to no tenant, unless {@code requireTenant}
   * @param requireTenant whether a token must name a tenant (one without is refused)
   */
  public record OAuth(
      URI issuer,
      URI jwksUrl,
      String audience,
      Map<String, String> scopes,
      Duration clockSkew,
      String tenantClaim,
      boolean requireTenant) {

    public OAuth {
      scopes = Collections.unmodifiableMap(new LinkedHashMap<>(scopes));
    }
  }
}
