package dev.agora.server.rest;

import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The REST API's OpenAPI 3.1 document, made from its {@link Route}s: every operation with its
 * parameters and body, JSON answers, problems as {@code application/problem+json}, and the two ways
 * to authenticate (a bearer token or API key, or {@code X-API-Key}).
 */
final class OpenApi {

  private OpenApi() {}

  static Dict document(List<Route> routes, String server) {
    Map<String, Dict> paths = new LinkedHashMap<>();
    for (Route r : routes) {
      Dict at = paths.getOrDefault(r.path(), Dict.EMPTY);
      paths.put(r.path(), at.assoc(Value.of(r.method().toLowerCase(Locale.ROOT)), operation(r)));
    }
    Dict.Builder p = Dict.builder();
    paths.forEach((k, v) -> p.put(Value.of(k), v));
    return Dict.builder()
        .put("openapi", Value.of("3.1.0"))
        .put(
            "info",
            obj(
                "title", Value.of("Agora REST API"),
                "version", Value.of("1"),
                "description",
                    Value.of(
                        "The governed capability marketplace: every call goes through Agora's one"
                            + " call path and is recorded in the Causal Chain (docs/SERVER.md).")))
        .put("servers", Vec.of(obj("url", Value.of(server))))
        .put("security", Vec.of(obj("bearer", Vec.EMPTY), obj("apiKey", Vec.EMPTY)))
        .put("paths", p.build())
        .put(
            "components",
            obj(
                "securitySchemes",
                    obj(
                        "bearer", obj("type", Value.of("http"), "scheme", Value.of("bearer")),
                        "apiKey",
                            obj(
                                "type", Value.of("apiKey"),
                                "in", Value.of("header"),
                                "name", Value.of("X-API-Key"))),
                "schemas", obj("Problem", problemSchema())))
        .build();
  }

  private static Dict operation(Route r) {
    List<Value> params = new ArrayList<>();
    for (Route.Param p : r.params()) {
      params.add(
          obj(
              "name", Value.of(p.name()),
              "in", Value.of(p.in()),
              "required", Value.of(p.in().equals("path")),
              "description", Value.of(p.description()),
              "schema", obj("type", Value.of(p.integer() ? "integer" : "string"))));
    }
    Dict.Builder op =
        Dict.builder()
            .put("operationId", Value.of(r.operationId()))
            .put("summary", Value.of(r.summary() + (r.operator() ? " (full contexts only)" : "")))
            .put("tags", Vec.of(Value.of(r.tag())))
            .put("parameters", Vec.of(params));
    switch (r.body()) {
      case JSON ->
          op.put(
              "requestBody",
              obj(
                  "required", Value.of(!r.operationId().equals("deny")),
                  "content", obj("application/json", obj("schema", Dict.EMPTY))));
      case RTFS ->
          op.put(
              "requestBody",
              obj(
                  "required",
                  Value.TRUE,
                  "content",
                  obj(
                      "application/json",
                      obj(
                          "schema",
                          obj(
                              "type", Value.of("object"),
                              "required", Vec.of(Value.of("source")),
                              "properties", obj("source", obj("type", Value.of("string"))))),
                      "text/plain",
                      obj("schema", obj("type", Value.of("string"))))));
      case NONE -> {}
    }
    Dict ok =
        r.download() == null
            ? obj("application/json", obj("schema", Dict.EMPTY))
            : obj("application/jsonl", obj("schema", obj("type", Value.of("object"))));
    op.put(
        "responses",
        obj(
            "200", obj("description", Value.of("OK"), "content", ok),
            "default",
                obj(
                    "description", Value.of("A problem (RFC 9457)"),
                    "content",
                        obj(
                            "application/problem+json",
                            obj(
                                "schema",
                                obj("$ref", Value.of("#/components/schemas/Problem")))))));
    return op.build();
  }

  private static Dict problemSchema() {
    Dict string = obj("type", Value.of("string"));
    return obj(
        "type", Value.of("object"),
        "properties",
            obj(
                "type", string,
                "title", string,
                "status", obj("type", Value.of("integer")),
                "detail", string,
                "instance", string));
  }

  /** A JSON object of string keys and values, in order. */
  private static Dict obj(Object... kv) {
    Dict.Builder b = Dict.builder();
    for (int i = 0; i < kv.length; i += 2) {
      b.put(Value.of((String) kv[i]), (Value) kv[i + 1]);
    }
    return b.build();
  }
}
