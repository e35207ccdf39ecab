package dev.agora.provider.mcp;

import dev.agora.core.isolation.SandboxSpec;
import dev.agora.core.spi.Redactor;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One MCP server from agora.yaml. Exactly one of {@code command} (stdio) and {@code url} (HTTP) is
 * set.
 *
 * @param name the source's name: the {@code <server>} in {@code mcp.<server>.<tool>}
 * @param env extra environment for a stdio child (values already resolved from {@code $VAR})
 * @param headers extra HTTP headers (values already resolved)
 * @param roots file URIs offered to the server in answer to {@code roots/list}
 * @param timeout the default deadline of a request (a call's own deadline is used when shorter)
 * @param maxBytes the largest message taken from the server ({@code max_bytes}): a longer one is
 *     dropped unread, and the request it answers fails
 * @param secrets the values that came from Agora's environment ({@code ${VAR}}, {@code
 *     bearer_env}): the server gets them, and may echo them, so its results, errors and log lines
 *     are redacted
 * @param protocol the MCP generation the server speaks ({@code protocol}): found out on first use
 *     when {@link Protocol#AUTO}
 * @param sandbox how a stdio server is sandboxed ({@code isolation: process}, {@code network},
 *     {@code limits}, {@code binds}), or null when it runs with Agora's own rights
 */
record McpServerConfig(
    String name,
    Transport transport,
    String command,
    List<String> args,
    Map<String, String> env,
    Path cwd,
    URI url,
    Map<String, String> headers,
    List<String> roots,
    Duration timeout,
    int maxBytes,
    Redactor secrets,
    Protocol protocol,
    SandboxSpec sandbox) {

  /** A server run with Agora's own rights (no {@code isolation: process}). */
  McpServerConfig(
      String name,
      Transport transport,
      String command,
      List<String> args,
      Map<String, String> env,
      Path cwd,
      URI url,
      Map<String, String> headers,
      List<String> roots,
      Duration timeout,
      int maxBytes,
      Redactor secrets,
      Protocol protocol) {
    this(
        name, transport, command, args, env, cwd, url, headers, roots, timeout, maxBytes, secrets,
        protocol, null);
  }

  /**
   * Where HTTP requests go: {@code url}, or with {@code /mcp} ({@code /sse} for the legacy SSE
   * transport) when it has no path — the endpoint servers serve by default.
   */
  URI endpoint() {
    String path = url.getRawPath();
    if (path != null && !path.isEmpty()) {
      return url;
    }
    return URI.create(
        url.getScheme()
            + "://"
            + url.getRawAuthority()
            + (transport == Transport.SSE ? "/sse" : "/mcp")
            + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery()));
  }

  /** {@code max_bytes} when agora.yaml does not say: 4 MiB. */
  public static final int DEFAULT_MAX_BYTES = 4 << 20;

  /** The largest {@code max_bytes} accepted: 1 GiB. */
  public static final int MOST_MAX_BYTES = 1 << 30;

  /** How Agora talks to the server. */
  public enum Transport {
    /** A child process speaking JSON-RPC over stdin/stdout. */
    STDIO,
    /** Streamable HTTP (MCP 2025-03-26 and later). */
    HTTP,
    /** The legacy HTTP+SSE transport (MCP 2024-11-05). */
    SSE
  }

  /** Which generation of MCP the server speaks ({@code protocol} in agora.yaml). */
  public enum Protocol {
    /** Ask the server on first use (a modern request), and remember the answer. */
    AUTO("auto"),
    /** 2025-11-25 and before: {@code initialize}, then a session. */
    LEGACY("2025-11-25"),
    /** 2026-07-28: stateless, {@code server/discover}, the version and client in each request. */
    MODERN("2026-07-28");

    private final String key;

    Protocol(String key) {
      this.key = key;
    }

    /** How agora.yaml spells it. */
    public String key() {
      return key;
    }
  }

  public McpServerConfig {
    args = List.copyOf(args);
    env = Map.copyOf(env);
    headers = Map.copyOf(headers);
    roots = List.copyOf(roots);
    secrets = secrets == null ? Redactor.NONE : secrets;
    protocol = protocol == null ? Protocol.AUTO : protocol;
  }

  /** For messages: the command or the URL. */
  public String where() {
    return transport == Transport.STDIO
        ? String.join(" ", command, String.join(" ", args)).strip()
        : url.toString();
  }
}
