package dev.agora.server;

import dev.agora.core.config.AgoraConfig;
import dev.agora.core.doc.Fields;
import dev.agora.core.spi.ConfigSection;
import java.net.URI;
import java.time.Duration;

/**
 * {@code cluster:} in agora.yaml — how a serving node names itself to the other nodes on its store
 * (issue 18; docs/SCALING.md):
 *
 * <pre>
 * cluster:
 *   node_id: agora-1                       # default: agora-&lt;host name&gt;-&lt;port&gt;
 *   advertise: http://10.0.0.5:8420/mcp    # default: the server's own URL
 *   heartbeat: 5s                          # how often it says it is there (down after 3 missed)
 *   follow: 500ms                          # how often it looks for other nodes' registrations
 *   shared_limits: false                   # server.limits counted in the store (PostgreSQL)
 *   shared_sessions: true                  # MCP sessions kept in the store: any node answers
 * </pre>
 */
public final class ClusterSection implements ConfigSection<ClusterSection.Settings> {

  /** The section, to ask a configuration for its value. */
  public static final ClusterSection SECTION = new ClusterSection();

  /**
   * @param nodeId the node's name, or null for the default
   * @param advertise the URL its peers reach it at, or null for the server's own
   * @param sharedLimits whether {@code server.limits} are kept in the store every node shares,
   *     where it can (PostgreSQL), so that a caller's rate holds across the nodes
   * @param sharedSessions whether 2025-11-25 MCP sessions are kept in the store, so that any node
   *     answers a session another opened (its client's node stopped, or its load balancer is not
   *     sticky)
   */
  public record Settings(
      String nodeId,
      String advertise,
      Duration heartbeat,
      Duration follow,
      boolean sharedLimits,
      boolean sharedSessions) {}

  static final Settings DEFAULT =
      new Settings(null, null, Duration.ofSeconds(5), Duration.ofMillis(500), false, true);

  /** The cluster settings of {@code config}: its {@code cluster:} section or the defaults. */
  public static Settings of(AgoraConfig config) {
    return config.section(SECTION);
  }

  @Override
  public String key() {
    return "cluster";
  }

  @Override
  public Settings defaults() {
    return DEFAULT;
  }

  @Override
  public Settings read(Fields s, Core core) {
    String id = s.string("node_id", null);
    if (id != null && !id.matches("[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}")) {
      s.problem("node_id", "a node's id is 1 to 100 of letters, digits, '.', '_', ':' and '-'");
    }
    String advertise = s.string("advertise", null);
    if (advertise != null) {
      try {
        URI u = URI.create(advertise);
        if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme()))
            || u.getHost() == null) {
          s.problem("advertise", "expected an http(s) URL such as http://10.0.0.5:8420/mcp");
        }
      } catch (IllegalArgumentException e) {
        s.problem("advertise", "'" + advertise + "' is not a URL: " + e.getMessage());
      }
    }
    Duration heartbeat = s.duration("heartbeat", DEFAULT.heartbeat());
    Duration follow = s.duration("follow", DEFAULT.follow());
    boolean shared = s.bool("shared_limits", DEFAULT.sharedLimits());
    boolean sessions = s.bool("shared_sessions", DEFAULT.sharedSessions());
    s.rejectUnknown();
    return new Settings(id, advertise, heartbeat, follow, shared, sessions);
  }
}
