package dev.agora.provider.http;

import dev.agora.core.doc.Document;
import dev.agora.core.doc.DocumentProblem;
import dev.agora.core.doc.Documents;
import dev.agora.core.json.Json;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.JsonSchemas;
import dev.agora.core.manifest.Manifests;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.core.manifest.Schema;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import dev.agora.rtfs.types.TypeExpr;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import io.swagger.v3.oas.models.servers.ServerVariable;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OpenAPI 3.0 or 3.1 document as HTTP capabilities, one per operation. The document is read by
 * swagger-parser (io.swagger.parser.v3), after Agora's own reader has checked that it is valid JSON
 * or YAML within Agora's limits and {@link OpenApiRefs} that its references stay local:
 *
 * <ul>
 *   <li>id {@code <prefix>.<operationId>} (characters other than letters, digits, {@code _} and
 *       {@code -} become {@code _}; an operation without operationId is named from method and
 *       path);
 *   <li>input: a map of the path, query and header parameters (an optional header is left out when
 *       its argument is), plus {@code body} for a JSON request body — the JSON Schema built from
 *       theirs ({@code $ref}s written out by {@link OpenApiSchemas}), converted to a TypeExpr;
 *       output: the JSON schema of the first 2xx response;
 *   <li>provider: the first usable server URL (its variables at their defaults; or the configured
 *       one) + the path as a URL template, query parameters by name, header parameters as header
 *       templates, auth from the operation's (or the document's) security scheme with the secret
 *       references configured for the source;
 *   <li>effects {@code network}, plus {@code writes} for anything but GET, HEAD and OPTIONS, which
 *       are marked idempotent.
 * </ul>
 */
final class OpenApi {

  private static final List<Map.Entry<String, Function<PathItem, Operation>>> METHODS =
      List.of(
          Map.entry("get", PathItem::getGet),
          Map.entry("put", PathItem::getPut),
          Map.entry("post", PathItem::getPost),
          Map.entry("delete", PathItem::getDelete),
          Map.entry("options", PathItem::getOptions),
          Map.entry("head", PathItem::getHead),
          Map.entry("patch", PathItem::getPatch));

  private static final Pattern VARIABLE = Pattern.compile("\\{([^{}]*)}");
  private static final int MAX_REF_CHAIN = 32;

  /** The secrets to use for each kind of security scheme (references, never values). */
  record Auth(String tokenEnv, String keyEnv, String user, String passwordEnv) {
    static final Auth NONE = new Auth(null, null, null, null);
  }

  /** Why one operation is not imported (its message says so to the user). */
  static final class Unusable extends RuntimeException {
    Unusable(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The capabilities, what kept others from being imported, and the other files the document's
   * references read (to watch for changes).
   */
  record Result(
      List<CapabilityManifest> manifests, List<DocumentProblem> problems, List<Path> parts) {
    Result(List<CapabilityManifest> manifests, List<DocumentProblem> problems) {
      this(manifests, problems, List.of());
    }
  }

  private final OpenAPI api;
  private final OpenApiSchemas schemas;
  private final String where;
  private final String prefix;
  private final Auth auth;
  private final List<DocumentProblem> problems = new ArrayList<>();

  private OpenApi(OpenAPI api, String where, String prefix, Auth auth) {
    this.api = api;
    this.schemas = new OpenApiSchemas(api);
    this.where = where;
    this.prefix = prefix;
    this.auth = auth;
  }

  /**
   * The capabilities of the document {@code text}. Text that is not JSON or YAML (or breaks Agora's
   * limits on them) is a {@link dev.agora.core.doc.DocumentException}; everything else that is
   * wrong is a problem in the result.
   *
   * @param file the file it was read from (its relative {@code $ref}s are read beside it), or null
   * @param url the URL it was read from (relative server URLs resolve against it), or null
   * @param server a base URL that replaces the document's servers (may be null)
   */
  static Result read(
      String text,
      Documents.Format format,
      Path file,
      URI url,
      String server,
      String prefix,
      Auth auth) {
    String where = file != null ? file.toString() : url != null ? url.toString() : "openapi";
    Document doc = Documents.parse(text, where, format);
    if (!(doc.root() instanceof Dict root)) {
      return failed(new DocumentProblem(where, 0, "", "an OpenAPI document is a map"));
    }
    String version = text(root.get(Json.key("openapi")));
    if (version == null || !version.startsWith("3.")) {
      return failed(
          new DocumentProblem(
              where,
              doc.line(List.of(Json.key("openapi"))),
              "openapi",
              "this is not an OpenAPI 3 document (openapi: "
                  + version
                  + "); Swagger 2 is not supported"));
    }
    int alias = format == Documents.Format.YAML ? YamlAliases.firstLine(text) : 0;
    if (alias > 0) {
      return failed(new DocumentProblem(where, alias, "", OpenApiRefs.ALIASES));
    }
    OpenApiRefs.Checked refs = OpenApiRefs.check(doc, file);
    if (!refs.problems().isEmpty()) {
      return new Result(List.of(), refs.problems(), refs.files());
    }
    OpenAPI api;
    try {
      api = OpenApiParser.parse(root, file, !refs.files().isEmpty());
    } catch (OpenApiParser.Failure e) {
      return failed(
          new DocumentProblem(
              where, 0, "", "the OpenAPI parser could not read this document: " + e.getMessage()));
    }
    Result r = new OpenApi(api, where, prefix, auth).run(url, server);
    return new Result(r.manifests(), r.problems(), refs.files());
  }

  private static Result failed(DocumentProblem problem) {
    return new Result(List.of(), List.of(problem));
  }

  private Result run(URI base, String server) {
    String url = server != null ? server : firstServer(base);
    if (url == null) {
      problem(
          "servers",
          "no server URL: the document has no usable servers entry; set `server:` in the source");
      return new Result(List.of(), problems);
    }
    url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    List<CapabilityManifest> out = new ArrayList<>();
    if (api.getPaths() == null || api.getPaths().isEmpty()) {
      problem("paths", "the document has no paths");
      return new Result(out, problems);
    }
    String version = api.getInfo() == null ? null : api.getInfo().getVersion();
    Set<String> ids = new HashSet<>();
    for (Map.Entry<String, PathItem> p : api.getPaths().entrySet()) {
      String path = p.getKey();
      PathItem item = p.getValue();
      if (item == null) {
        continue;
      }
      for (Map.Entry<String, Function<PathItem, Operation>> method : METHODS) {
        Operation op = method.getValue().apply(item);
        if (op == null) {
          continue;
        }
        String field = "paths." + path + "." + method.getKey();
        try {
          CapabilityManifest m = operation(url, path, method.getKey(), item, op, version);
          if (!ids.add(m.id())) {
            problem(field, "the id '" + m.id() + "' is taken by another operation; skipped");
          } else {
            out.add(m);
          }
        } catch (Unusable e) {
          problem(field, e.getMessage());
        } catch (RuntimeException | StackOverflowError e) { // the parser's model had a surprise
          problem(
              field,
              "cannot be imported: its part of the parser's model has an unexpected shape ("
                  + e.getClass().getSimpleName()
                  + ")");
        }
      }
    }
    return new Result(out, problems);
  }

  private CapabilityManifest operation(
      String server, String path, String method, PathItem item, Operation op, String docVersion) {
    String opId = op.getOperationId();
    String id = prefix + "." + clean(opId != null ? opId : method + path);
    String verb = method.toUpperCase(Locale.ROOT);
    Map<String, Value> properties = new LinkedHashMap<>();
    List<Value> required = new ArrayList<>();
    List<Value> query = new ArrayList<>();
    Dict.Builder headers = Dict.builder();
    for (Parameter param : parameters(item, op)) {
      String name = param.getName();
      String in = param.getIn();
      boolean req = Boolean.TRUE.equals(param.getRequired()) || "path".equals(in);
      if (name == null || in == null || "cookie".equals(in)) {
        continue;
      }
      Value schema = schemas.inline(param.getSchema());
      properties.put(name, schema == null ? Dict.EMPTY : schema);
      if (req) {
        required.add(Value.of(name));
      }
      switch (in) {
        case "query" -> query.add(Value.of(name));
        case "header" -> headers.put(Json.key(name), Value.of("{" + name + "}"));
        default -> {}
      }
    }
    boolean body = false;
    if (op.getRequestBody() != null) {
      RequestBody rb =
          component(
              op.getRequestBody(),
              RequestBody::get$ref,
              Components::getRequestBodies,
              "requestBodies");
      Value schema = jsonSchema(rb.getContent());
      boolean bodyRequired = Boolean.TRUE.equals(rb.getRequired());
      if (schema == null && bodyRequired) {
        throw new Unusable(
            "its request body is not JSON (only application/json and */*+json are "
                + "supported); skipped");
      }
      if (schema != null) {
        body = true;
        properties.put("body", schema);
        if (bodyRequired) {
          required.add(Value.of("body"));
        }
      }
    }
    Dict.Builder input =
        Dict.builder()
            .put(Json.key("type"), Value.of("object"))
            .put(Json.key("properties"), Dict.of(keyed(properties)));
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
    String summary = op.getSummary() != null ? op.getSummary() : op.getDescription();
    CapabilityManifest.Builder b =
        CapabilityManifest.builder(id)
            .name(opId != null ? opId : verb + " " + path)
            .description(
                (summary == null ? "" : summary + " ") + "(OpenAPI " + verb + " " + path + ")")
            .provider(new ProviderSpec.Http(server + path, verb, options.build()))
            .input(required.isEmpty() ? optional(schema(input.build())) : schema(input.build()))
            .output(output(op));
    if (docVersion != null && Manifests.versionProblem(docVersion) == null) {
      b.version(docVersion);
    }
    b.effects(safe ? new String[] {"network"} : new String[] {"network", "writes"});
    return b.build();
  }

  /**
   * The path item's parameters, then the operation's (which replace those of the same name and
   * place).
   */
  private List<Parameter> parameters(PathItem item, Operation op) {
    Map<String, Parameter> all = new LinkedHashMap<>();
    for (List<Parameter> list :
        List.of(nonNull(item.getParameters()), nonNull(op.getParameters()))) {
      for (Parameter p : list) {
        Parameter param = component(p, Parameter::get$ref, Components::getParameters, "parameters");
        all.put(param.getIn() + " " + param.getName(), param);
      }
    }
    return List.copyOf(all.values());
  }

  private Schema output(Operation op) {
    if (op.getResponses() != null) {
      for (Map.Entry<String, ApiResponse> r : op.getResponses().entrySet()) {
        if (r.getKey().startsWith("2") && r.getValue() != null) {
          ApiResponse response =
              component(r.getValue(), ApiResponse::get$ref, Components::getResponses, "responses");
          Value schema = jsonSchema(response.getContent());
          return schema == null ? Schema.of(Manifests.type(":any")) : schema(schema);
        }
      }
    }
    return Schema.of(Manifests.type(":any"));
  }

  /**
   * The {@code auth} provider section for the first of the operation's (or the document's) security
   * requirements that the source's secrets can meet; null when one of them asks for nothing.
   */
  private Dict auth(Operation op) {
    List<SecurityRequirement> security =
        op.getSecurity() != null ? op.getSecurity() : api.getSecurity();
    Map<String, SecurityScheme> schemes =
        api.getComponents() == null || api.getComponents().getSecuritySchemes() == null
            ? Map.of()
            : api.getComponents().getSecuritySchemes();
    Set<String> wanted = new LinkedHashSet<>();
    for (SecurityRequirement requirement : nonNull(security)) {
      if (requirement.isEmpty()) {
        return null; // anonymous access is one of the alternatives
      }
      for (String schemeName : requirement.keySet()) {
        wanted.add(schemeName);
        SecurityScheme scheme = schemes.get(schemeName);
        Dict section =
            scheme == null
                ? null
                : section(
                    component(
                        scheme,
                        SecurityScheme::get$ref,
                        Components::getSecuritySchemes,
                        "securitySchemes"));
        if (section != null) {
          return section;
        }
      }
    }
    if (!wanted.isEmpty()) {
      throw new Unusable(
          "needs security "
              + List.copyOf(wanted)
              + ", and the source configures no matching secret (auth: {token_env | key_env | "
              + "user + password_env})");
    }
    return null;
  }

  /** The auth section for one scheme with the source's secrets, or null when they do not fit it. */
  private Dict section(SecurityScheme scheme) {
    SecurityScheme.Type type = scheme.getType();
    String httpScheme = scheme.getScheme();
    if (type == SecurityScheme.Type.HTTP
        && "bearer".equalsIgnoreCase(httpScheme)
        && auth.tokenEnv() != null) {
      return Dict.builder()
          .put("type", Value.of("bearer"))
          .put("token_env", Value.of(auth.tokenEnv()))
          .build();
    }
    if (type == SecurityScheme.Type.HTTP
        && "basic".equalsIgnoreCase(httpScheme)
        && auth.user() != null
        && auth.passwordEnv() != null) {
      return Dict.builder()
          .put("type", Value.of("basic"))
          .put("user", Value.of(auth.user()))
          .put("password_env", Value.of(auth.passwordEnv()))
          .build();
    }
    if (type == SecurityScheme.Type.APIKEY
        && auth.keyEnv() != null
        && scheme.getName() != null
        && (scheme.getIn() == SecurityScheme.In.HEADER
            || scheme.getIn() == SecurityScheme.In.QUERY)) {
      return Dict.builder()
          .put("type", Value.of("api_key"))
          .put(
              scheme.getIn() == SecurityScheme.In.HEADER ? "header" : "query",
              Value.of(scheme.getName()))
          .put("key_env", Value.of(auth.keyEnv()))
          .build();
    }
    return null;
  }

  // ---- Schemas ----

  /** The schema of the first JSON media type of {@code content}, or null when there is none. */
  private Value jsonSchema(Content content) {
    if (content == null) {
      return null;
    }
    for (Map.Entry<String, MediaType> e : content.entrySet()) {
      String type = e.getKey();
      if (type.startsWith("application/json") || type.endsWith("+json")) {
        Value schema = e.getValue() == null ? null : schemas.inline(e.getValue().getSchema());
        return schema == null ? Dict.EMPTY : schema;
      }
    }
    return null;
  }

  /** An input with nothing required may also be nil: {@code (call :x.list)}. */
  private static Schema optional(Schema s) {
    return new Schema(
        Manifests.type("[:union :nil " + s.type().show() + "]"), s.originalJsonSchema());
  }

  private static Schema schema(Value json) {
    TypeExpr t;
    try {
      t = JsonSchemas.toType(json);
    } catch (RuntimeException e) {
      t = Manifests.type(":any");
    }
    return new Schema(t, json);
  }

  // ---- Helpers ----

  /**
   * {@code item}, or what its {@code $ref} names in the document's components (the parser resolves
   * most of them; OpenAPI 3.1 documents keep theirs).
   */
  private <T> T component(
      T item, Function<T, String> ref, Function<Components, Map<String, T>> kind, String kindName) {
    T at = item;
    for (int i = 0; ref.apply(at) != null; i++) {
      String r = ref.apply(at);
      String prefix = "#/components/" + kindName + "/";
      Map<String, T> all = api.getComponents() == null ? null : kind.apply(api.getComponents());
      T next =
          r.startsWith(prefix) && all != null
              ? all.get(r.substring(prefix.length()).replace("~1", "/").replace("~0", "~"))
              : null;
      if (next == null) {
        throw new Unusable("$ref " + r + " points nowhere");
      }
      if (i == MAX_REF_CHAIN) {
        throw new Unusable("$ref chain too deep at " + r);
      }
      at = next;
    }
    return at;
  }

  /** The first server's URL with its variables at their defaults, if it is usable. */
  private String firstServer(URI base) {
    for (Server s : nonNull(api.getServers())) {
      String u = s.getUrl() == null ? null : expand(s);
      if (u == null) {
        continue;
      }
      URI uri;
      try {
        uri = URI.create(u);
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (uri.isAbsolute()) {
        if (isHttp(uri)) {
          return u;
        }
      } else if (base != null && isHttp(base)) {
        return base.resolve(uri).toString();
      }
    }
    return null;
  }

  private static boolean isHttp(URI uri) {
    return "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
  }

  /** The server URL with each {@code {variable}} at its default, or null when one has none. */
  private static String expand(Server s) {
    Matcher m = VARIABLE.matcher(s.getUrl());
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      ServerVariable v = s.getVariables() == null ? null : s.getVariables().get(m.group(1));
      if (v == null || v.getDefault() == null) {
        return null;
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(v.getDefault()));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  static String clean(String name) {
    StringBuilder sb = new StringBuilder();
    for (char c : name.toCharArray()) {
      sb.append(c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '-') ? c : '_');
    }
    String s = sb.toString().replaceAll("_+", "_").replaceAll("^_|_$", "");
    return s.isEmpty() ? "_" : s;
  }

  private void problem(String field, String message) {
    problems.add(new DocumentProblem(where, 0, field, message));
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }

  private static Map<Value, Value> keyed(Map<String, Value> m) {
    Map<Value, Value> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(Json.key(k), v));
    return out;
  }

  private static String text(Value v) {
    return switch (v) {
      case Value.Str s -> s.value();
      case Value.Int i -> Long.toString(i.value());
      case Value.Real r -> Double.toString(r.value());
      case null, default -> null;
    };
  }
}
