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
import java.util.function.Supplier;
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
  private volatile List<String> lastIds = List.of();
  private volatile boolean closed;
  private volatile List<CapabilityManifest> listed = List.of();
  private volatile Polling polling;
  private volatile Changes changes;
  private volatile UnaryOperator<String> environment = System::getenv;
  private volatile Supplier<Instant> now = Instant::now;

  /** {@code trust}: the node's, whose authorities a card may have to be signed by. */
  A2aSource(AgentSettings settings, TrustPolicy trust) {
    this.settings = settings;
    this.trust = trust;
  }

  /** What time it is, for authorities' expiry (the system clock; tests give theirs). */
  void clock(Supplier<Instant> now) {
    this.now = now;
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
    if (closed) {
      throw new IOException("agent '" + settings.name() + "': the source is closed");
    }
    AgentCard card;
    CardSignatures.Signer signer;
    List<String> ids;
    try {
      card = AgentCard.read(f.raw(), f.from());
      ids = card.skills().stream().map(this::id).toList();
      signer = CardSignatures.signer(f.raw(), settings, trust, ids, now.get());
    } catch (AgentCard.Invalid e) {
      String why = "agent '" + settings.name() + "': card at " + f.from() + ": " + e.getMessage();
      throw e instanceof CardSignatures.Untrusted ? new UntrustedCard(why) : new IOException(why);
    }
    String header = card.security().apiKeyHeader();
    boolean unusable = header != null && settings.apiKeyEnv() != null && !Agent.Auth.usable(header);
    Agent.Auth auth = Agent.Auth.of(settings, environment, unusable ? null : header);
    String gap = card.security().gap(settings);
    if (gap != null) {
      p.warn("agent '" + settings.name() + "': " + gap + "; its calls may be refused", auth);
    }
    if (unusable) {
      p.warn(
          "agent '"
              + settings.name()
              + "': the card's API key header '"
              + header
              + "' cannot be sent; using "
              + AgentSettings.API_KEY_HEADER
              + " (set api_key_header to choose)",
          auth);
    }
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
    lastIds = ids;
    listed = List.copyOf(out);
    return out;
  }

  /** A card the source's signature rules refuse: what was listed from it is withdrawn. */
  private static final class UntrustedCard extends IOException {
    UntrustedCard(String message) {
      super(message);
    }
  }

  /** Reads the card again every {@code refresh}: a changed card changes the capabilities. */
  @Override
  public synchronized void watch(Changes changes) {
    this.changes = changes;
    if (polling == null && !closed && settings.refresh().isPositive()) {
      polling = new Polling("agora-a2a-" + settings.name(), settings.refresh(), this::refresh);
    }
  }

  /**
   * One look at the card, told to whoever watches: the same card changes nothing (but its signature
   * is checked again: an authority may have expired); one that cannot be read or used keeps what
   * was listed; one the signature rules now refuse withdraws it.
   */
  void refresh() {
    A2aProvider p = provider;
    Changes changes = this.changes;
    if (p == null || changes == null || closed) {
      return; // not yet discovered and watched, or closed
    }
    List<CapabilityManifest> before = listed;
    try {
      Fetched f = fetchCard(p);
      if (f.raw().equals(lastCard)) {
        checkAgain(f);
        return;
      }
      changes.diff(this, before, connect(p, f));
    } catch (UntrustedCard e) {
      if (withdraw(p)) {
        changes.diff(this, before, List.of());
      }
      changes.problem(this, problem("the card is not trusted now, nothing is listed from it: ", e));
    } catch (IOException | RuntimeException e) {
      changes.problem(this, problem("reading the card again failed, keeping what was listed: ", e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // closing
    }
  }

  private DocumentProblem problem(String what, Exception e) {
    return new DocumentProblem(
        settings.url().toString(),
        0,
        "",
        what + (e instanceof RuntimeException ? e.toString() : e.getMessage()));
  }

  /** The unchanged card's signature against the rules as they are now. */
  private void checkAgain(Fetched f) throws UntrustedCard {
    try {
      CardSignatures.signer(f.raw(), settings, trust, lastIds, now.get());
    } catch (AgentCard.Invalid e) {
      throw new UntrustedCard(
          "agent '" + settings.name() + "': card at " + f.from() + ": " + e.getMessage());
    }
  }

  /** Disconnects the agent and forgets its card; whether anything was listed. */
  private synchronized boolean withdraw(A2aProvider p) {
    Agent a = agent;
    if (a != null) {
      p.disconnect(a);
    }
    agent = null;
    lastCard = null;
    boolean had = !listed.isEmpty();
    listed = List.of();
    return had;
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

  /** Stops reading the card (waiting for a look under way) and disconnects the agent. */
  @Override
  public void close() {
    closed = true; // no look starts or connects after this
    Polling.stop(polling);
    A2aProvider p = provider;
    if (p != null) {
      withdraw(p);
    }
  }
}
