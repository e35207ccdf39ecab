package dev.agora.provider.http;

import dev.agora.core.json.Json;
import dev.agora.core.telemetry.Telemetry;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

/** Builds the request for one call, and the next one when a response redirects. */
final class Requests {

  private Requests() {}

  /**
   * The request for {@code input}: the URL template filled in, the other arguments as query
   * parameters or the JSON body, headers, auth. The secrets it carries are told to {@code secrets}
   * (name, value), so that nothing that comes back can show them.
   */
  static HttpRequest build(
      HttpEndpoint e, Value input, UnaryOperator<String> env, BiConsumer<String, String> secrets) {
    Dict args = input instanceof Dict d ? d : null;
    StringBuilder url = new StringBuilder(HttpEndpoint.expand(e.url(), args, true));
    Dict rest = args == null ? null : unused(args, e);
    for (String name : e.query()) {
      Value v = args == null ? null : args.get(name);
      if (v != null) {
        for (Value item : HttpEndpoint.items(v)) {
          if (item != Value.NIL) {
            query(url, name, HttpEndpoint.scalar(item, name));
          }
        }
      }
    }
    if (!e.sendsBody() && rest != null) {
      for (Map.Entry<Value, Value> kv : rest.asMap().entrySet()) {
        String name = Json.keyName(kv.getKey());
        for (Value v : HttpEndpoint.items(kv.getValue())) {
          if (v != Value.NIL) {
            query(url, name, HttpEndpoint.scalar(v, name));
          }
        }
      }
    }
    HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();
    boolean json = false;
    if (e.sendsBody()) {
      Value payload =
          e.bodyArgument() != null
              ? (args == null ? Value.NIL : orNil(args.get(e.bodyArgument())))
              : args != null ? rest : input;
      body = HttpRequest.BodyPublishers.ofString(Json.write(payload), StandardCharsets.UTF_8);
      json = true;
    }
    HttpRequest.Builder b =
        HttpRequest.newBuilder().header("Accept", "application/json, text/*;q=0.9, */*;q=0.1");
    if (json) {
      b.header("Content-Type", "application/json");
    }
    Telemetry.propagate(b::header); // the traced call's traceparent, when tracing is on
    for (Map.Entry<String, String> h : e.headers().entrySet()) {
      String value = HttpEndpoint.header(h.getValue(), args);
      if (value != null) {
        b.setHeader(h.getKey(), value);
      }
    }
    switch (e.auth()) {
      case HttpEndpoint.Auth.None n -> {}
      case HttpEndpoint.Auth.Bearer t ->
          b.setHeader("Authorization", "Bearer " + remember(t.token(), env, secrets));
      case HttpEndpoint.Auth.ApiKey k -> {
        String key = remember(k.key(), env, secrets);
        if (k.header() != null) {
          b.setHeader(k.header(), key);
        } else {
          query(url, k.query(), key);
        }
      }
      case HttpEndpoint.Auth.Basic basic -> {
        String token =
            Base64.getEncoder()
                .encodeToString(
                    (basic.user() + ":" + remember(basic.password(), env, secrets))
                        .getBytes(StandardCharsets.UTF_8));
        secrets.accept(basic.password().name(), token); // user:password as sent
        b.setHeader("Authorization", "Basic " + token);
      }
    }
    return b.uri(URI.create(url.toString())).method(e.method(), body).build();
  }

  /**
   * The request a redirect asks for: 303 (and 301/302 after anything but GET/HEAD) becomes a GET
   * without body. To another origin, no header that carries a credential goes along —
   * Authorization, and the header of an {@code api_key} auth (issue 11: only Authorization was
   * dropped, so a key in its own header reached whatever host the upstream named).
   */
  static HttpRequest redirect(
      HttpRequest previous, URI target, int status, HttpEndpoint.Auth auth) {
    boolean toGet =
        status == 303
            || ((status == 301 || status == 302)
                && !previous.method().equals("GET")
                && !previous.method().equals("HEAD"));
    boolean crossOrigin = crossOrigin(previous.uri(), target);
    String keyHeader = auth instanceof HttpEndpoint.Auth.ApiKey k ? k.header() : null;
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                previous,
                (name, value) ->
                    !(toGet && name.equalsIgnoreCase("Content-Type"))
                        && !(crossOrigin
                            && (name.equalsIgnoreCase("Authorization")
                                || name.equalsIgnoreCase(keyHeader))))
            .uri(target);
    if (toGet) {
      b.GET();
    }
    return b.build();
  }

  /** Credentials are not carried to another origin (as browsers and curl do). */
  private static boolean crossOrigin(URI a, URI b) {
    return !(a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost().equalsIgnoreCase(b.getHost())
        && a.getPort() == b.getPort());
  }

  private static Dict unused(Dict args, HttpEndpoint e) {
    Dict out = args;
    for (Value k : args.asMap().keySet()) {
      String name = Json.keyName(k);
      if (e.templateArguments().contains(name)
          || name.equals(e.bodyArgument())
          || e.query().contains(name)) {
        out = out.dissoc(k);
      }
    }
    return out;
  }

  private static void query(StringBuilder url, String name, String value) {
    url.append(url.indexOf("?") < 0 ? '?' : '&')
        .append(HttpEndpoint.encode(name))
        .append('=')
        .append(HttpEndpoint.encode(value));
  }

  private static Value orNil(Value v) {
    return v == null ? Value.NIL : v;
  }

  private static String remember(
      HttpEndpoint.Secret secret, UnaryOperator<String> env, BiConsumer<String, String> secrets) {
    String value = secret.resolve(env);
    secrets.accept(secret.name(), value);
    return value;
  }
}
