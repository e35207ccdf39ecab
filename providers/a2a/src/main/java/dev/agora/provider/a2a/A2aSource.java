package dev.agora.provider.a2a;

import dev.agora.a2a.A2a.Version;
import dev.agora.core.doc.DocumentProblem;
import dev.agora.core.json.Json;
import dev.agora.core.json.JsonException;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.core.net.CappedBody;
import dev.agora.core.spi.DiscoverySource;
import dev.agora.core.spi.Polling;
import dev.agora.core.spi.Provider;
import dev.agora.core.trust.TrustPolicy;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * An A2A agent as a discovery source: reads its card (checking its signatures), picks the interface
 * to use, hands the connected agent to the {@link A2aProvider}, and lists one capability per skill,
 * {@code a2a.<source>.<skill>}; reads the card again every {@code refresh} while watched.
 */
final class A2aSource implements DiscoverySource {

  /** The skill id as it may appear in a capability id (other characters become '-'). */
  private static final Pattern ID_UNSAFE = Pattern.compile("[^A-Za-z0-9_-]");

  static final String INPUT =
      "[:map [:text :string] [:data :map ?] [:task-id :string ?] [:context-id :string ?]]";
  static final String OUTPUT =
      "[:map [:text :string] [:data :any ?] [:state :keyword] [:task-id :string ?]"
          + " [:context-id :string ?] [:artifacts [:vector :any]]]";

  private final AgentSettings settings;
  private final TrustPolicy trust;
  private volatile A2aProvider provider;
  private volatile Agent agent;
  private volatile Dict lastCard;
  private volatile List<CapabilityManifest> listed = List.of();
  private Polling polling;
  private volatile Changes changes;
  private volatile UnaryOperator<String> environment = System::getenv;

  /** {@code trust}: the node's, whose authorities a card may have to be signed by. */
  A2aSource(AgentSettings settings, TrustPolicy trust) {
    this.settings = settings;
    this.trust = trust;
  }

  /** Where token_env and api_key_env are looked up (the process environment; tests give theirs). */
  void environment(UnaryOperator<String> env) {
    this.environment = env;
  }

  @Override
  public String name() {
    return settings.name();
  }

  @Override
  public void attach(Function<String, Provider> providers) {
    if (providers.apply("a2a") instanceof A2aProvider p) {
      provider = p;
    }
  }

  @Override
  public Found discover() throws IOException, InterruptedException {
    A2aProvider p = provider;
    if (p == null) { // attach gives it: the provider ships in this module
      throw new IOException("agent '" + settings.name() + "': the a2a provider is not loaded");
    }
    Fetched f = fetchCard(p);
    return new Found(connect(p, f), List.of());
  }

  /** A card as fetched: its JSON and where it was. */
  private record Fetched(Dict raw, URI from) {}

  private Fetched fetchCard(A2aProvider p) throws IOException, InterruptedException {
    Agent.Auth auth = Agent.Auth.of(settings, environment, null);
    for (URI url : settings.cardUrls()) {
      Dict raw = fetch(p, url, auth);
      if (raw != null) {
        return new Fetched(raw, url);
      }
    }
    throw new IOException(
        "agent '" + settings.name() + "': no agent card at " + settings.cardUrls());
  }

  /**
   * Checks and reads the card, hands the agent to the provider (in place of the one before, whose
   * calls in flight finish with it) and returns the capabilities its skills are.
   */
  private synchronized List<CapabilityManifest> connect(A2aProvider p, Fetched f)
      throws IOException {
    AgentCard card;
    CardSignatures.Signer signer;
    try {
      card = AgentCard.read(f.raw(), f.from());
      List<String> ids = card.skills().stream().map(this::id).toList();
      signer = CardSignatures.signer(f.raw(), settings, trust, ids, Instant.now());
    } catch (AgentCard.Invalid e) {
      throw new IOException(
          "agent '" + settings.name() + "': card at " + f.from() + ": " + e.getMessage());
    }
    String gap = card.security().gap(settings);
    if (gap != null) {
      p.warn("agent '" + settings.name() + "': " + gap + "; its calls may be refused");
    }
    Agent.Auth auth = Agent.Auth.of(settings, environment, card.security().apiKeyHeader());
    AgentCard.Interface chosen = choose(card);
    Agent a =
        new Agent(
            settings,
            card,
            new Wire(p.http(), chosen, auth.headers(), settings.maxBytes()),
            auth,
            signer);
    List<CapabilityManifest> out = new ArrayList<>();
    for (AgentCard.Skill s : card.skills()) {
      out.add(manifest(card, s, chosen, signer));
    }
    agent = a;
    p.connect(a);
    lastCard = f.raw();
    listed = List.copyOf(out);
    return out;
  }

  /** Reads the card again every {@code refresh}: a changed card changes the capabilities. */
  @Override
  public synchronized void watch(Changes changes) {
    this.changes = changes;
    if (polling == null && settings.refresh().isPositive()) {
      polling = new Polling("agora-a2a-" + settings.name(), settings.refresh(), this::refresh);
    }
  }

  /**
   * One look at the card, told to whoever watches: the same card changes nothing; one that cannot
   * be used keeps what was listed.
   */
  void refresh() {
    A2aProvider p = provider;
    Changes changes = this.changes;
    if (p == null || changes == null) {
      return; // not yet discovered and watched
    }
    try {
      Fetched f = fetchCard(p);
      if (f.raw().equals(lastCard)) {
        return;
      }
      List<CapabilityManifest> before = listed;
      changes.diff(this, before, connect(p, f));
    } catch (IOException e) {
      changes.problem(
          this,
          new DocumentProblem(
              settings.url().toString(),
              0,
              "",
              "reading the card again failed, keeping what was listed: " + e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // closing
    }
  }

  /** The card's JSON at {@code url}, or null when there is none there (404). */
  private Dict fetch(A2aProvider p, URI url, Agent.Auth auth)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(url)
            .header("Accept", "application/json")
            .timeout(Duration.ofSeconds(10));
    auth.headers().forEach(b::header);
    HttpResponse<byte[]> r;
    try {
      r =
          p.http()
              .sendAsync(b.build(), CappedBody.handler(settings.maxBytes()))
              .get(15, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable c = e.getCause();
      throw new IOException(
          "agent '"
              + settings.name()
              + "': cannot read its card at "
              + url
              + ": "
              + (c instanceof CappedBody.TooLarge
                  ? "larger than " + settings.maxBytes() + " bytes (max_bytes)"
                  : Wire.describe(c)));
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IOException(
          "agent '" + settings.name() + "': no card from " + url + " within 15 s");
    }
    if (r.statusCode() == 404) {
      return null;
    }
    if (r.statusCode() != 200 || r.body() == null) {
      throw new IOException(
          "agent '"
              + settings.name()
              + "': HTTP "
              + r.statusCode()
              + " for its card at "
              + url
              + (r.body() == null ? " (larger than max_bytes)" : ""));
    }
    try {
      if (Json.parse(new String(r.body(), StandardCharsets.UTF_8)) instanceof Dict d) {
        return d;
      }
    } catch (JsonException e) {
      throw new IOException(
          "agent '"
              + settings.name()
              + "': the card at "
              + url
              + " is not JSON: "
              + e.getMessage());
    }
    throw new IOException(
        "agent '" + settings.name() + "': the card at " + url + " is not a JSON object");
  }

  /** The first interface the card offers that the source's version and binding allow. */
  private AgentCard.Interface choose(AgentCard card) throws IOException {
    for (AgentCard.Interface i : card.interfaces()) {
      boolean version =
          settings.version() == null
              || (settings.version().equals("1.0") == (i.version() == Version.V10));
      boolean binding = settings.binding() == null || settings.binding().equals("rest") == i.rest();
      if (version && binding) {
        return i;
      }
    }
    throw new IOException(
        "agent '"
            + settings.name()
            + "' offers no "
            + (settings.binding() == null ? "" : settings.binding() + " ")
            + "interface"
            + (settings.version() == null ? "" : " for A2A " + settings.version())
            + "; it offers "
            + card.interfaces().stream().map(AgentCard.Interface::describe).toList());
  }

  /** The capability id of skill {@code s}: {@code a2a.<source>.<skill>}. */
  private String id(AgentCard.Skill s) {
    return "a2a."
        + settings.name()
        + "."
        + ID_UNSAFE.matcher(s.id()).replaceAll("-").toLowerCase(Locale.ROOT);
  }

  private CapabilityManifest manifest(
      AgentCard card, AgentCard.Skill s, AgentCard.Interface chosen, CardSignatures.Signer signer) {
    String id = id(s);
    Dict.Builder meta =
        Dict.builder()
            .put("agent", Value.of(card.name()))
            .put("skill", Value.of(s.id()))
            .put("interface", Value.of(chosen.describe()))
            .put("streaming", Value.of(card.streaming()))
            .put("tags", Vec.of(s.tags().stream().map(t -> (Value) Value.of(t)).toList()));
    if (signer != null) {
      meta.put("card-signed-by", Value.of(signer.kid()));
      if (signer.authority() != null) {
        meta.put("card-authority", Value.of(signer.authority()));
      }
    }
    if (!s.examples().isEmpty()) {
      meta.put("examples", Vec.of(s.examples().stream().map(t -> (Value) Value.of(t)).toList()));
    }
    String description =
        s.description() == null || s.description().isBlank()
            ? "Skill '" + s.id() + "' of the A2A agent " + card.name()
            : s.description();
    return CapabilityManifest.builder(id)
        .name(s.name() == null || s.name().isBlank() ? s.id() : s.name())
        .description(description)
        .version("1.0.0")
        .provider(new ProviderSpec.A2a(settings.name(), s.id(), Dict.EMPTY))
        .input(INPUT)
        .output(OUTPUT)
        .effects(settings.effects().toArray(String[]::new))
        .metadata(Dict.builder().put("a2a", meta.build()).build())
        .timeout(settings.timeout())
        .build();
  }

  @Override
  public Health health() {
    return agent == null
        ? new Health(false, "agent '" + settings.name() + "' not connected: its card was not read")
        : Health.UP;
  }

  @Override
  public void close() {
    synchronized (this) {
      if (polling != null) {
        polling.close();
      }
    }
    Agent a = agent;
    A2aProvider p = provider;
    if (a != null && p != null) {
      p.disconnect(a);
    }
  }
}
