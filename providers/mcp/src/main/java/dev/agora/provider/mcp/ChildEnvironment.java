package dev.agora.provider.mcp;

import dev.agora.core.isolation.Sandbox;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The environment a stdio MCP server starts with: the few variables a program needs to run, taken
 * from Agora's own environment, and what its {@code env:} in agora.yaml gives it — nothing else.
 *
 * <p>A child used to inherit Agora's whole environment, so a server that prints its environment (a
 * debugging tool, a careless one, a hostile one) handed out every secret of the node: another
 * capability's token, the store's password, API keys — none of which that server's redaction knows
 * (issue 11). A server that needs another variable names it: {@code env: {NAME: "${NAME}"}}, which
 * also makes its value one of the server's secrets. The list follows the official MCP SDKs' default
 * environment for stdio servers (TypeScript {@code getDefaultEnvironment}, Python {@code
 * get_default_environment}), plus locale, time zone, temporary directory and {@code JAVA_HOME}.
 */
final class ChildEnvironment {

  /** Inherited from Agora when set: what shells, interpreters and {@code npx} need to start. */
  static final Set<String> INHERITED =
      Set.of(
          // POSIX
          "HOME",
          "LOGNAME",
          "PATH",
          "SHELL",
          "TERM",
          "USER",
          "LANG",
          "LC_ALL",
          "LC_CTYPE",
          "TZ",
          "TMPDIR",
          "JAVA_HOME",
          // Windows
          "APPDATA",
          "HOMEDRIVE",
          "HOMEPATH",
          "LOCALAPPDATA",
          "PATHEXT",
          "PROCESSOR_ARCHITECTURE",
          "PROGRAMFILES",
          "SYSTEMDRIVE",
          "SYSTEMROOT",
          "TEMP",
          "TMP",
          "USERNAME",
          "USERPROFILE");

  private ChildEnvironment() {}

  /**
   * The child's environment: the {@link #INHERITED} variables of {@code agoras} (names compared
   * without case, as Windows does; values that are exported shell functions, {@code "() {…"}, left
   * out as the SDKs do), then {@code configured} over them.
   */
  static Map<String, String> of(Map<String, String> agoras, Map<String, String> configured) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : agoras.entrySet()) {
      if (INHERITED.contains(e.getKey().toUpperCase(Locale.ROOT))
          && !e.getValue().startsWith("()")) {
        out.put(e.getKey(), e.getValue());
      }
    }
    out.putAll(configured);
    return out;
  }

  /**
   * How server {@code config} is started: its command and arguments, in its working directory, with
   * only what a program needs to run and what agora.yaml gives it — never the node's secrets.
   */
  static ProcessBuilder process(McpServerConfig config) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(config.command());
    cmd.addAll(config.args());
    if (config.sandbox() != null) { // isolation: process — never started without the sandbox
      Sandbox sandbox = Sandbox.host();
      if (!sandbox.support().available()) {
        throw new IOException(
            "it asks for isolation: process, but the process sandbox is not available on"
                + " this host ("
                + sandbox.support().detail()
                + "); it is never started without it");
      }
      ProcessBuilder pb = new ProcessBuilder(sandbox.wrap(config.sandbox(), cmd));
      pb.environment().clear();
      pb.environment().putAll(Sandbox.environment(config.sandbox()));
      pb.directory(config.sandbox().cwd().toFile());
      return pb;
    }
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().clear();
    pb.environment().putAll(of(System.getenv(), config.env()));
    if (config.cwd() != null) {
      pb.directory(config.cwd().toFile());
    }
    return pb;
  }
}
