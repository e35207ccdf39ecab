package dev.agora.provider.a2a;

import dev.agora.core.spi.Redactor;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A connected agent: its source's settings, the card read at discovery, the interface chosen on it,
 * and the credentials sent with every request.
 *
 * @param signer who signed the card, or null for an unsigned card
 */
record Agent(
    AgentSettings settings, AgentCard card, Wire wire, Auth auth, CardSignatures.Signer signer) {

  String name() {
    return settings.name();
  }

  /** The headers that authenticate this node to the agent, and the secrets in them. */
  record Auth(Map<String, String> headers, Redactor secrets) {

    /**
     * From the environment variables the source names; the API key goes in {@code api_key_header},
     * else the header the card names ({@code cardHeader}, may be null), else X-API-Key.
     *
     * @throws IOException when a variable it names is not set
     */
    static Auth of(AgentSettings s, UnaryOperator<String> env, String cardHeader)
        throws IOException {
      Map<String, String> headers = new LinkedHashMap<>();
      Redactor secrets = Redactor.NONE;
      if (s.tokenEnv() != null) {
        String token = need(s, env, s.tokenEnv(), "token_env");
        headers.put("Authorization", "Bearer " + token);
        secrets = secrets.with(s.tokenEnv(), token);
      }
      if (s.apiKeyEnv() != null) {
        String key = need(s, env, s.apiKeyEnv(), "api_key_env");
        String header =
            s.apiKeyHeader() != null
                ? s.apiKeyHeader()
                : cardHeader != null ? cardHeader : AgentSettings.API_KEY_HEADER;
        headers.put(header, key);
        secrets = secrets.with(s.apiKeyEnv(), key);
      }
      return new Auth(headers, secrets);
    }

    /** Headers the client sets itself, or the JDK refuses, which an API key may not go in. */
    private static final java.util.Set<String> TAKEN =
        java.util.Set.of(
            "authorization",
            "content-type",
            "accept",
            "a2a-version",
            "connection",
            "content-length",
            "expect",
            "host",
            "upgrade",
            "te",
            "transfer-encoding");

    /** Whether {@code header} (a card's apiKey scheme's name) can carry the API key. */
    static boolean usable(String header) {
      return header.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")
          && !TAKEN.contains(header.toLowerCase(java.util.Locale.ROOT));
    }

    private static String need(AgentSettings s, UnaryOperator<String> env, String name, String key)
        throws IOException {
      String v = env.apply(name);
      if (v == null || v.isBlank()) {
        throw new IOException(
            "agent '" + s.name() + "': " + key + " names " + name + ", which is not set");
      }
      if (v.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) { // no header could carry it
        throw new IOException(
            "agent '"
                + s.name()
                + "': "
                + name
                + " (named by "
                + key
                + ") holds a control character, such as a line break; it cannot be sent");
      }
      return v;
    }
  }
}
