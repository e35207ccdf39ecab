package dev.agora.server;

import dev.agora.chain.Receipt;
import dev.agora.core.Marketplace;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.Receipted;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.error.AgoraError;
import dev.agora.core.json.Json;
import dev.agora.core.json.JsonException;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import dev.agora.rtfs.types.Problem;
import dev.agora.rtfs.types.Validator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The capabilities as MCP tools: each capability's newest version is one tool, named by {@link
 * ToolNames}, described once when it is published and listed to the callers that may call it.
 *
 * <p>Arguments: a capability whose input is a map takes the tool's arguments object as its input;
 * any other input type is wrapped as the single argument {@code input}. Results: a string as its
 * text, any other value as JSON text (RTFS syntax when JSON cannot hold it), and as {@code
 * structuredContent} when it is a map. A denied or invalid call is an {@code isError} result with
 * the reason, not a protocol error.
 */
final class Tools {

  static final String WRAPPED = "input";

  /**
   * The key of a result's {@code _meta} that carries the call's receipt (issue 14): the receipt's
   * JSON as an object; its file is that object in canonical form (keys sorted, no whitespace).
   */
  static final String RECEIPT = "dev.agora/receipt";

  /** One published tool: its capability, name, description as listed, and argument form. */
  record Tool(CapabilityManifest manifest, String name, Dict listed, boolean unwrapped) {}

  private final Marketplace marketplace;
  private final ToolNames names = new ToolNames();

  /** Capability id → its tool. */
  private final Map<String, Tool> byId = new ConcurrentHashMap<>();

  Tools(Marketplace marketplace) {
    this.marketplace = marketplace;
  }

  /** Brings a capability's tool up to date: its newest version, or gone when none is left. */
  synchronized void publish(String id) {
    CapabilityManifest m = marketplace.registry().get(id);
    if (m == null) {
      byId.remove(id);
      return;
    }
    String name = names.name(id);
    Map<String, Object> schema = jsonSchemaOf(m);
    boolean unwrapped = objectSchema(schema) != null; // decided once per tool, not on every call
    byId.put(id, new Tool(m, name, describe(name, m, schema), unwrapped));
  }

  /** The tool named {@code name}, or null. */
  Tool named(String name) {
    String id = names.id(name);
    return id == null ? null : byId.get(id);
  }

  /** The tools {@code who} may call, in name order, as {@code tools/list} shows them. */
  Vec list(SecurityContext who) {
    return Vec.of(visible(who).stream().map(t -> (Value) t.listed()).toList());
  }

  /** The tools {@code who} may call, in name order. */
  List<Tool> visible(SecurityContext who) {
    List<Tool> mine = new ArrayList<>();
    if (who == null) {
      return mine; // no identity: nothing to see
    }
    for (Tool t : byId.values()) {
      if (marketplace.mayCall(who, t.manifest())) {
        mine.add(t);
      }
    }
    mine.sort(Comparator.comparing(Tool::name));
    return mine;
  }

  /**
   * One {@code tools/call}: on the call path as {@code who}, with the client linked; an unknown
   * tool is refused (and recorded, with near misses) as the protocol error {@code -32602}.
   */
  Dict call(SecurityContext who, Dict params, ClientLink client) {
    if (who == null) {
      return error("the request carries no identity Agora accepts");
    }
    Value name = Rpc.field(params, "name");
    if (!(name instanceof Value.Str toolName)) {
      throw new Rpc.Failure(
          Rpc.INVALID_PARAMS,
          "Invalid params: params.name must be a string, found " + Rpc.type(name));
    }
    Value args = Rpc.field(params, "arguments");
    if (args != null && !(args instanceof Value.Nil) && !(args instanceof Dict)) {
      throw new Rpc.Failure(
          Rpc.INVALID_PARAMS,
          "Invalid params: params.arguments must be an object, found " + Rpc.type(args));
    }
    Tool t = named(toolName.value());
    if (t == null) {
      marketplace.refuse(
          CallRequest.of(toolName.value(), Value.NIL, who),
          new AgoraError.NotFound(
              toolName.value(), null, marketplace.registry().suggest(toolName.value(), 3)));
      throw new Rpc.Failure(Rpc.INVALID_PARAMS, "Unknown tool: " + toolName.value());
    }
    CapabilityManifest m = t.manifest();
    try {
      Value input;
      try {
        input = input(m, args instanceof Dict d ? d : Dict.EMPTY, t.unwrapped());
      } catch (IllegalArgumentException e) { // arguments the tool cannot take: refused, recorded
        throw marketplace.refuse(
            CallRequest.of(m.id(), Value.NIL, who),
            new AgoraError.InvalidInput(
                m.id(),
                List.of(new Problem(List.of(), expected(m, t.unwrapped()), e.getMessage()))));
      }
      CallRequest call = CallRequest.of(m.id(), input, who).withDownstream(client);
      if (marketplace.receiptMode() == Receipt.Mode.OFF) {
        return success(marketplace.call(call));
      }
      Receipted out = marketplace.callWithReceipt(call);
      return success(out.result())
          .assoc(Json.key("_meta"), Rpc.obj(RECEIPT, Json.parse(out.receipt().json())));
    } catch (
        AgoraError.ApprovalRequired e) { // the text a client retries with: "approval required: ID"
      return error(e.getMessage());
    } catch (AgoraError e) {
      return error(e.kind() + ": " + e.getMessage());
    }
  }

  /**
   * The capability's input from the tool's arguments: the arguments object itself when the input is
   * a map ({@code unwrapped}; nil for no arguments when nil is allowed), else the one argument
   * {@code input}. Arguments the tool cannot take are an {@link IllegalArgumentException} saying
   * what was found: other arguments than {@code input} (issue 11: they read as a missing input,
   * "found nil").
   */
  static Value input(CapabilityManifest m, Dict args, boolean unwrapped) {
    if (unwrapped) {
      if (args.isEmpty() && m.input() != null && Validator.conforms(m.input().type(), Value.NIL)) {
        return Value.NIL;
      }
      return args;
    }
    List<String> others = new ArrayList<>();
    for (Value k : args.asMap().keySet()) {
      String key = Json.keyName(k);
      if (!key.equals(WRAPPED)) {
        others.add(key);
      }
    }
    if (!others.isEmpty()) {
      others.sort(Comparator.naturalOrder());
      throw new IllegalArgumentException(
          "the argument" + (others.size() == 1 ? " " : "s ") + String.join(", ", others));
    }
    Value v = Rpc.field(args, WRAPPED);
    return v == null ? Value.NIL : v;
  }

  /** What the tool's arguments must be, for messages. */
  private static String expected(CapabilityManifest m, boolean unwrapped) {
    String type = m.input() == null ? "any value" : m.input().type().show();
    return unwrapped ? type : "one argument '" + WRAPPED + "' (" + type + ")";
  }

  static Dict success(Value result) {
    String text;
    Value structured = null;
    try {
      text = result instanceof Value.Str str ? str.value() : Json.write(result);
      if (result instanceof Dict) {
        structured = result;
      }
    } catch (JsonException e) {
      text = Printer.print(result);
    }
    return Rpc.obj(
        "content", Vec.of(Rpc.obj("type", "text", "text", text)), "structuredContent", structured);
  }

  static Dict error(String message) {
    return Rpc.obj("content", Vec.of(Rpc.obj("type", "text", "text", message)), "isError", true);
  }

  private static Dict describe(String name, CapabilityManifest m, Map<String, Object> schema) {
    boolean destructive = m.effects().contains("destructive");
    boolean open = m.effects().contains("network") || m.effects().contains("unknown");
    return Rpc.obj(
        "name",
        name,
        "title",
        m.name(),
        "description",
        m.description().isEmpty() ? m.id() : m.description(),
        "inputSchema",
        Json.fromJava(inputSchema(schema)),
        "annotations",
        Rpc.obj("readOnlyHint", m.isPure(), "destructiveHint", destructive, "openWorldHint", open));
  }

  /**
   * The tool's input schema: the capability's JSON Schema when it is an object, else wrapped as
   * {@code input}.
   */
  static Map<String, Object> inputSchema(CapabilityManifest m) {
    return inputSchema(jsonSchemaOf(m));
  }

  private static Map<String, Object> inputSchema(Map<String, Object> schema) {
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
}
