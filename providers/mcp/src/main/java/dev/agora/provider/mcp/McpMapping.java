package dev.agora.provider.mcp;

import dev.agora.core.json.Json;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.JsonSchemas;
import dev.agora.core.manifest.Manifests;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.core.manifest.Schema;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import dev.agora.rtfs.types.TypeExpr;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How MCP things become capabilities and MCP answers become RTFS values.
 *
 * <p><b>Ids.</b> {@code mcp.<server>.<tool>}, {@code mcp.<server>.resource.<name>}, {@code
 * mcp.<server>.template.<name>} (resource templates), {@code mcp.<server>.prompt.<name>}, and
 * {@code mcp.<server>.read-resource} for any URI. Names are kept if they are letters, digits,
 * {@code _} and {@code -}; any other character (a dot included) becomes {@code _}. When two names
 * map to one id, the one first in the server's list keeps it and the others get {@code _2}, {@code
 * _3} … — see {@link Names}. A tool without a name, or named {@code read-resource}, {@code
 * resource} or {@code prompt} (Agora's own ids for the server), is not loaded: see {@link
 * #refusal}.
 *
 * <p><b>Effects</b> come from the tool's annotations with the spec's defaults for what is missing
 * (readOnly false, destructive true, openWorld true): always {@code mcp}; {@code network} when
 * open-world; {@code writes} unless read-only; {@code destructive} when also destructive. So a tool
 * that says nothing is treated as the most dangerous kind, and policies can deny by effect.
 *
 * <p><b>Results.</b> {@code structuredContent} when the tool gives it; otherwise a single text
 * content is its string; otherwise a vector of content maps ({@code {:type "text" :text …}}, {@code
 * {:type "image" :data … :mime-type …}}, {@code {:type "resource" :uri … :text|:blob …}}, {@code
 * {:type "resource_link" :uri … :name …}}). An {@code isError} result is a failed call carrying the
 * server's message.
 */
final class McpMapping {

  static final String RESOURCE_READER = "read-resource";

  private McpMapping() {}

  /**
   * Why a tool of server {@code server} named {@code name} is not loaded, or null when it is: it
   * has no name, or one whose id is Agora's own for the server — the resource reader ({@code
   * mcp.<server>.read-resource}) or the namespaces of its resources and prompts. A name is never
   * quoted: what a server lists is not Agora's to record.
   */
  static String refusal(String server, String name) {
    String prefix = "mcp." + server + ".";
    if (name == null || name.isBlank()) {
      return "a tool without a name is not loaded";
    }
    return switch (name) {
      case RESOURCE_READER ->
          "a tool named '"
              + RESOURCE_READER
              + "' is not loaded: "
              + prefix
              + RESOURCE_READER
              + " is Agora's reader of the server's resources";
      case "resource", "prompt", "template" ->
          "a tool named '"
              + name
              + "' is not loaded: "
              + prefix
              + name
              + " is the namespace of the server's "
              + name
              + "s";
      default -> null;
    };
  }

  /** A tool as a capability. {@code log} hears about schemas that could not be converted. */
  static CapabilityManifest tool(
      McpServerConfig server, String id, McpSchema.Tool t, String version, Consumer<String> log) {
    McpSchema.ToolAnnotations a = t.annotations();
    boolean readOnly = a != null && Boolean.TRUE.equals(a.readOnlyHint());
    boolean destructive = a == null || a.destructiveHint() == null || a.destructiveHint();
    boolean openWorld = a == null || a.openWorldHint() == null || a.openWorldHint();
    boolean idempotent = a != null && Boolean.TRUE.equals(a.idempotentHint());
    List<String> effects = new ArrayList<>(List.of("mcp"));
    if (openWorld) {
      effects.add("network");
    }
    if (!readOnly) {
      effects.add("writes");
      if (destructive) {
        effects.add("destructive");
      }
    }
    Dict.Builder hints =
        Dict.builder()
            .put("read-only", Value.of(readOnly))
            .put("destructive", Value.of(destructive))
            .put("idempotent", Value.of(idempotent))
            .put("open-world", Value.of(openWorld));
    Dict options =
        Dict.builder()
            .put("kind", Value.keyword("tool"))
            .put("idempotent", Value.of(idempotent))
            .build();
    return CapabilityManifest.builder(id)
        .name(t.title() != null ? t.title() : t.name())
        .description(t.description() == null ? "" : t.description())
        .version(version)
        .provider(new ProviderSpec.Mcp(server.name(), t.name(), options))
        .input(
            optionalWhenNothingRequired(
                schema(t.inputSchema(), id + " input", log), t.inputSchema()))
        .output(
            t.outputSchema() == null
                ? Schema.of(Manifests.type(":any"))
                : schema(t.outputSchema(), id + " output", log))
        .effects(effects.toArray(String[]::new))
        .metadata(
            Dict.builder()
                .put(
                    "mcp",
                    Dict.builder()
                        .put("server", Value.of(server.name()))
                        .put("kind", Value.keyword("tool"))
                        .put("tool", Value.of(t.name()))
                        .put("hints", hints.build())
                        .build())
                .build())
        .timeout(server.timeout())
        .build();
  }

  /** A listed resource as a capability that reads it (no input). */
  static CapabilityManifest resource(
      McpServerConfig server, String id, McpSchema.Resource r, String version) {
    return reader(server, id, version, r.uri(), Dict.builder())
        .name(r.title() != null ? r.title() : r.name())
        .description(
            (r.description() == null ? "" : r.description() + " ")
                + "(MCP resource "
                + r.uri()
                + ")")
        .input(":nil")
        .metadata(
            mcp(
                listed(server, "resource", r.name(), r.title(), r.description())
                    .put("uri", Value.of(r.uri()))
                    .put("mime-type", str(r.mimeType()))))
        .build();
  }

  /** The server's generic resource reader: {@code {:uri "…"}} → the contents. */
  static CapabilityManifest resourceReader(McpServerConfig server, String id, String version) {
    return reader(server, id, version, RESOURCE_READER, Dict.builder())
        .name("Read a resource of " + server.name())
        .description(
            "Reads any resource of MCP server " + server.name() + " by URI (resources/read).")
        .input("[:map [:uri :string]]")
        .build();
  }

  /**
   * A resource template ({@code resources/templates/list}) as a capability that reads the resource
   * at a URI the template expands to: {@code {:uri "…"}} → the contents. A URI the template does
   * not match is refused, so that a policy allowing the template allows no other resource.
   */
  static CapabilityManifest template(
      McpServerConfig server, String id, McpSchema.ResourceTemplate t, String version) {
    return reader(
            server,
            id,
            version,
            RESOURCE_READER,
            Dict.builder().put("uri-template", Value.of(t.uriTemplate())))
        .name(t.title() != null ? t.title() : t.name())
        .description(
            (t.description() == null ? "" : t.description() + " ")
                + "(MCP resource template "
                + t.uriTemplate()
                + ")")
        .input("[:map [:uri :string]]")
        .metadata(
            mcp(
                listed(server, "resource-template", t.name(), t.title(), t.description())
                    .put("uri-template", Value.of(t.uriTemplate()))
                    .put("mime-type", str(t.mimeType()))))
        .build();
  }

  /**
   * What every capability that reads resources has: {@code resources/read} of {@code target} (a
   * URI, or {@link #RESOURCE_READER} for the one in the input) with {@code options}, idempotent,
   * {@code mcp} + {@code network}, any output, the server's timeout.
   */
  private static CapabilityManifest.Builder reader(
      McpServerConfig server, String id, String version, String target, Dict.Builder options) {
    return CapabilityManifest.builder(id)
        .version(version)
        .provider(
            new ProviderSpec.Mcp(
                server.name(),
                target,
                options
                    .put("kind", Value.keyword("resource"))
                    .put("idempotent", Value.TRUE)
                    .build()))
        .output(":any")
        .effects("mcp", "network")
        .timeout(server.timeout());
  }

  /**
   * The start of a listed item's {@code :mcp} metadata — what a server re-exposing it lists — to
   * which each kind adds its own keys.
   */
  private static Dict.Builder listed(
      McpServerConfig server, String kind, String name, String title, String description) {
    return Dict.builder()
        .put("server", Value.of(server.name()))
        .put("kind", Value.keyword(kind))
        .put("name", Value.of(name))
        .put("title", str(title))
        .put("description", str(description));
  }

  /** Metadata {@code {:mcp {…}}}. */
  private static Dict mcp(Dict.Builder listed) {
    return Dict.of(Value.keyword("mcp"), listed.build());
  }

  /**
   * A prompt as a capability: its arguments (all strings) in, {@code {:description … :messages
   * […]}} out.
   */
  static CapabilityManifest prompt(
      McpServerConfig server, String id, McpSchema.Prompt p, String version) {
    StringBuilder input = new StringBuilder("[:map");
    List<Value> arguments = new ArrayList<>();
    for (McpSchema.PromptArgument arg :
        p.arguments() == null ? List.<McpSchema.PromptArgument>of() : p.arguments()) {
      arguments.add(
          Dict.builder()
              .put("name", Value.of(arg.name()))
              .put("title", str(arg.title()))
              .put("description", str(arg.description()))
              .put("required", Value.of(Boolean.TRUE.equals(arg.required())))
              .build());
      input
          .append(" [")
          .append(Json.isKeywordName(arg.name()) ? ":" + arg.name() : Printer.quote(arg.name()))
          .append(" :string")
          .append(Boolean.TRUE.equals(arg.required()) ? "" : " ?")
          .append("]");
    }
    input.append("]");
    return CapabilityManifest.builder(id)
        .name(p.title() != null ? p.title() : p.name())
        .description((p.description() == null ? "" : p.description() + " ") + "(MCP prompt)")
        .version(version)
        .provider(
            new ProviderSpec.Mcp(
                server.name(),
                p.name(),
                Dict.builder()
                    .put("kind", Value.keyword("prompt"))
                    .put("idempotent", Value.TRUE)
                    .build()))
        .input(input.toString())
        .output("[:map [:messages [:vector :any]]]")
        .effects("mcp", "network")
        .metadata(
            mcp(
                listed(server, "prompt", p.name(), p.title(), p.description())
                    .put("arguments", Vec.of(arguments))))
        .timeout(server.timeout())
        .build();
  }

  /**
   * A tool whose arguments are all optional may be called with none: nil (what {@code (call :id)}
   * passes) is accepted besides the map, and sent as {@code {}}.
   */
  private static Schema optionalWhenNothingRequired(Schema s, Map<String, Object> json) {
    Object required = json.get("required");
    if (required instanceof Collection<?> c && !c.isEmpty()) {
      return s;
    }
    return new Schema(
        Manifests.type("[:union :nil " + s.type().show() + "]"), s.originalJsonSchema());
  }

  /**
   * A JSON Schema from the server as a Schema: converted to a TypeExpr, the original kept. (The SDK
   * reads a tool without an input schema as one with {@code {}}.)
   */
  private static Schema schema(Map<String, Object> json, String what, Consumer<String> log) {
    Value v = Json.fromJava(json);
    TypeExpr t;
    try {
      t = JsonSchemas.toType(v);
    } catch (RuntimeException e) {
      log.accept(
          "mcp: the "
              + what
              + " schema cannot be checked by Agora ("
              + e.getMessage()
              + "); accepting any value");
      t = Manifests.type(":any");
    }
    return new Schema(t, v);
  }

  // ---- Results ----

  /** A tool's result as a value; an {@code isError} result throws with the server's message. */
  static Value result(McpSchema.CallToolResult r) {
    if (Boolean.TRUE.equals(r.isError())) {
      throw new McpConnection.ServerError(text(r.content()), null);
    }
    if (r.structuredContent() != null) {
      return Json.fromJava(r.structuredContent());
    }
    List<McpSchema.Content> content = r.content(); // the SDK's records refuse a null list
    if (content.size() == 1 && content.getFirst() instanceof McpSchema.TextContent t) {
      return Value.of(t.text());
    }
    return Vec.of(content.stream().map(McpMapping::content).toList());
  }

  /** The text of error content, for messages. */
  private static String text(List<McpSchema.Content> content) {
    if (content.isEmpty()) {
      return "the tool reported an error without a message";
    }
    StringBuilder sb = new StringBuilder();
    for (McpSchema.Content c : content) {
      sb.append(sb.isEmpty() ? "" : " ")
          .append(c instanceof McpSchema.TextContent t ? t.text() : "[" + c.type() + "]");
    }
    return sb.toString();
  }

  static Value content(McpSchema.Content c) {
    return switch (c) {
      case McpSchema.TextContent t ->
          Dict.of(
              Value.keyword("type"), Value.of("text"), Value.keyword("text"), Value.of(t.text()));
      case McpSchema.ImageContent i ->
          Dict.of(
              Value.keyword("type"),
              Value.of("image"),
              Value.keyword("data"),
              Value.of(i.data()),
              Value.keyword("mime-type"),
              str(i.mimeType()));
      case McpSchema.AudioContent a ->
          Dict.of(
              Value.keyword("type"),
              Value.of("audio"),
              Value.keyword("data"),
              Value.of(a.data()),
              Value.keyword("mime-type"),
              str(a.mimeType()));
      case McpSchema.EmbeddedResource e ->
          ((Dict) resourceContents(e.resource()))
              .assoc(Value.keyword("type"), Value.of("resource"));
      case McpSchema.ResourceLink l ->
          Dict.of(
              Value.keyword("type"),
              Value.of("resource_link"),
              Value.keyword("uri"),
              Value.of(l.uri()),
              Value.keyword("name"),
              str(l.name()));
      default -> Dict.of(Value.keyword("type"), Value.of(c.type()));
    };
  }

  /**
   * What resources/read gave: one text's string, else a vector of {@code {:uri :mime-type
   * :text|:blob}}.
   */
  static Value read(McpSchema.ReadResourceResult r) {
    List<McpSchema.ResourceContents> contents = r.contents();
    if (contents.size() == 1 && contents.getFirst() instanceof McpSchema.TextResourceContents t) {
      return Value.of(t.text());
    }
    return Vec.of(contents.stream().map(McpMapping::resourceContents).toList());
  }

  private static Value resourceContents(McpSchema.ResourceContents rc) {
    Dict.Builder b =
        Dict.builder().put("uri", Value.of(rc.uri())).put("mime-type", str(rc.mimeType()));
    switch (rc) {
      case McpSchema.TextResourceContents t -> b.put("text", Value.of(t.text()));
      case McpSchema.BlobResourceContents bl -> b.put("blob", Value.of(bl.blob()));
      default -> {}
    }
    return b.build();
  }

  /** A prompt's messages: {@code {:description … :messages [{:role "user" :content {…}} …]}}. */
  static Value prompt(McpSchema.GetPromptResult r) {
    List<Value> messages = new ArrayList<>();
    for (McpSchema.PromptMessage m : r.messages()) {
      messages.add(
          Dict.of(
              Value.keyword("role"),
              Value.of(m.role().name().toLowerCase(Locale.ROOT)),
              Value.keyword("content"),
              content(m.content())));
    }
    return Dict.of(
        Value.keyword("description"),
        str(r.description()),
        Value.keyword("messages"),
        Vec.of(messages));
  }

  private static Value str(String s) {
    return s == null ? Value.NIL : Value.of(s);
  }
}
