package dev.agora.provider.http;

import dev.agora.core.json.Json;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP capability's provider section, read once per manifest:
 *
 * <pre>
 * provider:
 *   type: http
 *   method: GET                                   # default GET
 *   url: "https://api.example.com/v1/cities/{city}/weather?units={units}"
 *   headers: {Accept-Language: "{lang}"}          # {arg} templates here too
 *   query: [units, page]                          # arguments always sent as query parameters (left out when absent)
 *   body: payload                                 # the argument sent as the JSON body (default: the arguments
 *                                                 #   no template used, for POST, PUT and PATCH)
 *   auth: {type: bearer, token_env: WEATHER_TOKEN}          # or token_file; api_key: {header|query: NAME,
 *                                                           #   key_env|key_file}; basic: {user, password_env|password_file}
 *   response: {max_bytes: 1048576, as: json}      # json (default: by Content-Type) | text
 *   idempotent: true                              # may be retried after a transient failure (read by the call
 *                                                 #   path's resilience stage, like the flag of any provider)
 * </pre>
 *
 * Arguments a template does not use go to the query string (GET, HEAD, DELETE, OPTIONS) or into the
 * JSON body (POST, PUT, PATCH). Secrets are named, never written: they are read from the
 * environment or a file when a call is made.
 */
record HttpEndpoint(
    String method,
    String url,
    Map<String, String> headers,
    List<String> query,
    String bodyArgument,
    Auth auth,
    long maxBytes,
    String responseAs,
    Set<String> templateArguments) {

  static final long DEFAULT_MAX_BYTES = 10L << 20;
  private static final Pattern TEMPLATE = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_.-]*)}");
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
  private static final Set<String> KEYS =
      Set.of("type", "url", "method", "headers", "query", "body", "auth", "response", "idempotent");

  /** How requests authenticate; each secret is a reference resolved at call time. */
  sealed interface Auth {
    record None() implements Auth {}

    record Bearer(Secret token) implements Auth {}

    record ApiKey(String header, String query, Secret key) implements Auth {}

    record Basic(String user, Secret password) implements Auth {}
  }

  /** A secret's reference: an environment variable or a file. Its value never leaves a request. */
  record Secret(String env, Path file) {
    /** How redaction marks name it: the environment variable, or the file's name. */
    String name() {
      return env != null ? env : file.getFileName().toString();
    }

    String resolve(UnaryOperator<String> environment) {
      if (env != null) {
        String v = environment.apply(env);
        if (v == null || v.isEmpty()) {
          throw new Invalid(
              "the environment variable " + env + " (a secret of this capability) is not set");
        }
        return v;
      }
      try {
        return Files.readString(file, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new Invalid(
            "cannot read the secret file " + file + ": " + e.getClass().getSimpleName());
      }
    }
  }

  /** The provider section is not usable; the message says which field and why. */
  static final class Invalid extends RuntimeException {
    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  /** Reads and checks a manifest's section. */
  static HttpEndpoint of(ProviderSpec.Http spec) {
    Dict o = spec.options();
    for (Value k : o.asMap().keySet()) {
      String name = Json.keyName(k);
      if (!KEYS.contains(name)) {
        throw new Invalid(
            "unknown key '" + name + "' in the http provider section; known keys are " + KEYS);
      }
    }
    String method = spec.method() == null ? "GET" : spec.method().toUpperCase(Locale.ROOT);
    if (!METHODS.contains(method)) {
      throw new Invalid("'" + spec.method() + "' is not an HTTP method");
    }
    String url = spec.url();
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      throw new Invalid("url '" + url + "' must start with http:// or https://");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    if (o.get("headers") instanceof Dict h) {
      for (Map.Entry<Value, Value> e : h.asMap().entrySet()) {
        headers.put(Json.keyName(e.getKey()), text(e.getValue(), "headers"));
      }
    } else if (o.get("headers") != null) {
      throw new Invalid("headers must be a map of header names to values");
    }
    String body = o.get("body") == null ? null : text(o.get("body"), "body");
    List<String> query = new ArrayList<>();
    if (o.get("query") instanceof Seq q) {
      for (Value v : q.items()) {
        query.add(text(v, "query"));
      }
    } else if (o.get("query") != null) {
      throw new Invalid("query must be a list of argument names");
    }
    Auth auth = auth(o.get("auth"));
    long max = DEFAULT_MAX_BYTES;
    String as = null;
    if (o.get("response") instanceof Dict r) {
      if (r.get("max_bytes") instanceof Value.Int i && i.value() > 0) {
        max = i.value();
      } else if (r.get("max_bytes") != null) {
        throw new Invalid("response.max_bytes must be a positive integer");
      }
      if (r.get("as") != null) {
        as = text(r.get("as"), "response.as");
        if (!as.equals("json") && !as.equals("text")) {
          throw new Invalid("response.as must be json or text");
        }
      }
    }
    LinkedHashSet<String> used = new LinkedHashSet<>();
    for (String t : concat(url, headers.values())) {
      Matcher m = TEMPLATE.matcher(t);
      while (m.find()) {
        used.add(m.group(1));
      }
    }
    return new HttpEndpoint(
        method,
        url,
        Map.copyOf(headers),
        List.copyOf(query),
        body,
        auth,
        max,
        as,
        Set.copyOf(used));
  }

  boolean sendsBody() {
    return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
  }

  /**
   * {@code template} with each {@code {arg}} replaced by the argument, percent-encoded when {@code
   * encode}.
   */
  static String expand(String template, Dict args, boolean encode) {
    Matcher m = TEMPLATE.matcher(template);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      Value v = args == null ? null : args.get(m.group(1));
      if (v == null || v == Value.NIL) {
        throw new Invalid(
            "the argument '"
                + m.group(1)
                + "' that the template '"
                + template
                + "' needs is missing");
      }
      String s = scalar(v, m.group(1));
      m.appendReplacement(sb, Matcher.quoteReplacement(encode ? encode(s) : s));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /**
   * A header's value: {@code template} expanded, or null — the header left out — when the template
   * is a single {@code {arg}} whose argument is absent or nil (an optional header parameter).
   */
  static String header(String template, Dict args) {
    Matcher m = TEMPLATE.matcher(template);
    if (m.matches()) {
      Value v = args == null ? null : args.get(m.group(1));
      if (v == null || v == Value.NIL) {
        return null;
      }
    }
    return expand(template, args, false);
  }

  /** A scalar argument as text for a URL or header. */
  static String scalar(Value v, String name) {
    return switch (v) {
      case Value.Str s -> s.value();
      case Value.Keyword k -> k.name();
      case Value.Int i -> Long.toString(i.value());
      case Value.Real r -> Double.toString(r.value());
      case Value.Bool b -> Boolean.toString(b.value());
      default ->
          throw new Invalid(
              "the argument '"
                  + name
                  + "' must be a string, number, keyword or boolean to go "
                  + "into a URL or header");
    };
  }

  /** RFC 3986 percent-encoding of everything but the unreserved characters. */
  static String encode(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        sb.append((char) c);
      } else {
        sb.append('%')
            .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return sb.toString();
  }

  private static Auth auth(Value v) {
    if (v == null || v == Value.NIL) {
      return new Auth.None();
    }
    if (!(v instanceof Dict a)) {
      throw new Invalid("auth must be a map such as {type: bearer, token_env: NAME}");
    }
    String type = a.get("type") == null ? "" : text(a.get("type"), "auth.type");
    if (a.get("token") != null || a.get("key") != null || a.get("password") != null) {
      throw new Invalid(
          "secrets do not belong in manifests; name an environment variable (token_env, key_env, "
              + "password_env) or a file (token_file, key_file, password_file)");
    }
    return switch (type) {
      case "bearer" -> new Auth.Bearer(secret(a, "token"));
      case "api_key" -> {
        String header = a.get("header") == null ? null : text(a.get("header"), "auth.header");
        String query = a.get("query") == null ? null : text(a.get("query"), "auth.query");
        if ((header == null) == (query == null)) {
          throw new Invalid(
              "an api_key auth names either the header or the query parameter that carries the key");
        }
        yield new Auth.ApiKey(header, query, secret(a, "key"));
      }
      case "basic" -> {
        if (a.get("user") == null) {
          throw new Invalid("a basic auth needs user");
        }
        yield new Auth.Basic(text(a.get("user"), "auth.user"), secret(a, "password"));
      }
      default -> throw new Invalid("auth.type must be bearer, api_key or basic");
    };
  }

  private static Secret secret(Dict a, String what) {
    Value env = a.get(what + "_env");
    Value file = a.get(what + "_file");
    if ((env == null) == (file == null)) {
      throw new Invalid(
          "auth needs exactly one of "
              + what
              + "_env (an environment variable) and "
              + what
              + "_file (a file holding the secret)");
    }
    return env != null
        ? new Secret(text(env, "auth." + what + "_env"), null)
        : new Secret(null, Path.of(text(file, "auth." + what + "_file")));
  }

  private static String text(Value v, String field) {
    return switch (v) {
      case Value.Str s -> s.value();
      case Value.Keyword k -> k.name();
      case Value.Int i -> Long.toString(i.value());
      default -> throw new Invalid(field + " must be text");
    };
  }

  private static List<String> concat(String first, Collection<String> rest) {
    List<String> all = new ArrayList<>(rest);
    all.add(first);
    return all;
  }

  /** A vector argument's items, for repeated query parameters. */
  static List<Value> items(Value v) {
    return v instanceof Vec vec ? vec.items() : List.of(v);
  }
}
