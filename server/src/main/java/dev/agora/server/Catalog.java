package dev.agora.server;

import dev.agora.core.Marketplace;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.error.AgoraError;
import dev.agora.core.json.Json;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.core.manifest.UriTemplates;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Upstream servers' resources, resource templates and prompts, re-exposed: the MCP provider maps
 * each to a capability ({@code mcp.<server>.resource.<name>}, {@code mcp.<server>.prompt.<name>},
 * templates), so they are governed like tools — a caller lists only those it may call, and every
 * read or get is a call on the call path, recorded.
 */
final class Catalog {

  private static final Value KIND = Value.keyword("kind");
  private static final Value MCP = Value.keyword("mcp");

  private final Marketplace marketplace;
  private final Tools tools;

  Catalog(Marketplace marketplace, Tools tools) {
    this.marketplace = marketplace;
    this.tools = tools;
  }

  /**
   * What an MCP capability stands for: resource, reader, template, prompt; null for a tool. The
   * provider writes it in the manifest's {@code :mcp} metadata ({@code :kind}); the generic reader
   * ({@code mcp.<server>.read-resource}) has none and is known by its provider's target.
   */
  static String kind(CapabilityManifest m) {
    if (!(m.provider() instanceof ProviderSpec.Mcp mcp)) {
      return null;
    }
    Value k = mcpMeta(m).get(KIND);
    if (k == null) {
      k = mcp.options().get(KIND);
    }
    if (!(k instanceof Value.Keyword kind)) {
      return null;
    }
    return switch (kind.name()) {
      case "resource" -> "read-resource".equals(mcp.tool()) ? "reader" : "resource";
      case "resource-template" -> "template";
      case "prompt" -> "prompt";
      default -> null;
    };
  }

  /** The list a change of {@code m} alters besides the tools ("resources", "prompts"), or null. */
  static String listOf(CapabilityManifest m) {
    String kind = kind(m);
    return kind == null || kind.equals("reader")
        ? null
        : kind.equals("prompt") ? "prompts" : "resources";
  }

  private static Dict mcpMeta(CapabilityManifest m) {
    return m.metadata().get(MCP) instanceof Dict d ? d : Dict.EMPTY;
  }

  private static String meta(CapabilityManifest m, String key) {
    return mcpMeta(m).get(Value.keyword(key)) instanceof Value.Str s ? s.value() : null;
  }

  private List<Tools.Tool> visible(SecurityContext who, String kind) {
    List<Tools.Tool> mine = new ArrayList<>();
    for (Tools.Tool t : tools.visible(who)) {
      if (kind.equals(kind(t.manifest()))) {
        mine.add(t);
      }
    }
    return mine;
  }

  Dict resources(SecurityContext who) {
    return Rpc.obj("resources", listing(who, "resource", "uri", "uri"));
  }

  Dict templates(SecurityContext who) {
    return Rpc.obj("resourceTemplates", listing(who, "template", "uriTemplate", "uri-template"));
  }

  /** The {@code kind} a caller may read, each with its URI (or template) as {@code uriField}. */
  private Vec listing(SecurityContext who, String kind, String uriField, String uriMeta) {
    List<Value> list = new ArrayList<>();
    for (Tools.Tool t : visible(who, kind)) {
      CapabilityManifest m = t.manifest();
      list.add(
          Rpc.obj(
              uriField,
              meta(m, uriMeta),
              "name",
              t.name(),
              "title",
              m.name(),
              "description",
              m.description(),
              "mimeType",
              meta(m, "mime-type")));
    }
    return Vec.of(list);
  }

  /**
   * {@code resources/read}: the listed resource with that URI, else a template whose pattern it
   * matches, as a call by {@code who}; an unknown URI is refused ({@code -32002}) and recorded.
   */
  Dict read(SecurityContext who, Dict params, ClientLink client) {
    String uri = uri(params);
    Reader r = find(who, uri);
    return Rpc.obj("contents", contents(uri, call(who, r.manifest(), r.input(), client)));
  }

  /**
   * {@code resources/subscribe}: {@code peer} hears {@code notifications/resources/updated} each
   * time the upstream says the resource changed, while its caller may still read it, until it
   * unsubscribes or leaves. Only what {@code who} could read can be subscribed to; an unknown URI
   * is refused as {@link #read} refuses it, an upstream that cannot be watched with the reason.
   */
  Dict subscribe(SecurityContext who, Dict params, Peer peer) {
    String uri = uri(params);
    Reader r = find(who, uri);
    Dict updated = Rpc.notification("notifications/resources/updated", Rpc.obj("uri", uri));
    try {
      peer.watch(
          uri,
          () -> marketplace.subscribe(who, r.manifest(), uri, () -> peer.notices.send(updated)));
    } catch (AgoraError e) {
      throw new Rpc.Failure(Rpc.SERVER_ERROR, e.kind() + ": " + e.getMessage());
    }
    return Dict.EMPTY;
  }

  /** {@code resources/unsubscribe}: no more updates of that URI; not subscribed is no error. */
  Dict unsubscribe(Dict params, Peer peer) {
    peer.unwatch(uri(params));
    return Dict.EMPTY;
  }

  private static String uri(Dict params) {
    String uri = Rpc.text(params, "uri");
    if (uri == null) {
      throw new Rpc.Failure(Rpc.INVALID_PARAMS, "Invalid params: params.uri must be a string");
    }
    return uri;
  }

  /** A capability that reads a URI, with the input that makes it read that one. */
  private record Reader(CapabilityManifest manifest, Value input) {}

  /**
   * What reads {@code uri} for {@code who}: the listed resource with that URI, else a template
   * whose pattern it matches. None is refused ({@code -32002}), and the refusal recorded.
   */
  private Reader find(SecurityContext who, String uri) {
    for (Tools.Tool t : visible(who, "resource")) {
      if (uri.equals(meta(t.manifest(), "uri"))) {
        return new Reader(t.manifest(), Value.NIL);
      }
    }
    for (Tools.Tool t : visible(who, "template")) {
      String template = meta(t.manifest(), "uri-template");
      if (template != null && UriTemplates.matches(template, uri)) {
        return new Reader(t.manifest(), Rpc.obj("uri", uri));
      }
    }
    marketplace.refuse(
        CallRequest.of("resource:" + uri, Value.NIL, who),
        new AgoraError.NotFound("resource:" + uri, null, List.of()));
    throw new Rpc.Failure(
        Rpc.RESOURCE_NOT_FOUND, "Resource not found: " + uri, Rpc.obj("uri", uri));
  }

  Dict prompts(SecurityContext who) {
    List<Value> list = new ArrayList<>();
    for (Tools.Tool t : visible(who, "prompt")) {
      CapabilityManifest m = t.manifest();
      list.add(
          Rpc.obj(
              "name",
              t.name(),
              "title",
              m.name(),
              "description",
              m.description(),
              "arguments",
              arguments(m)));
    }
    return Rpc.obj("prompts", Vec.of(list));
  }

  /** {@code prompts/get}: the prompt's capability called with the arguments, as {@code who}. */
  Dict prompt(SecurityContext who, Dict params, ClientLink client) {
    String name = Rpc.text(params, "name");
    Tools.Tool t = name == null ? null : tools.named(name);
    if (t == null || !"prompt".equals(kind(t.manifest()))) {
      throw new Rpc.Failure(Rpc.INVALID_PARAMS, "Invalid params: no prompt named " + name);
    }
    Value args = Rpc.field(params, "arguments");
    Value result = call(who, t.manifest(), args instanceof Dict d ? d : Dict.EMPTY, client);
    Dict d = result instanceof Dict r ? r : Dict.EMPTY;
    return Rpc.obj(
        "description",
        d.get("description") instanceof Value.Str s ? s : null,
        "messages",
        d.get("messages") instanceof Seq s ? mcp(s) : Vec.of(List.of()));
  }

  /** A call on the call path; a refusal or failure is the protocol error saying why. */
  private Value call(SecurityContext who, CapabilityManifest m, Value input, ClientLink client) {
    try {
      return marketplace.call(CallRequest.of(m.id(), input, who).withDownstream(client));
    } catch (AgoraError e) {
      throw new Rpc.Failure(Rpc.SERVER_ERROR, e.kind() + ": " + e.getMessage());
    }
  }

  /** The prompt's arguments from its capability's input: a map of strings, some optional. */
  private static Vec arguments(CapabilityManifest m) {
    List<Value> args = new ArrayList<>();
    Object schema = m.input() == null ? null : Json.toJava(m.input().jsonSchema());
    if (schema instanceof Map<?, ?> s && s.get("properties") instanceof Map<?, ?> props) {
      List<?> required = s.get("required") instanceof List<?> r ? r : List.of();
      for (Object name : props.keySet()) {
        args.add(Rpc.obj("name", name.toString(), "required", required.contains(name)));
      }
    }
    return Vec.of(args);
  }

  /** What a resource read gave, as MCP contents: a text, or the provider's list of contents. */
  static Value contents(String uri, Value result) {
    if (result instanceof Value.Str text) {
      return Vec.of(Rpc.obj("uri", uri, "text", text));
    }
    if (result instanceof Seq s) {
      return mcp(s);
    }
    return Vec.of(Rpc.obj("uri", uri, "text", Json.write(result)));
  }

  /** RTFS values in MCP's spelling: {@code :mime-type} becomes {@code mimeType}, nils dropped. */
  static Value mcp(Value v) {
    return switch (v) {
      case Dict d -> {
        Dict.Builder b = Dict.builder();
        d.asMap()
            .forEach(
                (k, val) -> {
                  if (!(val instanceof Value.Nil)) {
                    String key = Json.keyName(k);
                    b.put(Json.key(key.equals("mime-type") ? "mimeType" : key), mcp(val));
                  }
                });
        yield b.build();
      }
      case Seq s -> Vec.of(s.items().stream().map(Catalog::mcp).toList());
      default -> v;
    };
  }
}
