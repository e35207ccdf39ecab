package dev.agora.provider.mcp;

import dev.agora.core.doc.Fields;
import dev.agora.core.isolation.SandboxLimits;
import dev.agora.core.isolation.SandboxSpec;
import dev.agora.core.spi.DiscoverySource;
import dev.agora.core.spi.Redactor;
import dev.agora.core.spi.SourceFactory;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code sources: [{type: mcp, …}]} in agora.yaml:
 *
 * <pre>
 * - {name: everything, type: mcp, command: npx, args: ["@modelcontextprotocol/server-everything"],
 *    env: {DEBUG: "1", TOKEN: "${MY_TOKEN}"}, cwd: tools, roots: [data], timeout: 30s,
 *    max_bytes: 4194304}
 * - {name: remote, type: mcp, url: "https://mcp.example.com/mcp", headers: {X-Team: core}, bearer_env: REMOTE_TOKEN}
 * - {name: old, type: mcp, transport: sse, url: "http://127.0.0.1:3001"}
 * - {name: next, type: mcp, url: "https://next.example.com/mcp", protocol: 2026-07-28}
 * </pre>
 *
 * Values written {@code ${NAME}} are read from Agora's environment when the source starts, so
 * secrets stay out of the file; {@code bearer_env} names the variable holding a bearer token. A
 * command with a {@code /} in it is a path, relative to the file; a bare name is looked up on PATH.
 * {@code protocol} is the MCP generation the server speaks: {@code auto} (the default: asked on
 * first use), {@code 2025-11-25} ({@code initialize} and a session; also what older servers speak)
 * or {@code 2026-07-28} (stateless).
 */
public final class McpSourceFactory implements SourceFactory {

  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");
  private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

  private final UnaryOperator<String> environment;

  public McpSourceFactory() {
    this(System::getenv);
  }

  /** With another environment (tests). */
  public McpSourceFactory(UnaryOperator<String> environment) {
    this.environment = environment;
  }

  @Override
  public String type() {
    return "mcp";
  }

  @Override
  public DiscoverySource create(String name, Fields f, Path base) {
    if (!NAME.matcher(name).matches()) {
      f.problem(
          "name",
          "an MCP source's name becomes part of capability ids (mcp."
              + name
              + ".<tool>): use letters, digits, _ and -, starting with a letter");
    }
    String command = f.string("command", null);
    if (command != null && command.contains("/") && !Path.of(command).isAbsolute()) {
      command =
          base.resolve(command)
              .normalize()
              .toString(); // a path, like every path in the file, is relative to it
    }
    String url = f.string("url", null);
    String transportName = f.string("transport", command != null ? "stdio" : "http");
    McpServerConfig.Transport transport =
        switch (transportName) {
          case "stdio" -> McpServerConfig.Transport.STDIO;
          case "http", "streamable-http", "streamable_http" -> McpServerConfig.Transport.HTTP;
          case "sse" -> McpServerConfig.Transport.SSE;
          default -> {
            f.problem(
                "transport", "'" + transportName + "' is not a transport; use stdio, http or sse");
            yield null;
          }
        };
    if ((command == null) == (url == null)) {
      f.problem("an MCP source needs either 'command' (a stdio server) or 'url' (an HTTP server)");
    } else if (transport == McpServerConfig.Transport.STDIO && command == null) {
      f.problem("transport", "a stdio server needs 'command'");
    } else if (transport != null && transport != McpServerConfig.Transport.STDIO && url == null) {
      f.problem("transport", "an " + transportName + " server needs 'url'");
    }
    List<String> args = f.has("args") ? f.strings("args") : List.of();
    Redactor[] secrets = {Redactor.NONE}; // every value read from the environment
    Map<String, String> env = resolved(f, "env", secrets);
    Path cwd = f.has("cwd") ? base.resolve(f.string("cwd", ".")).normalize() : null;
    URI uri = f.httpUrl("url");
    Map<String, String> headers = resolved(f, "headers", secrets);
    String bearerEnv = f.string("bearer_env", null);
    if (bearerEnv != null) {
      String token = environment.apply(bearerEnv);
      if (token == null) {
        f.problem("bearer_env", "the environment variable " + bearerEnv + " is not set");
      } else {
        headers.put("Authorization", "Bearer " + token);
        secrets[0] = secrets[0].with(bearerEnv, token);
      }
    }
    List<String> roots = new ArrayList<>();
    for (String r : f.has("roots") ? f.strings("roots") : List.<String>of()) {
      roots.add(
          r.contains("://") ? r : base.resolve(r).toAbsolutePath().normalize().toUri().toString());
    }
    Duration timeout = f.duration("timeout", Duration.ofSeconds(30));
    int maxBytes =
        (int)
            f.integer(
                "max_bytes", McpServerConfig.DEFAULT_MAX_BYTES, 1, McpServerConfig.MOST_MAX_BYTES);
    McpServerConfig.Protocol protocol = protocol(f, transport);
    SandboxSpec sandbox = sandbox(f, base, cwd, command, env);
    f.rejectUnknown();
    if (transport == null
        || protocol == null
        || (command == null) == (url == null)
        || (url != null && uri == null)
        || !NAME.matcher(name).matches()) {
      return null;
    }
    return new McpSource(
        new McpServerConfig(
            name,
            transport,
            command,
            args,
            env,
            cwd,
            uri,
            headers,
            roots,
            timeout,
            maxBytes,
            secrets[0],
            protocol,
            sandbox));
  }

  /**
   * {@code isolation: process} (a stdio server only): the sandbox it runs in — no network unless
   * {@code network: true}, {@code limits} (no address-space limit unless {@code memory_mb} is
   * given: V8 and the JVM reserve large ranges), read-only {@code binds} besides its working
   * directory (relative to agora.yaml; a server's packages, such as a {@code node_modules}
   * directory). Null for {@code isolation: none}, the default.
   */
  private static SandboxSpec sandbox(
      Fields f, Path base, Path cwd, String command, Map<String, String> env) {
    String isolation = f.string("isolation", "none");
    boolean network = f.bool("network", false);
    SandboxLimits d = SandboxLimits.DEFAULT;
    SandboxLimits limits =
        SandboxLimits.read(
            f.map("limits"),
            new SandboxLimits(86_400, 0, d.openFiles(), d.processes())); // a server runs long
    if (limits.memoryCgroupMb() > 0) { // never accepted and then not applied
      f.problem(
          "limits",
          "memory_cgroup_mb is not supported for MCP servers yet (only for process capabilities);"
              + " use memory_mb");
    }
    List<Path> binds = new ArrayList<>();
    for (String b : f.strings("binds")) {
      binds.add(base.resolve(b).toAbsolutePath().normalize());
    }
    switch (isolation) {
      case "none" -> {
        return null;
      }
      case "process" -> {
        if (command == null) {
          f.problem("isolation", "only a stdio server (command) can run in the process sandbox");
          return null;
        }
        Path dir = cwd != null ? cwd : base.toAbsolutePath().normalize();
        if (command.contains("/")) {
          binds.add(Path.of(command).toAbsolutePath().normalize().getParent());
        }
        return new SandboxSpec(dir, env, limits, network, binds, List.of());
      }
      default -> {
        f.problem(
            "isolation",
            "'" + isolation + "' is not an isolation for an MCP server; use process or none");
        return null;
      }
    }
  }

  /** {@code protocol}: auto, 2025-11-25 or 2026-07-28 (null and a problem if neither). */
  private static McpServerConfig.Protocol protocol(Fields f, McpServerConfig.Transport transport) {
    String key = f.string("protocol", McpServerConfig.Protocol.AUTO.key());
    for (McpServerConfig.Protocol p : McpServerConfig.Protocol.values()) {
      if (p.key().equals(key)) {
        if (p == McpServerConfig.Protocol.MODERN && transport == McpServerConfig.Transport.SSE) {
          f.problem(
              "protocol",
              "the sse transport is the one of MCP 2024-11-05; a 2026-07-28 server speaks http or"
                  + " stdio");
          return null;
        }
        return p;
      }
    }
    f.problem(
        "protocol",
        "'"
            + key
            + "' is not an MCP protocol Agora speaks; use auto (ask the server), 2025-11-25 or"
            + " 2026-07-28");
    return null;
  }

  /**
   * A map of strings whose {@code ${VAR}}s are replaced from the environment; an unset one is a
   * problem.
   */
  private Map<String, String> resolved(Fields f, String key, Redactor[] secrets) {
    Map<String, String> out = new LinkedHashMap<>();
    if (!f.has(key)) {
      return out;
    }
    Fields m = f.map(key);
    for (String k : m.keys()) {
      String v = m.string(k, "");
      Matcher mm = VAR.matcher(v);
      StringBuilder sb = new StringBuilder();
      while (mm.find()) {
        String value = environment.apply(mm.group(1));
        if (value == null) {
          m.problem(k, "the environment variable " + mm.group(1) + " is not set");
          value = "";
        }
        secrets[0] = secrets[0].with(mm.group(1), value);
        mm.appendReplacement(sb, Matcher.quoteReplacement(value));
      }
      mm.appendTail(sb);
      out.put(k, sb.toString());
    }
    return out;
  }
}
