package dev.agora.provider.a2a;

import static dev.agora.core.json.JsonObjects.field;
import static dev.agora.core.json.JsonObjects.text;

import dev.agora.core.json.Json;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How an agent asks to be authenticated (protocols.md §1.2): the security schemes its card declares
 * — 1.0's {@code {"httpAuthSecurityScheme": {…}}} form or 0.3's {@code {"type": "http", …}} — and
 * its requirements, any one of which must be met (all schemes of that one). Agora's client sends a
 * bearer token ({@code token_env}) or an API key in a header ({@code api_key_env}); this says which
 * the agent wants, where its API key goes, and whether the source sends enough.
 *
 * @param schemes the declared schemes by name
 * @param requirements each a set of scheme names that together suffice; none: nothing required
 */
record CardSecurity(Map<String, Scheme> schemes, List<List<String>> requirements) {

  /** No scheme, no requirement. */
  static final CardSecurity NONE = new CardSecurity(Map.of(), List.of());

  /** What a scheme asks for. */
  enum Kind {
    /** {@code Authorization: Bearer …}: HTTP bearer, or an OAuth 2 / OpenID Connect token. */
    BEARER,
    /** An API key in a header. */
    API_KEY,
    /** Something Agora's client cannot send (mTLS, HTTP basic, a key in a query or cookie). */
    OTHER
  }

  /** One scheme: its kind, and a description ({@code detail}) or, for an API key, its header. */
  record Scheme(Kind kind, String detail) {
    String describe() {
      return switch (kind) {
        case BEARER -> detail + " (token_env)";
        case API_KEY -> "an API key in header " + detail + " (api_key_env)";
        case OTHER -> detail + ", which Agora's client cannot send";
      };
    }
  }

  /** The card's security; a card that declares none needs none. */
  static CardSecurity read(Dict card) {
    Map<String, Scheme> schemes = new LinkedHashMap<>();
    if (field(card, "securitySchemes") instanceof Dict declared) {
      for (Map.Entry<Value, Value> e : declared.asMap().entrySet()) {
        if (e.getValue() instanceof Dict d) {
          schemes.put(Json.keyName(e.getKey()), scheme(d));
        }
      }
    }
    List<List<String>> requirements = new ArrayList<>();
    Value listed = field(card, "securityRequirements"); // 1.0
    if (!(listed instanceof Vec)) {
      listed = field(card, "security"); // 0.3
    }
    if (listed instanceof Vec list) {
      for (Value r : list.items()) {
        if (r instanceof Dict d) {
          Dict names = field(d, "schemes") instanceof Dict inner ? inner : d;
          requirements.add(names.asMap().keySet().stream().map(Json::keyName).toList());
        }
      }
    }
    return new CardSecurity(schemes, requirements);
  }

  private static Scheme scheme(Dict d) {
    if (field(d, "httpAuthSecurityScheme") instanceof Dict h) {
      return http(text(h, "scheme"));
    }
    if (field(d, "apiKeySecurityScheme") instanceof Dict k) {
      return apiKey(text(k, "location"), text(k, "name"));
    }
    if (field(d, "oauth2SecurityScheme") instanceof Dict) {
      return new Scheme(Kind.BEARER, "an OAuth 2 access token");
    }
    if (field(d, "openIdConnectSecurityScheme") instanceof Dict) {
      return new Scheme(Kind.BEARER, "an OpenID Connect token");
    }
    String type = text(d, "type"); // 0.3
    return switch (type == null ? "" : type) {
      case "http" -> http(text(d, "scheme"));
      case "apiKey" -> apiKey(text(d, "in"), text(d, "name"));
      case "oauth2" -> new Scheme(Kind.BEARER, "an OAuth 2 access token");
      case "openIdConnect" -> new Scheme(Kind.BEARER, "an OpenID Connect token");
      default ->
          new Scheme(
              Kind.OTHER,
              field(d, "mtlsSecurityScheme") != null || "mutualTLS".equals(type)
                  ? "a client certificate (mTLS)"
                  : "an unknown scheme " + Json.write(d));
    };
  }

  private static Scheme http(String scheme) {
    return scheme != null && scheme.equalsIgnoreCase("bearer")
        ? new Scheme(Kind.BEARER, "a bearer token")
        : new Scheme(Kind.OTHER, "HTTP " + scheme + " authentication");
  }

  private static Scheme apiKey(String location, String name) {
    return name != null && location != null && location.toLowerCase(Locale.ROOT).equals("header")
        ? new Scheme(Kind.API_KEY, name)
        : new Scheme(Kind.OTHER, "an API key in the " + location + " '" + name + "'");
  }

  /** The header the card says its API key goes in, or null. */
  String apiKeyHeader() {
    for (Scheme s : schemes.values()) {
      if (s.kind() == Kind.API_KEY) {
        return s.detail();
      }
    }
    return null;
  }

  /**
   * Why the source cannot meet any of the card's requirements with what it sends, or null when it
   * can (or nothing is required).
   */
  String gap(AgentSettings s) {
    if (requirements.isEmpty()) {
      return null;
    }
    List<String> asks = new ArrayList<>();
    for (List<String> r : requirements) {
      boolean met = true;
      List<String> parts = new ArrayList<>();
      for (String name : r) {
        Scheme scheme = schemes.get(name);
        parts.add(scheme == null ? "the undeclared scheme '" + name + "'" : scheme.describe());
        met &=
            scheme != null
                && switch (scheme.kind()) {
                  case BEARER -> s.tokenEnv() != null;
                  case API_KEY -> s.apiKeyEnv() != null;
                  case OTHER -> false;
                };
      }
      if (met) {
        return null;
      }
      asks.add(String.join(" and ", parts));
    }
    List<String> sends = new ArrayList<>();
    if (s.tokenEnv() != null) {
      sends.add("a bearer token");
    }
    if (s.apiKeyEnv() != null) {
      sends.add("an API key");
    }
    return "the card asks for "
        + String.join(", or ", asks)
        + "; this source sends "
        + (sends.isEmpty() ? "no credentials" : String.join(" and ", sends));
  }
}
