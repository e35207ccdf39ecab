package dev.agora.core.manifest;

import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;

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
}
