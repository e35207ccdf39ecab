package dev.agora.provider.a2a;

import dev.agora.core.doc.Fields;
import dev.agora.core.spi.ConfigSection;
import dev.agora.core.spi.DiscoverySource;
import dev.agora.core.spi.SourceFactory;
import dev.agora.core.trust.TrustPolicy;
import dev.agora.rtfs.Value;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code sources: [{type: a2a, …}]} — an A2A agent whose skills become capabilities ({@link
 * AgentSettings} says what each key means):
 *
 * <pre>
 * - name: helper                      # capabilities a2a.helper.SKILL
 *   type: a2a
 *   url: https://agents.example.com   # or the card's URL (…/agent-card.json)
 *   token_env: HELPER_TOKEN           # Authorization: Bearer $HELPER_TOKEN (optional)
 *   api_key_env: HELPER_KEY           # or an API key (optional) …
 *   api_key_header: X-API-Key         # … in this header (default: the card's, else X-API-Key)
 *   version: "1.0"                    # only this protocol version (1.0 or 0.3; default: the card's order)
 *   binding: jsonrpc                  # only this binding (jsonrpc or rest; default: the card's order)
 *   effects: [network, llm]           # what its skills do (default: [network, a2a])
 *   timeout: 60s                      # each call's deadline (default 30s)
 *   poll: 250ms                       # how often a task is asked for when the agent cannot stream
 *   card_key: "agent+1a2b3c4d+AQ…"    # the card must be signed with this key (optional)
 *   require_signed_card: true         # refuse a card without a signature that verifies (by one of
 *                                     # trust.authorities covering a2a.NAME.*, when there are any)
 *   max_bytes: 4MiB                   # the largest answer or stream event read
 *   refresh: 5m                       # read the card again this often (the default; off: never)
 * </pre>
 */
public final class A2aSourceFactory implements SourceFactory {

  /** What {@link #oneOf} returns for a value it refused (after recording the problem). */
  private static final String BAD = "\0bad";

  /** The key's value when it is absent (null) or one of {@code allowed}; else BAD. */
  private static String oneOf(Fields f, String key, String what, String... allowed) {
    String v = f.string(key, null);
    if (v == null || List.of(allowed).contains(v)) {
      return v;
    }
    f.problem(key, "unknown " + what + " '" + v + "'; use " + String.join(" or ", allowed));
    return BAD;
  }

  @Override
  public String type() {
    return "a2a";
  }

  /**
   * Not used: an a2a source needs the node's {@code trust:} section, which only {@link
   * #create(String, Fields, ConfigSection.Core)} gives (a source made without it would drop the
   * authorities its cards must be signed by).
   */
  @Override
  public DiscoverySource create(String name, Fields f, Path base) {
    throw new UnsupportedOperationException(
        "an a2a source is made with the sections read before it: create(name, section, core)");
  }

  @Override
  public DiscoverySource create(String name, Fields f, ConfigSection.Core core) {
    if (!f.has("url")) {
      f.problem("an a2a source needs 'url': the agent's base URL or its card's URL");
    }
    URI url = f.httpUrl("url");
    for (String secret : List.of("token", "api_key")) {
      if (f.has(secret)) {
        f.problem(
            secret,
            "secrets do not belong in agora.yaml; name the environment variable holding it with "
                + secret
                + "_env");
      }
    }
    String version = oneOf(f, "version", "A2A version", "1.0", "0.3");
    String binding = oneOf(f, "binding", "binding", "jsonrpc", "rest");
    List<String> effects = f.has("effects") ? f.strings("effects") : List.of("network", "a2a");
    AgentSettings settings =
        new AgentSettings(
            name,
            url,
            f.string("token_env", null),
            f.string("api_key_env", null),
            f.string("api_key_header", null),
            version,
            binding,
            effects,
            f.duration("timeout", Duration.ofSeconds(30)),
            f.duration("poll", Duration.ofMillis(250)),
            f.string("card_key", null),
            f.bool("require_signed_card", false),
            f.size("max_bytes", 4L << 20, 1L << 30),
            f.get("refresh") instanceof Value.Str off && off.value().equals("off")
                ? Duration.ZERO
                : f.duration("refresh", Duration.ofMinutes(5)));
    f.rejectUnknown();
    if (url == null || BAD.equals(version) || BAD.equals(binding)) {
      return null;
    }
    return new A2aSource(
        settings, core.earlier().get("trust") instanceof TrustPolicy t ? t : TrustPolicy.OFF);
  }
}
