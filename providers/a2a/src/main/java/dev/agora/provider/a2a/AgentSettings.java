package dev.agora.provider.a2a;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * One {@code sources: [{type: a2a, …}]} entry: where the agent is, how to authenticate, which of
 * its interfaces to prefer, and what its skills are taken to do.
 *
 * @param name the source's name: capabilities are {@code a2a.<name>.<skill>}
 * @param url the agent's base URL (its card at {@code /.well-known/agent-card.json}) or, when it
 *     ends in {@code .json}, the card's own URL
 * @param tokenEnv the environment variable holding a bearer token, or null
 * @param apiKeyEnv the environment variable holding an API key, or null
 * @param apiKeyHeader the header the API key goes in, or null for the card's (else {@link
 *     #API_KEY_HEADER})
 * @param version {@code 1.0} or {@code 0.3} to use only that version, or null for the card's order
 * @param binding {@code jsonrpc} or {@code rest} to use only that binding, or null
 * @param effects the effects every skill is declared with
 * @param timeout each skill's default deadline
 * @param poll how often a task is asked for when the agent cannot stream
 * @param cardKey the verifier key the card must be signed with, or null
 * @param requireSignedCard refuse a card without a signature that verifies
 * @param maxBytes the largest answer (or stream event) read from the agent
 * @param refresh how often the card is read again while the node runs (zero: never)
 */
record AgentSettings(
    String name,
    URI url,
    String tokenEnv,
    String apiKeyEnv,
    String apiKeyHeader,
    String version,
    String binding,
    List<String> effects,
    Duration timeout,
    Duration poll,
    String cardKey,
    boolean requireSignedCard,
    long maxBytes,
    Duration refresh) {

  /** Where an API key goes when neither the source nor the card says. */
  static final String API_KEY_HEADER = "X-API-Key";

  AgentSettings {
    effects = List.copyOf(effects);
  }

  /**
   * Where the card is read: the URL as given when it names a JSON file, else the well-known path.
   */
  List<URI> cardUrls() {
    if (url.getPath().endsWith(".json")) {
      return List.of(url);
    }
    String base = url.toString().replaceAll("/+$", "");
    return List.of(
        URI.create(base + "/.well-known/agent-card.json"),
        URI.create(base + "/.well-known/agent.json"));
  }
}
