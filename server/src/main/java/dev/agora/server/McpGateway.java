package dev.agora.server;

import dev.agora.core.Marketplace;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.error.AgoraError;
import dev.agora.core.json.Json;
import dev.agora.core.json.JsonException;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.registry.Query;
import dev.agora.core.registry.Registry;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.types.Problem;
import dev.agora.rtfs.types.Validator;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import io.modelcontextprotocol.spec.McpServerTransportProviderBase;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The marketplace as an MCP server: every capability is a tool, and every {@code tools/call} is a
 * call on the one governed call path as the caller's security context — policy, validation, limits,
 * Causal Chain. {@code tools/list} shows a caller only what it may call; a denied or invalid call
 * is an {@code isError} result with the reason, not a transport error. The tool list follows the
 * registry while running ({@code notifications/tools/list_changed}).
 *
 * <p>Arguments: a capability whose input is a map takes the tool's arguments object as its input;
 * any other input type is wrapped as the single argument {@code input}. Results: a string as its
 * text, any other value as JSON text (RTFS syntax when JSON cannot hold it), and as {@code
 * structuredContent} when it is a map.
 */
public final class McpGateway implements AutoCloseable {

  /** The transport context key holding the caller's security context. */
  public static final String CALLER = "agora.caller";

  static final String WRAPPED = "input";

  private final Marketplace marketplace;
  private final Function<McpTransportContext, SecurityContext> caller;
  private final ToolNames names = new ToolNames();
  private final McpSyncServer server;

  /** Capability id → the version its tool shows. */
  private final Map<String, String> published = new ConcurrentHashMap<>();

  /** How often the tool list has changed (counted before clients are told). */
  private final AtomicLong changes = new AtomicLong();

  /**
   * @param caller who is calling, from the transport context (an HTTP request's API key, or the
   *     fixed context of a stdio session)
   */
  public McpGateway(
      Marketplace marketplace,
      McpServerTransportProviderBase transport,
      Function<McpTransportContext, SecurityContext> caller) {
    this.marketplace = marketplace;
    this.caller = caller;
    McpServer.SyncSpecification<?> spec =
        switch (transport) {
          case McpStreamableServerTransportProvider s -> McpServer.sync(s);
          case McpServerTransportProvider s -> McpServer.sync(s);
          default ->
              throw new IllegalArgumentException(
                  "unsupported MCP transport " + transport.getClass());
        };
    // The tools present at start go in with the server: a stdio client may ask for the list the
    // moment it exists.
    List<McpServerFeatures.SyncToolSpecification> initial = new ArrayList<>();
    for (CapabilityManifest m :
        marketplace.registry().search(new Query(null, null, null, null, Integer.MAX_VALUE))) {
      initial.add(spec(m));
      published.put(m.id(), m.version());
    }
    server =
        spec.serverInfo("agora", "0.1.0")
            .instructions(
                "Agora: a governed capability marketplace. Every tool call is checked against policy and "
                    + "the caller's rights, validated, limited and recorded in a verifiable log.")
            .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
            .jsonMapper(McpJsonDefaults.getMapper())
            .validateToolInputs(
                false) // Agora's call path validates, and records the refusal; the SDK's would do
            // neither
            .addToolFilter((ctx, tool) -> visible(ctx, tool.name()))
            .tools(initial)
            .build();
    marketplace
        .registry()
        .listen(
            new Registry.Listener() {
              @Override
              public void registered(CapabilityManifest manifest, Registry.Change change) {
                if (change != Registry.Change.UNCHANGED) {
                  publish(manifest.id(), true);
                }
              }

              @Override
              public void removed(CapabilityManifest manifest) {
                publish(manifest.id(), false);
              }
            });
    // what changed between the snapshot and the listener
    marketplace
        .registry()
        .search(new Query(null, null, null, null, Integer.MAX_VALUE))
        .forEach(m -> publish(m.id(), false));
    List.copyOf(published.keySet()).forEach(id -> publish(id, false));
  }

  private boolean visible(McpTransportContext ctx, String toolName) {
    String id = names.id(toolName);
    CapabilityManifest m = id == null ? null : marketplace.registry().get(id);
    SecurityContext who = caller.apply(ctx);
    return m != null && who != null && marketplace.mayCall(who, m);
  }

  /**
   * Brings a capability's tool up to date: its newest version published (again, when {@code
   * changed}), or the tool removed when no version is left.
   */
  private synchronized void publish(String id, boolean changed) {
    CapabilityManifest m = marketplace.registry().get(id);
    String before = published.get(id);
    if (m != null && m.version().equals(before) && !changed) {
      return;
    }
    changes.incrementAndGet();
    if (before != null) {
      server.removeTool(names.name(id));
      published.remove(id);
    }
    if (m != null) {
      server.addTool(spec(m));
      published.put(id, m.version());
    }
  }

  /** How often the tool list has changed since the gateway started. */
  long toolChanges() {
    return changes.get();
  }

  private McpServerFeatures.SyncToolSpecification spec(CapabilityManifest m) {
    boolean unwrapped = objectSchemaOf(m); // decided once per published tool, not on every call
    return new McpServerFeatures.SyncToolSpecification(
        tool(names.name(m.id()), m), (exchange, request) -> call(exchange, request, m, unwrapped));
  }

  private static McpSchema.Tool tool(String name, CapabilityManifest m) {
    boolean destructive = m.effects().contains("destructive");
    McpSchema.ToolAnnotations hints =
        new McpSchema.ToolAnnotations(
            null,
            m.isPure(),
            destructive,
            null,
            m.effects().contains("network") || m.effects().contains("unknown"),
            null);
    return McpSchema.Tool.builder(name, inputSchema(m))
        .title(m.name())
        .description(m.description().isEmpty() ? m.id() : m.description())
        .annotations(hints)
        .build();
  }

  /**
   * The tool's input schema: the capability's JSON Schema when it is an object, else wrapped as
   * {@code input}.
   */
  static Map<String, Object> inputSchema(CapabilityManifest m) {
    Map<String, Object> schema = jsonSchemaOf(m);
    Map<String, Object> object = objectSchema(schema);
    if (object != null) {
      return object;
    }
    Map<String, Object> wrapped = new LinkedHashMap<>();
    wrapped.put("type", "object");
    wrapped.put("properties", Map.of(WRAPPED, schema));
    if (!isOptional(schema)) {
      wrapped.put("required", List.of(WRAPPED));
    }
    wrapped.put("additionalProperties", false);
    return wrapped;
  }

  /**
   * The schema itself if it describes an object, or the object branch of "object or null"; else
   * null.
   */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> objectSchema(Map<String, Object> s) {
    if ("object".equals(s.get("type"))) {
      return s;
    }
    for (String union : List.of("anyOf", "oneOf")) {
      if (s.get(union) instanceof List<?> options && options.size() == 2) {
        Map<String, Object> object = null;
        boolean nil = false;
        for (Object o : options) {
          if (o instanceof Map<?, ?> branch) {
            if ("null".equals(branch.get("type"))) {
              nil = true;
            } else if ("object".equals(branch.get("type"))) {
              object = (Map<String, Object>) branch;
            }
          }
        }
        if (nil && object != null) {
          return object;
        }
      }
    }
    return null;
  }

  private static boolean isOptional(Map<String, Object> s) {
    return s.isEmpty()
        || s.get("anyOf") instanceof List<?> l
            && l.stream().anyMatch(o -> o instanceof Map<?, ?> m && "null".equals(m.get("type")));
  }

  /**
   * One tools/call of the tool published for {@code m}: on the call path as the caller, which calls
   * the capability's newest version (or says NotFound, and records it, when it was removed since
   * the tool was listed); every failure an isError result saying why.
   */
  private McpSchema.CallToolResult call(
      McpSyncServerExchange exchange,
      McpSchema.CallToolRequest request,
      CapabilityManifest m,
      boolean unwrapped) {
    SecurityContext who = caller.apply(exchange.transportContext());
    if (who == null) {
      return error("the request carries no identity Agora accepts");
    }
    try {
      Value input;
      try {
        input = input(m, request.arguments(), unwrapped);
      } catch (
          IllegalArgumentException
              e) { // arguments the tool cannot take: refused and recorded like any other
        throw marketplace.refuse(
            CallRequest.of(m.id(), Value.NIL, who),
            new AgoraError.InvalidInput(
                m.id(), List.of(new Problem(List.of(), expected(m, unwrapped), e.getMessage()))));
      }
      return success(marketplace.call(CallRequest.of(m.id(), input, who)));
    } catch (AgoraError e) {
      return error(e.kind() + ": " + e.getMessage());
    }
  }

  /**
   * Records a {@code tools/call} in {@code jsonRpc} (one message or a batch) for a tool that is not
   * published — refused as NotFound, with near misses, by the call path's recording stage — so that
   * the SDK's own answer to it leaves a trace. Anything that is not such a call is left alone.
   */
  void noticeUnknownTools(String jsonRpc, SecurityContext who) {
    inspect(jsonRpc, who);
  }

  /**
   * What is wrong with a {@code tools/call} whose params the SDK cannot take: {@code id} is the
   * request's (null in a batch), {@code message} says what it found.
   */
  record InvalidCall(Value id, String message) {}

  /**
   * {@link #noticeUnknownTools}, and the first {@code tools/call} in {@code jsonRpc} whose params
   * are not an object with a string name and object arguments, or null. The SDK answered those with
   * a 200 and an empty body (issue 12: the client waits forever).
   */
  InvalidCall inspect(String jsonRpc, SecurityContext who) {
    if (jsonRpc.indexOf('\\') < 0 && !jsonRpc.contains("tools/call")) {
      return null; // no tools/call, not even an escaped one: nothing to parse a second time
    }
    Value message;
    try {
      message = Json.parse(jsonRpc);
    } catch (JsonException e) {
      return null; // not JSON: the transport answers it
    }
    boolean batch = message instanceof Seq;
    InvalidCall invalid = null;
    for (Value m : message instanceof Seq s ? s.items() : List.of(message)) {
      if (!(m instanceof Dict d) || !Value.of("tools/call").equals(d.get("method"))) {
        continue;
      }
      String problem = null;
      if (!(d.get("params") instanceof Dict params)) {
        problem = "params must be an object, found " + jsonType(d.get("params"));
      } else if (!(params.get("name") instanceof Value.Str name)) {
        problem = "params.name must be a string, found " + jsonType(params.get("name"));
      } else {
        Value args = params.get("arguments");
        if (args != null && !(args instanceof Value.Nil) && !(args instanceof Dict)) {
          problem = "params.arguments must be an object, found " + jsonType(args);
        } else if (!published(name.value())) {
          marketplace.refuse(
              CallRequest.of(name.value(), Value.NIL, who),
              new AgoraError.NotFound(
                  name.value(), null, marketplace.registry().suggest(name.value(), 3)));
        }
      }
      if (problem != null && invalid == null) {
        invalid = new InvalidCall(batch ? null : d.get("id"), "Invalid params: " + problem);
      }
    }
    return invalid;
  }

  /** The JSON type of a parsed value, for messages ("an array"). */
  private static String jsonType(Value v) {
    return switch (v) {
      case null -> "nothing";
      case Value.Nil n -> "null";
      case Dict d -> "an object";
      case Seq s -> "an array";
      case Value.Str s -> "a string";
      case Value.Bool b -> "a boolean";
      default -> "a number";
    };
  }

  private boolean published(String toolName) {
    String id = names.id(toolName);
    return id != null && published.containsKey(id);
  }

  /** What the tool's arguments must be, for messages. */
  private static String expected(CapabilityManifest m, boolean unwrapped) {
    String type = m.input() == null ? "any value" : m.input().type().show();
    return unwrapped ? type : "one argument '" + WRAPPED + "' (" + type + ")";
  }

  /**
   * The capability's input from the tool's arguments: the arguments object itself when the input is
   * a map ({@code unwrapped}; nil for no arguments when nil is allowed), else the one argument
   * {@code input}. Arguments the tool cannot take are an {@link IllegalArgumentException} saying
   * what was found: other arguments than {@code input} (issue 11: they read as a missing input,
   * "found nil").
   */
  static Value input(CapabilityManifest m, Map<String, Object> arguments, boolean unwrapped) {
    Map<String, Object> args = arguments == null ? Map.of() : arguments;
    try {
      if (unwrapped) {
        if (args.isEmpty()
            && m.input() != null
            && Validator.conforms(m.input().type(), Value.NIL)) {
          return Value.NIL;
        }
        return Json.fromJava(args);
      }
      List<String> others =
          args.keySet().stream().filter(k -> !k.equals(WRAPPED)).sorted().toList();
      if (!others.isEmpty()) {
        throw new IllegalArgumentException(
            "the argument" + (others.size() == 1 ? " " : "s ") + String.join(", ", others));
      }
      return args.containsKey(WRAPPED) ? Json.fromJava(args.get(WRAPPED)) : Value.NIL;
    } catch (JsonException e) {
      throw new IllegalArgumentException("arguments without an RTFS form: " + e.getMessage(), e);
    }
  }

  private static boolean objectSchemaOf(CapabilityManifest m) {
    return objectSchema(jsonSchemaOf(m)) != null;
  }

  /**
   * The capability's input as a JSON Schema object: empty (anything) when it has none, or one JSON
   * cannot hold (a literal such as ##Inf).
   */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> jsonSchemaOf(CapabilityManifest m) {
    try {
      Object s = m.input() == null ? Map.of() : Json.toJava(m.input().jsonSchema());
      return s instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    } catch (JsonException e) {
      return Map.of();
    }
  }

  private static McpSchema.CallToolResult success(Value result) {
    String text;
    Object structured = null;
    try {
      text =
          result instanceof Value.Str str
              ? str.value()
              : Json.write(result); // a string is its own text
      if (result instanceof Dict) {
        structured = Json.toJava(result);
      }
    } catch (JsonException e) {
      text = Printer.print(result);
    }
    McpSchema.CallToolResult.Builder b =
        McpSchema.CallToolResult.builder()
            .content(List.of(McpSchema.TextContent.builder(text).build()));
    if (structured != null) {
      b.structuredContent(structured);
    }
    return b.build();
  }

  private static McpSchema.CallToolResult error(String message) {
    return McpSchema.CallToolResult.builder()
        .content(List.of(McpSchema.TextContent.builder(message).build()))
        .isError(true)
        .build();
  }

  /** The tools a caller would see (for tests and `agora serve` start-up messages). */
  public List<String> toolsFor(SecurityContext who) {
    Map<String, Object> ctx = new LinkedHashMap<>();
    ctx.put(CALLER, who);
    McpTransportContext c = McpTransportContext.create(ctx);
    return server.listTools().stream()
        .map(McpSchema.Tool::name)
        .filter(n -> visible(c, n))
        .sorted()
        .toList();
  }

  @Override
  public void close() {
    server.closeGracefully();
  }
}
