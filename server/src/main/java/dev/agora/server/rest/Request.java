package dev.agora.server.rest;

import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.json.Json;
import dev.agora.core.json.JsonException;
import dev.agora.rtfs.Value;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;

/**
 * What an operation sees of a request: who is calling (the guard's decision), the path's and the
 * query's parameters, the body (read once by the guard) and its content type.
 */
record Request(
    SecurityContext caller,
    Map<String, String> path,
    Function<String, String> query,
    byte[] body,
    String contentType) {

  String path(String name) {
    return path.get(name);
  }

  /** A query parameter, or {@code fallback} when absent or empty. */
  String query(String name, String fallback) {
    String v = query.apply(name);
    return v == null || v.isEmpty() ? fallback : v;
  }

  /** An integer query parameter within [min, max]; anything else is a 400 problem naming it. */
  int integer(String name, int fallback, int min, int max) {
    String v = query(name, null);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new Problem(
        400,
        "InvalidParameter",
        "query parameter '"
            + name
            + "' must be an integer from "
            + min
            + " to "
            + max
            + ", not '"
            + v
            + "'");
  }

  /** The body as JSON; empty is null; anything else that is not JSON is a 400 problem. */
  Value json() {
    if (body.length == 0) {
      return Value.NIL;
    }
    try {
      return Json.parse(body);
    } catch (JsonException e) {
      throw new Problem(400, "InvalidBody", "the request body is not JSON: " + e.getMessage());
    }
  }

  String text() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /**
   * RTFS source: the body as text, or, when it is sent as JSON, its {@code source} member (so that
   * clients that send only JSON — Agora's own OpenAPI source among them — can send plans).
   */
  String source() {
    if (contentType == null || !contentType.startsWith("application/json")) {
      return text();
    }
    if (json() instanceof dev.agora.rtfs.Dict d
        && d.get(Json.key("source")) instanceof Value.Str s) {
      return s.value();
    }
    throw new Problem(400, "InvalidBody", "a plan sent as JSON is {\"source\": \"<RTFS>\"}");
  }
}
