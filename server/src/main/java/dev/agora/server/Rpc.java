package dev.agora.server;

import dev.agora.core.json.Json;
import dev.agora.core.json.JsonException;
import dev.agora.core.json.JsonObjects;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import java.nio.charset.StandardCharsets;

/**
 * JSON-RPC 2.0 messages as RTFS values — the form Agora parses every message into, once, so that a
 * tool's arguments are already the capability's input. A message is a {@link Request}, a {@link
 * Notification} or a {@link Response}; anything else is an {@link Invalid} saying why.
 */
final class Rpc {

  static final int PARSE_ERROR = -32700;
  static final int INVALID_REQUEST = -32600;
  static final int METHOD_NOT_FOUND = -32601;
  static final int INVALID_PARAMS = -32602;
  static final int INTERNAL_ERROR = -32603;
  static final int SERVER_ERROR = -32000;
  static final int RESOURCE_NOT_FOUND = -32002;
  static final int HEADER_MISMATCH = -32020;
  static final int UNSUPPORTED_VERSION = -32022;
  static final int REQUEST_CANCELLED = -32800;

  private Rpc() {}

  /** A message the peer sent. */
  sealed interface Message {}

  /** A request: it gets exactly one response. */
  record Request(Value id, String method, Dict params) implements Message {}

  /** A notification: no response. */
  record Notification(String method, Dict params) implements Message {}

  /** The answer to a request of ours: a result, or an error. */
  record Response(Value id, Value result, Dict error) implements Message {}

  /** Not a JSON-RPC message: answered with {@code code} and {@code message}, and the id found. */
  static final class Invalid extends Exception {
    final Value id;
    final int code;

    Invalid(Value id, int code, String message) {
      super(message, null, false, false);
      this.id = id;
      this.code = code;
    }
  }

  /** Parses one message from UTF-8 JSON. */
  static Message parse(byte[] utf8) throws Invalid {
    Value v;
    try {
      v = Json.parse(utf8);
    } catch (JsonException e) {
      throw new Invalid(Value.NIL, PARSE_ERROR, "Parse error: not JSON (" + e.getMessage() + ")");
    }
    return read(v);
  }

  /** What kind of message {@code v} is. */
  static Message read(Value v) throws Invalid {
    if (!(v instanceof Dict d)) {
      throw new Invalid(
          Value.NIL,
          INVALID_REQUEST,
          v instanceof Seq
              ? "Invalid Request: not a JSON-RPC 2.0 message (a batch: MCP took them out in 2025-06-18)"
              : "Invalid Request: not a JSON-RPC 2.0 message (it is an object)");
    }
    Value id = field(d, "id");
    Value idOrNil = id == null || !validId(id) ? Value.NIL : id;
    if (!Value.of("2.0").equals(field(d, "jsonrpc"))) {
      throw new Invalid(idOrNil, INVALID_REQUEST, "Invalid Request: jsonrpc must be \"2.0\"");
    }
    if (id != null && !validId(id)) {
      throw new Invalid(Value.NIL, INVALID_REQUEST, "Invalid Request: an id is a string or number");
    }
    Value method = field(d, "method");
    if (method == null) {
      Value result = field(d, "result");
      Value error = field(d, "error");
      if (id == null
          || (result == null) == (error == null)
          || error != null && !(error instanceof Dict)) {
        throw new Invalid(
            idOrNil,
            INVALID_REQUEST,
            "Invalid Request: a message has a method, or an id and one of result or error");
      }
      return new Response(id, result, (Dict) error);
    }
    if (!(method instanceof Value.Str name)) {
      throw new Invalid(idOrNil, INVALID_REQUEST, "Invalid Request: method must be a string");
    }
    Value params = field(d, "params");
    if (params != null && !(params instanceof Value.Nil) && !(params instanceof Dict)) {
      throw new Invalid(
          idOrNil,
          INVALID_PARAMS,
          "Invalid params: params must be an object, found " + type(params));
    }
    Dict p = params instanceof Dict pd ? pd : Dict.EMPTY;
    return id == null ? new Notification(name.value(), p) : new Request(id, name.value(), p);
  }

  private static boolean validId(Value id) {
    return id instanceof Value.Str
        || id instanceof Value.Int
        || id instanceof Value.Real r && Double.isFinite(r.value());
  }

  /** The JSON type of a parsed value, for messages ("an array"). */
  static String type(Value v) {
    return JsonObjects.type(v);
  }

  /** A JSON object's member, or null when it has none. */
  static Value field(Dict d, String name) {
    return JsonObjects.field(d, name);
  }

  /** A JSON object's string member, or null when it has none or another type. */
  static String text(Dict d, String name) {
    return JsonObjects.text(d, name);
  }

  /** A JSON object's object member, or the empty object. */
  static Dict object(Dict d, String name) {
    return JsonObjects.object(d, name);
  }

  /** A JSON object from names and values (a null value leaves its name out). */
  static Dict obj(Object... namesAndValues) {
    return JsonObjects.obj(namesAndValues);
  }

  static Dict result(Value id, Value result) {
    return obj("jsonrpc", "2.0", "id", id, "result", result);
  }

  static Dict error(Value id, int code, String message) {
    return error(id, code, message, null);
  }

  static Dict error(Value id, int code, String message, Value data) {
    return obj(
        "jsonrpc",
        "2.0",
        "id",
        id == null ? Value.NIL : id,
        "error",
        obj("code", code, "message", message, "data", data));
  }

  static Dict notification(String method, Dict params) {
    return obj("jsonrpc", "2.0", "method", method, "params", params);
  }

  static Dict request(Value id, String method, Value params) {
    return obj("jsonrpc", "2.0", "id", id, "method", method, "params", params);
  }

  /** A message as UTF-8 JSON. */
  static byte[] bytes(Value message) {
    return Json.write(message).getBytes(StandardCharsets.UTF_8);
  }

  /** A JSON-RPC error raised while answering a request: the answer is this error. */
  static final class Failure extends RuntimeException {
    final int code;
    final Value data;

    Failure(int code, String message) {
      this(code, message, null);
    }

    Failure(int code, String message, Value data) {
      super(message, null, false, false);
      this.code = code;
      this.data = data;
    }
  }
}
