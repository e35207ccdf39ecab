package dev.agora.provider.http;

import dev.agora.core.doc.DocumentProblem;
import dev.agora.core.json.Json;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.JsonSchemas;
import dev.agora.core.manifest.Manifests;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.core.manifest.Schema;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import dev.agora.rtfs.types.TypeExpr;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An OpenAPI 3 document as HTTP capabilities, one per operation:
 *
 * <ul>
 *   <li>id {@code <prefix>.<operationId>} (characters other than letters, digits, {@code _} and
 *       {@code -} become {@code _}; an operation without operationId is named from method and
 *       path);
 *   <li>input: a map of the path, query and required header parameters, plus {@code body} for a
 *       JSON request body — the JSON Schema built from theirs (local {@code $ref}s resolved),
 *       converted to a TypeExpr; output: the JSON schema of the first 2xx response;
 *   <li>provider: the first server URL (or the configured one) + the path as a URL template, query
 *       parameters by name, auth from the operation's (or the document's) security scheme with the
 *       secret references configured for the source;
 *   <li>effects {@code network}, plus {@code writes} for anything but GET, HEAD and OPTIONS, which
 *       are marked idempotent.
 * </ul>
 */
final class OpenApi {

  private static final List<String> METHODS =
      List.of("get", "put", "post", "delete", "options", "head", "patch");
  private static final int MAX_REF_DEPTH = 32;

  /** The secrets to use for each kind of security scheme (references, never values). */
  record Auth(String tokenEnv, String keyEnv, String user, String passwordEnv) {
    static final Auth NONE = new Auth(null, null, null, null);
  }

  record Result(List<CapabilityManifest> manifests, List<DocumentProblem> problems) {}

  private final Dict doc;
  private final String file;
  private final String prefix;
  private final Auth auth;
  private final List<DocumentProblem> problems = new ArrayList<>();

  private OpenApi(Dict doc, String file, String prefix, Auth auth) {
    this.doc = doc;
    this.file = file;
    this.prefix = prefix;
    this.auth = auth;
  }

  /**
   * The capabilities of {@code root}.
   *
   * @param base where the document came from, for relative server URLs (may be null)
   * @param server a base URL that replaces the document's servers (may be null)
   */
  static Result convert(
      Value root, String file, URI base, String server, String prefix, Auth auth) {
    if (!(root instanceof Dict d)) {
      return new Result(
          List.of(), List.of(new DocumentProblem(file, 0, "", "an OpenAPI document is a map")));
    }
    return new OpenApi(d, file, prefix, auth).run(base, server);
  }

  private Result run(URI base, String server) {
    String version = text(get(doc, "openapi"));
    if (version == null || !version.startsWith("3.")) {
      problem(
          "openapi",
          "this is not an OpenAPI 3 document (openapi: "
              + version
              + "); Swagger 2 is not supported");
      return new Result(List.of(), problems);
    }
    String url = server != null ? server : firstServer(base);
    if (url == null) {
      problem(
          "servers",
          "no server URL: the document has no usable servers entry; set `server:` in the source");
      return new Result(List.of(), problems);
    }
    url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    List<CapabilityManifest> out = new ArrayList<>();
    Set<String> ids = new LinkedHashSet<>();
    if (!(get(doc, "paths") instanceof Dict paths)) {
      problem("paths", "the document has no paths");
      return new Result(out, problems);
    }
    String version3 = text(get((Dict) orEmpty(get(doc, "info")), "version"));
    for (Map.Entry<Value, Value> p : paths.asMap().entrySet()) {
      String path = text(p.getKey());
      if (!(p.getValue() instanceof Dict item)) {
        continue;
      }
      for (String method : METHODS) {
        if (get(item, method) instanceof Dict op) {
          try {
            CapabilityManifest m = operation(url, path, method, item, op, version3);
            if (!ids.add(m.id())) {
              problem(
                  "paths." + path + "." + method,
                  "the id '" + m.id() + "' is taken by another operation; skipped");
            } else {
              out.add(m);
            }
          } catch (RuntimeException e) {
            problem("paths." + path + "." + method, e.getMessage());
          }
        }
      }
    }
    return new Result(out, problems);
  }

  private CapabilityManifest operation(
      String server, String path, String method, Dict item, Dict op, String docVersion) {
    String opId = text(get(op, "operationId"));
    String name = opId != null ? opId : method + path;
    String id = prefix + "." + clean(name);
    Map<String, Value> properties = new LinkedHashMap<>();
    List<Value> required = new ArrayList<>();
    List<Value> query = new ArrayList<>();
    Dict.Builder headers = Dict.builder();
    List<Value> params = new ArrayList<>();
    params.addAll(items(get(item, "parameters")));
    params.addAll(items(get(op, "parameters")));
    for (Value pv : params) {
      Dict param = (Dict) resolve(pv, 0);
      String pname = text(get(param, "name"));
      String in = text(get(param, "in"));
      boolean req = Boolean.TRUE.equals(bool(get(param, "required"))) || "path".equals(in);
      if (pname == null || in == null || "cookie".equals(in) || ("header".equals(in) && !req)) {
        continue;
      }
      Value schema = get(param, "schema") == null ? Dict.EMPTY : inline(get(param, "schema"), 0);
      properties.put(pname, schema);
      if (req) {
        required.add(Value.of(pname));
      }
      switch (in) {
        case "query" -> query.add(Value.of(pname));
        case "header" -> headers.put(Json.key(pname), Value.of("{" + pname + "}"));
        default -> {}
      }
    }
    boolean body = false;
    if (get(op, "requestBody") != null) {
      Dict rb = (Dict) resolve(get(op, "requestBody"), 0);
      Value schema = jsonSchema(get(rb, "content"));
      if (schema == null && Boolean.TRUE.equals(bool(get(rb, "required")))) {
        throw new IllegalStateException(
            "its request body is not JSON (only application/json and */*+json are "
                + "supported); skipped");
      }
      if (schema != null) {
        body = true;
        properties.put("body", schema);
        if (Boolean.TRUE.equals(bool(get(rb, "required")))) {
          required.add(Value.of("body"));
        }
      }
    }
    Dict.Builder input =
        Dict.builder()
            .put(Json.key("type"), Value.of("object"))
            .put(Json.key("properties"), Dict.of(toValueMap(properties)));
    if (!required.isEmpty()) {
      input.put(Json.key("required"), Vec.of(required));
    }
    boolean safe = method.equals("get") || method.equals("head") || method.equals("options");
    Dict.Builder options = Dict.builder().put("idempotent", Value.of(safe));
    if (!query.isEmpty()) {
      options.put("query", Vec.of(query));
    }
    if (body) {
      options.put("body", Value.of("body"));
    }
    Dict h = headers.build();
    if (!h.isEmpty()) {
      options.put("headers", h);
    }
    Dict authSection = auth(op);
    if (authSection != null) {
      options.put("auth", authSection);
    }
    String summary = firstText(get(op, "summary"), get(op, "description"));
    CapabilityManifest.Builder b =
        CapabilityManifest.builder(id)
            .name(opId != null ? opId : method.toUpperCase(Locale.ROOT) + " " + path)
            .description(
                (summary == null ? "" : summary + " ")
                    + "(OpenAPI "
                    + method.toUpperCase(Locale.ROOT)
                    + " "
                    + path
                    + ")")
            .provider(
                new ProviderSpec.Http(
                    server + path, method.toUpperCase(Locale.ROOT), options.build()))
            .input(required.isEmpty() ? optional(schema(input.build())) : schema(input.build()))
            .output(output(op));
    if (docVersion != null && Manifests.versionProblem(docVersion) == null) {
      b.version(docVersion);
    }
    b.effects(safe ? new String[] {"network"} : new String[] {"network", "writes"});
    return b.build();
  }

  private Schema output(Dict op) {
    if (get(op, "responses") instanceof Dict responses) {
      for (Map.Entry<Value, Value> r : responses.asMap().entrySet()) {
        String code = text(r.getKey());
        if (code != null && (code.startsWith("2"))) {
          Value schema = jsonSchema(get((Dict) resolve(r.getValue(), 0), "content"));
          return schema == null ? Schema.of(Manifests.type(":any")) : schema(schema);
        }
      }
    }
    return Schema.of(Manifests.type(":any"));
  }

  /** The {@code auth} provider section for the operation's security requirement, or null. */
  private Dict auth(Dict op) {
    Value security = get(op, "security") != null ? get(op, "security") : get(doc, "security");
    Dict schemes =
        get(doc, "components") instanceof Dict c && get(c, "securitySchemes") instanceof Dict s
            ? s
            : Dict.EMPTY;
    for (Value requirement : items(security)) {
      if (!(requirement instanceof Dict req)) {
        continue;
      }
      for (Value schemeName : req.asMap().keySet()) {
        if (!(get(schemes, text(schemeName)) instanceof Dict scheme)) {
          continue;
        }
        String type = text(get(scheme, "type"));
        String httpScheme = text(get(scheme, "scheme"));
        if ("http".equals(type)
            && "bearer".equalsIgnoreCase(httpScheme)
            && auth.tokenEnv() != null) {
          return Dict.builder()
              .put("type", Value.of("bearer"))
              .put("token_env", Value.of(auth.tokenEnv()))
              .build();
        }
        if ("http".equals(type)
            && "basic".equalsIgnoreCase(httpScheme)
            && auth.user() != null
            && auth.passwordEnv() != null) {
          return Dict.builder()
              .put("type", Value.of("basic"))
              .put("user", Value.of(auth.user()))
              .put("password_env", Value.of(auth.passwordEnv()))
              .build();
        }
        if ("apiKey".equals(type) && auth.keyEnv() != null) {
          String where = text(get(scheme, "in"));
          if ("header".equals(where) || "query".equals(where)) {
            return Dict.builder()
                .put("type", Value.of("api_key"))
                .put(where, Value.of(text(get(scheme, "name"))))
                .put("key_env", Value.of(auth.keyEnv()))
                .build();
          }
        }
      }
      if (!req.isEmpty()) {
        throw new IllegalStateException(
            "needs security "
                + req.asMap().keySet().stream().map(OpenApi::text).toList()
                + ", and the source configures no matching secret (auth: {token_env | key_env | user + password_env})");
      }
    }
    return null;
  }

  // ---- Schemas ----

  private Value jsonSchema(Value content) {
    if (!(content instanceof Dict c)) {
      return null;
    }
    for (Map.Entry<Value, Value> e : c.asMap().entrySet()) {
      String type = text(e.getKey());
      if (type != null
          && (type.startsWith("application/json") || type.endsWith("+json"))
          && e.getValue() instanceof Dict media) {
        return get(media, "schema") == null ? Dict.EMPTY : inline(get(media, "schema"), 0);
      }
    }
    return null;
  }

  /**
   * A schema with its local {@code $ref}s replaced by what they point to (a cycle becomes "any").
   */
  private Value inline(Value schema, int depth) {
    if (depth > MAX_REF_DEPTH) {
      return Dict.EMPTY;
    }
    if (schema instanceof Dict d) {
      if (get(d, "$ref") != null) {
        return inline(resolve(d, depth), depth + 1);
      }
      Dict.Builder b = Dict.builder();
      for (Map.Entry<Value, Value> e : d.asMap().entrySet()) {
        b.put(e.getKey(), inline(e.getValue(), depth + 1));
      }
      return b.build();
    }
    if (schema instanceof Seq s) {
      List<Value> items = new ArrayList<>();
      for (Value v : s.items()) {
        items.add(inline(v, depth + 1));
      }
      return Vec.of(items);
    }
    return schema;
  }

  /** Follows a local reference ({@code #/components/...}); anything else is returned as is. */
  private Value resolve(Value v, int depth) {
    if (!(v instanceof Dict d) || !(get(d, "$ref") instanceof Value.Str ref)) {
      return v;
    }
    if (depth > MAX_REF_DEPTH) {
      throw new IllegalStateException("$ref chain too deep at " + ref.value());
    }
    if (!ref.value().startsWith("#/")) {
      throw new IllegalStateException(
          "only local references (#/...) are supported, found " + ref.value());
    }
    Value at = doc;
    for (String part : ref.value().substring(2).split("/")) {
      String key = part.replace("~1", "/").replace("~0", "~");
      Value next = at instanceof Dict m ? get(m, key) : null;
      if (next == null) {
        throw new IllegalStateException("$ref " + ref.value() + " points nowhere");
      }
      at = next;
    }
    return resolve(at, depth + 1);
  }

  /** An input with nothing required may also be nil: {@code (call :x.list)}. */
  private static Schema optional(Schema s) {
    return new Schema(
        Manifests.type("[:union :nil " + s.type().show() + "]"), s.originalJsonSchema());
  }

  private Schema schema(Value json) {
    TypeExpr t;
    try {
      t = JsonSchemas.toType(json);
    } catch (RuntimeException e) {
      t = Manifests.type(":any");
    }
    return new Schema(t, json);
  }

  // ---- Helpers ----

  private String firstServer(URI base) {
    for (Value s : items(get(doc, "servers"))) {
      String u = s instanceof Dict d ? text(get(d, "url")) : null;
      if (u != null && !u.contains("{")) {
        URI uri = URI.create(u);
        if (uri.isAbsolute()) {
          return u;
        }
        if (base != null && base.isAbsolute() && base.getScheme().startsWith("http")) {
          return base.resolve(u).toString();
        }
      }
    }
    return null;
  }

  static String clean(String name) {
    StringBuilder sb = new StringBuilder();
    for (char c : name.toCharArray()) {
      sb.append(c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '-') ? c : '_');
    }
    String s = sb.toString().replaceAll("_+", "_").replaceAll("^_|_$", "");
    return s.isEmpty() ? "_" : s;
  }

  private void problem(String where, String message) {
    problems.add(new DocumentProblem(file, 0, where, message));
  }

  private static List<Value> items(Value v) {
    return v instanceof Seq s ? s.items() : List.of();
  }

  private static Value orEmpty(Value v) {
    return v instanceof Dict ? v : Dict.EMPTY;
  }

  /** A key as written in the document: a keyword where the name can be one, else a string. */
  private static Value get(Dict d, String key) {
    Value v = d.get(Json.key(key));
    return v != null ? v : d.get(Value.of(key));
  }

  private static Map<Value, Value> toValueMap(Map<String, Value> m) {
    Map<Value, Value> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(Json.key(k), v));
    return out;
  }

  static String text(Value v) {
    return switch (v) {
      case null -> null;
      case Value.Str s -> s.value();
      case Value.Keyword k -> k.name();
      case Value.Int i -> Long.toString(i.value());
      case Value.Real r -> Double.toString(r.value());
      default -> null;
    };
  }

  private static String firstText(Value a, Value b) {
    String t = text(a);
    return t != null ? t : text(b);
  }

  private static Boolean bool(Value v) {
    return v instanceof Value.Bool b ? b.value() : null;
  }
}
