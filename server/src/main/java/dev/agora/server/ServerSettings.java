package dev.agora.server;

import java.time.Duration;
import java.util.List;

/**
 * {@code agora serve}: where it listens and who may call — agora.yaml's {@code server:} section,
 * read by {@link ServerSection}. Keys are kept only as SHA-256 hex.
 *
 * @param anonymous the context of requests without a key; null refuses them
 * @param allowedOrigins browser origins allowed to call (others, with an Origin header, are
 *     refused)
 * @param allowedHosts Host headers accepted besides 127.0.0.1, localhost and [::1] on the port (DNS
 *     rebinding)
 */
public record ServerSettings(
    String host,
    int port,
    List<ApiKey> apiKeys,
    String anonymous,
    List<String> allowedOrigins,
    List<String> allowedHosts,
    Duration keepAlive) {

  public static final ServerSettings DEFAULT =
      new ServerSettings(
          "127.0.0.1", 8420, List.of(), null, List.of(), List.of(), Duration.ofSeconds(15));

  public ServerSettings {
    apiKeys = List.copyOf(apiKeys);
    allowedOrigins = List.copyOf(allowedOrigins);
    allowedHosts = List.copyOf(allowedHosts);
  }

  /** The same server on another host and port (the command line's --host/--port). */
  public ServerSettings at(String h, int p) {
    return new ServerSettings(h, p, apiKeys, anonymous, allowedOrigins, allowedHosts, keepAlive);
  }

  /**
   * An API key: its name (for logs and the chain), the SHA-256 of its value (hex), the context it
   * acts as.
   */
  public record ApiKey(String name, String sha256, String context) {}
}
