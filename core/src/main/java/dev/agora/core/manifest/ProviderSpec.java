package dev.agora.core.manifest;

import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.net.URI;
import java.util.List;

/**
 * How a capability is executed: one record per provider type. Each keeps the fields every provider
 * of its type needs and, in {@code options}, the rest of its section as written, which the provider
 * module reads (and validates) itself — core never imports a provider.
 */
public sealed interface ProviderSpec {

  /** The provider type, as written in manifests: {@code local}, {@code http}, {@code mcp} … */
  String type();

  /** Provider-specific settings beyond the typed fields. */
  Dict options();

  /** The section as data, for export and content hashes. */
  default Dict toValue() {
    Dict.Builder b = options().toBuilder().put("type", Value.keyword(type()));
    fields(b);
    return b.build();
  }

  /** Adds the typed fields to {@code b}. */
  void fields(Dict.Builder b);

  /**
   * A Java function in this process, registered under {@code handler} (by default the capability
   * id).
   */
  record Local(String handler, Dict options) implements ProviderSpec {
    @Override
    public String type() {
      return "local";
    }

    @Override
    public void fields(Dict.Builder b) {
      if (handler != null) {
        b.put("handler", Value.of(handler));
      }
    }
  }

  /** An HTTP endpoint: method and URL template (issue: HTTP provider). */
  record Http(String url, String method, Dict options) implements ProviderSpec {
    @Override
    public String type() {
      return "http";
    }

    @Override
    public void fields(Dict.Builder b) {
      b.put("url", Value.of(url)).put("method", Value.of(method));
    }
  }

  /** A tool of an MCP server configured in agora.yaml. */
  record Mcp(String server, String tool, Dict options) implements ProviderSpec {
    @Override
    public String type() {
      return "mcp";
    }

    @Override
    public void fields(Dict.Builder b) {
      b.put("server", Value.of(server)).put("tool", Value.of(tool));
    }
  }

  /**
   * A skill of an A2A agent configured as a source in agora.yaml ({@code sources: [{type: a2a,
   * name: NAME, url: …}]}): the agent's source name and the skill's id on its card.
   */
  record A2a(String agent, String skill, Dict options) implements ProviderSpec {
    @Override
    public String type() {
      return "a2a";
    }

    @Override
    public void fields(Dict.Builder b) {
      b.put("agent", Value.of(agent)).put("skill", Value.of(skill));
    }
  }

  /**
   * A command run per call (or kept warm) that reads the call's input as one JSON document on stdin
   * and answers one JSON document on stdout; the rest of its section ({@code cwd}, {@code env},
   * {@code isolation}, {@code limits}, {@code network} …) is read by the process provider.
   */
  record Process(List<String> command, Dict options) implements ProviderSpec {
    public Process {
      command = List.copyOf(command);
    }

    @Override
    public String type() {
      return "process";
    }

    @Override
    public void fields(Dict.Builder b) {
      b.put("command", Vec.of(command.stream().map(Value::of).toList()));
    }
  }

  /**
   * An exported function of a WebAssembly module file ({@code module}, relative to the manifest's
   * file), JSON in and out through the ABI the WASM provider documents.
   */
  record Wasm(String module, String function, Dict options) implements ProviderSpec {
    @Override
    public String type() {
      return "wasm";
    }

    @Override
    public void fields(Dict.Builder b) {
      b.put("module", Value.of(module));
      if (function != null) {
        b.put("function", Value.of(function));
      }
    }
  }

  /** A capability a plugin JAR contributes: the plugin's id and the handler within it. */
  record Plugin(String plugin, String handler, Dict options) implements ProviderSpec {
    @Override
    public String type() {
      return "plugin";
    }

    @Override
    public void fields(Dict.Builder b) {
      b.put("plugin", Value.of(plugin)).put("handler", Value.of(handler));
    }
  }

  /**
   * RTFS run on another Agora node (issue 18): {@code {type: remote-rtfs, implementation: "(fn [x]
   * …)", nodes: cluster}}. The implementation is in {@code options}, as written; {@code nodes} is
   * empty for {@code cluster} (every node up on this node's store) or the node URLs listed.
   */
  record RemoteRtfs(List<URI> nodes, Dict options) implements ProviderSpec {
    public RemoteRtfs {
      nodes = List.copyOf(nodes);
    }

    @Override
    public String type() {
      return "remote-rtfs";
    }

    /** The RTFS function the node runs: text, or code as read from an RTFS manifest. */
    public Value implementation() {
      return options.get("implementation");
    }

    @Override
    public void fields(Dict.Builder b) {}
  }

  /**
   * A provider type a plugin adds ({@code provider: {type: acme.rpc, …}}): its name has a dot, so
   * it never clashes with a built-in type; everything else in the section is its options.
   */
  record Extension(String type, Dict options) implements ProviderSpec {
    @Override
    public void fields(Dict.Builder b) {}
  }
}
