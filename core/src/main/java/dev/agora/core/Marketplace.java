package dev.agora.core;

import dev.agora.chain.ChainKey;
import dev.agora.chain.Receipt;
import dev.agora.chain.ReceiptIssuer;
import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventIds;
import dev.agora.chain.event.EventSink;
import dev.agora.chain.event.EventType;
import dev.agora.core.approval.ApprovalStore;
import dev.agora.core.approval.Approvals;
import dev.agora.core.approval.MemoryApprovalStore;
import dev.agora.core.call.CallMetrics;
import dev.agora.core.call.CallPath;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.Providers;
import dev.agora.core.call.Receipted;
import dev.agora.core.call.policy.Authorize;
import dev.agora.core.call.policy.IsolationPolicy;
import dev.agora.core.call.policy.PolicyEngine;
import dev.agora.core.call.policy.QuotaStore;
import dev.agora.core.call.policy.Quotas;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.call.resilience.ResiliencePolicy;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ApprovalsSection;
import dev.agora.core.config.RtfsSection;
import dev.agora.core.discovery.Bootstrap;
import dev.agora.core.discovery.Scrub;
import dev.agora.core.doc.DocumentProblem;
import dev.agora.core.error.AgoraError;
import dev.agora.core.isolation.IsolationRules;
import dev.agora.core.isolation.IsolationSection;
import dev.agora.core.local.Annotated;
import dev.agora.core.local.Defaults;
import dev.agora.core.local.LocalFunction;
import dev.agora.core.local.LocalProvider;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.core.registry.Registry;
import dev.agora.core.spi.CallContext;
import dev.agora.core.spi.Cluster;
import dev.agora.core.spi.DiscoverySource;
import dev.agora.core.spi.IsolationLevel;
import dev.agora.core.spi.Provider;
import dev.agora.core.spi.Redactor;
import dev.agora.core.spi.RegistryStore;
import dev.agora.core.store.RegistryMirror;
import dev.agora.core.telemetry.Telemetry;
import dev.agora.core.telemetry.TelemetrySection;
import dev.agora.core.trust.Pinning;
import dev.agora.core.trust.Pins;
import dev.agora.core.trust.TrustPolicy;
import dev.agora.core.trust.TrustSection;
import dev.agora.core.trust.pins.PinStore;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Limits;
import dev.agora.rtfs.Value;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The capability marketplace: a registry, the providers, the policy, and the one call path every
 * call goes through. Assemble one with {@link #builder()}, {@link #bootstrap()} it, then {@link
 * #call} capabilities or {@link #runPlan run RTFS plans} against it.
 *
 * <pre>{@code
 * try (Marketplace m = Marketplace.builder().config(ConfigLoader.find(null, Path.of("."))).build()) {
 *   m.bootstrap();
 *   Value sum = m.call(CallRequest.of("ccos.math.add", Reader.readValue("[1 2]"), m.context(null)));
 * }
 * }</pre>
 */
public final class Marketplace implements AutoCloseable {

  private final AgoraConfig config;
  private final EventSink sink;
  private final Clock clock;
  private final LongSupplier ticker = System::nanoTime;
  private final Consumer<String> log;
  private final Registry registry;
  private final Providers providers;
  private final LocalProvider local;
  private final AtomicReference<PolicyEngine> policy;
  private final AtomicReference<TrustPolicy> trust;
  private final PinStore pinStore;
  private final AtomicReference<Pins> pins;
  private final Authorize authorize;
  private final AtomicReference<ResiliencePolicy> resilience;
  private final CompositeMeterRegistry meters;
  private final CallPath path;
  private final Approvals approvals;
  private final List<DiscoverySource> watching = new ArrayList<>();
  private final RegistryMirror mirror;
  private final Redactor secrets;
  private final CallsInFlight inFlight = new CallsInFlight();
  private final ReceiptIssuer receipts;
  private final ChainKey nodeKey;
  private final Telemetry telemetry;
  private final Quotas quotas;

  private Marketplace(Builder b) {
    this.config = b.config;
    this.local = new LocalProvider(RtfsSection.of(config).maxMemory());
    this.sink = b.sink;
    this.clock = b.clock;
    this.log = b.log;
    this.secrets = b.secrets;
    this.registry = new Registry(sink, clock);
    this.trust = new AtomicReference<>(TrustSection.of(config));
    this.pinStore = b.pinStore;
    adoptPinFile();
    this.pins = new AtomicReference<>(loadPins());
    registry.admit(this::admission);
    this.mirror = b.registryStore == null ? null : new RegistryMirror(b.registryStore, log);
    if (mirror != null) {
      registry.listen(mirror);
    }
    this.providers = Providers.discover(Marketplace.class.getClassLoader());
    providers.add(local);
    b.extraProviders.forEach(providers::add);
    providers.all().forEach(p -> p.start(log));
    this.policy = new AtomicReference<>(new PolicyEngine(config.policy()));
    this.authorize = new Authorize(policy::get, clock);
    this.resilience = new AtomicReference<>(config.resilience());
    this.meters = new CompositeMeterRegistry(); // no-op until a registry is added
    this.approvals =
        new Approvals(
            b.approvalStore == null ? new MemoryApprovalStore() : b.approvalStore,
            () -> ApprovalsSection.of(config),
            sink,
            clock,
            b.approvalPause);
    this.telemetry = b.telemetry == null ? Telemetry.of(TelemetrySection.of(config)) : b.telemetry;
    this.quotas = b.quotaStore == null ? new Quotas(clock) : new Quotas(clock, b.quotaStore);
    this.path =
        new CallPath(
            registry,
            policy::get,
            resilience::get,
            providers,
            approvals,
            sink,
            clock,
            ticker,
            log,
            new CallMetrics(meters),
            b.receipts,
            telemetry,
            quotas);
    this.receipts = b.receipts;
    this.nodeKey = b.nodeKey;
    local.calls(this::call); // RTFS implementations call through the same path (nested, narrowed)
  }

  /** The source name of the built-in capabilities. */
  public static final String BUILTIN = "builtin";

  /** The prefix of the source of capabilities registered from Java code ({@code java:Class}). */
  public static final String JAVA = "java:";

  /**
   * Whether {@code m} may be registered: its passport, then its pin. The node's own code needs
   * neither.
   */
  private Registry.Refusal admission(CapabilityManifest m) {
    boolean own = ownCode(m);
    String why = trust.get().refusal(m, own, clock.instant());
    if (why != null) {
      return Registry.Refusal.of(why);
    }
    why = isolationRefusal(m);
    if (why != null) {
      return Registry.Refusal.isolation(why);
    }
    return own ? null : pins.get().check(m);
  }

  /**
   * Where calls to {@code m} run on this node, and what policy requires: {@code process (required:
   * process by isolation rule 1 (effects [process]))}, or {@code in-process (nothing required)}.
   */
  public String isolation(CapabilityManifest m) {
    Provider p = providers.get(m.provider().type());
    IsolationRules.Requirement need = IsolationSection.of(config).required(m);
    String given = p == null ? "no provider installed" : p.isolation(m).label();
    return need.level() == IsolationLevel.IN_PROCESS
        ? given + " (nothing required)"
        : given + " (required: " + need.level().label() + " by " + need.why() + ")";
  }

  /**
   * Why {@code m} may not run here for want of isolation: policy (or its own manifest) requires a
   * level its provider does not give on this host. Never run with less: it is refused instead.
   */
  private String isolationRefusal(CapabilityManifest m) {
    IsolationRules rules = IsolationSection.of(config);
    Provider p = providers.get(m.provider().type());
    if (p == null) {
      IsolationRules.Requirement need = rules.required(m);
      return need.level() == IsolationLevel.IN_PROCESS
          ? null
          : "needs isolation '"
              + need.level().label()
              + "' by "
              + need.why()
              + ", but no provider of type '"
              + m.provider().type()
              + "' is installed";
    }
    return rules.refusal(m, p.isolation(m));
  }

  /**
   * Whether {@code m} is the node's own code — a built-in or a Java method registered by the
   * program embedding it — which needs no passport: it is as trusted as the node itself.
   */
  private static boolean ownCode(CapabilityManifest m) {
    String source = m.provenance() == null ? "" : m.provenance().source();
    return source.equals(BUILTIN) || source.startsWith(JAVA);
  }

  public static Builder builder() {
    return new Builder();
  }

  // ---- Start-up ----

  /**
   * Registers the built-in capabilities, then runs every configured discovery source concurrently
   * and starts watching those that can; returns what each source did. A failing source is reported
   * and skipped.
   */
  public List<Bootstrap.SourceReport> bootstrap() {
    return bootstrap(Duration.ofSeconds(2), Duration.ofSeconds(60), log);
  }

  /** {@link #bootstrap()} with explicit progress timing and a progress sink. */
  public List<Bootstrap.SourceReport> bootstrap(
      Duration slowAfter, Duration maxWait, Consumer<String> progress) {
    if (mirror != null) {
      mirror.restore(registry);
    }
    for (Defaults.Entry d : Defaults.all(clock, log)) {
      registerLocal(d.manifest(), d.function(), d.inline(), BUILTIN);
    }
    config.sources().forEach(s -> s.attach(providers::get));
    List<Bootstrap.SourceReport> reports =
        new Bootstrap(registry, sink, clock, ticker, slowAfter, maxWait, progress, secrets)
            .run(config.sources());
    Set<String> failed = new HashSet<>();
    for (int i = 0; i < reports.size(); i++) {
      DiscoverySource s = config.sources().get(i);
      if (reports.get(i).failure() == null) {
        s.watch(new Watcher());
        watching.add(s);
      } else { // a failed source is skipped, not watched, and keeps what it had
        failed.add(s.name());
      }
    }
    if (mirror != null) {
      mirror.reconcile(registry, failed);
    }
    if (pins.get().pinning().mode() != Pinning.Mode.OFF && pinWatch == null) {
      pinWatch =
          Executors.newSingleThreadScheduledExecutor(
              Thread.ofVirtual().name("agora-pins").factory());
      long ms = PIN_POLL.toMillis();
      pinWatch.scheduleWithFixedDelay(this::watchPins, ms, ms, TimeUnit.MILLISECONDS);
    }
    return reports;
  }

  /**
   * Reloads the pins when they changed — an approval or {@code agora caps pin} in another process,
   * a pin or an approval on another node sharing the store — so that what they admit now becomes
   * callable here. Run every {@link #PIN_POLL}: pin files change rarely and may sit in directories
   * a watch service cannot see, and the store's pins answer with a cheap stamp. A look that fails
   * (a broken lock file, the store away) is logged once until one succeeds, and the next look tries
   * again; the pins loaded last stay in force meanwhile.
   */
  private void watchPins() {
    try {
      if (pins.get().changed()) {
        reloadPins();
      }
      if (pinsFailing) {
        pinsFailing = false;
        log.accept("agora: pins reloaded again");
      }
    } catch (RuntimeException e) {
      if (!pinsFailing) {
        pinsFailing = true;
        log.accept("agora: pins not reloaded: " + e.getMessage());
      }
    }
  }

  /** How often a running node looks whether its pins changed. */
  private static final Duration PIN_POLL = Duration.ofSeconds(1);

  private volatile ScheduledExecutorService pinWatch;
  private boolean pinsFailing; // only the pin watch's thread reads and writes it

  /** Applies a source's changes to the registry while running. */
  private final class Watcher implements DiscoverySource.Changes {
    @Override
    public void upsert(DiscoverySource source, CapabilityManifest manifest) {
      registry.register(manifest, source.name());
    }

    @Override
    public void remove(DiscoverySource source, String id, String version) {
      registry.remove(id, version);
    }

    @Override
    public void problem(DiscoverySource source, DocumentProblem problem) {
      log.accept("discovery: " + source.name() + ": " + Scrub.problem(problem, secrets));
    }
  }

  // ---- Registering ----

  /**
   * Registers a Java function as a capability; a pure one runs inline unless {@code inline} is
   * false.
   */
  public void registerLocal(
      CapabilityManifest manifest, LocalFunction fn, boolean inline, String source) {
    if (!(manifest.provider() instanceof ProviderSpec.Local)) {
      throw new IllegalArgumentException(
          "'"
              + manifest.id()
              + "' is not a local capability: its provider is "
              + manifest.provider().type());
    }
    local.register(LocalProvider.handlerName(manifest), fn, inline);
    registry.register(manifest, source);
  }

  /** Registers every {@code @Capability} method of {@code target}; pure ones run inline. */
  public void registerAnnotated(Object target) {
    for (Annotated.Binding b : Annotated.bind(target)) {
      registerLocal(b.manifest(), b.function(), true, JAVA + target.getClass().getName());
    }
  }

  /**
   * Follows the store as soon as another node changes it, where the store can tell (PostgreSQL's
   * LISTEN/NOTIFY), until the returned handle is closed; null where it cannot, or when no store
   * keeps the registry.
   */
  public AutoCloseable followStoreChanges() {
    return mirror == null ? null : mirror.onChange(this::followStore);
  }

  /**
   * Takes in the runtime registrations and removals other nodes on a shared store made since the
   * last call (issue 18; {@code agora serve} calls it every {@code cluster.follow}). Returns how
   * many capabilities changed here; 0 without a store, or with one no other node shares.
   */
  public int followStore() {
    return mirror == null ? 0 : mirror.follow(registry);
  }

  /** Tells every provider of the nodes this one serves among (issue 18). */
  public void cluster(Cluster cluster) {
    providers.all().forEach(p -> p.cluster(cluster));
  }

  /**
   * Runs, on this node, the RTFS implementation of {@code m} (a {@code remote-rtfs} capability) for
   * the peer node that sent the call; its own calls go through this node's call path as children of
   * {@code call}; {@code depth} is how deep the calling node already was in implementations calling
   * each other.
   */
  public Value runRemote(CapabilityManifest m, Value input, CallContext call, int depth) {
    return local.runRemote(m, input, call, depth);
  }

  /**
   * Registers a manifest at runtime (not from a discovery source), as {@code runtime:<source>}:
   * with a registry store it is kept across restarts until {@linkplain #unregister removed}. A
   * manifest with a Java handler needs {@link #registerLocal} instead.
   */
  public Registry.Change register(CapabilityManifest manifest, String source) {
    String runtime =
        source.startsWith(RegistryMirror.RUNTIME) ? source : RegistryMirror.RUNTIME + source;
    return mirror == null
        ? registry.register(manifest, runtime)
        : mirror.exclusive(() -> registry.register(manifest, runtime));
  }

  /**
   * Removes one version (or, with a null version, every version) of a capability; false if there
   * was none.
   */
  public boolean unregister(String id, String version) {
    return mirror == null
        ? remove(id, version)
        : mirror.exclusive(() -> remove(id, version)); // with its write, apart from a follow
  }

  private boolean remove(String id, String version) {
    return version == null ? registry.remove(id) : registry.remove(id, version);
  }

  // ---- Calling ----

  /**
   * Runs one call through the governed call path. Failures are {@link
   * dev.agora.core.error.AgoraError}s.
   */
  public Value call(CallRequest request) {
    return counted(() -> path.call(request));
  }

  /** Runs {@code call} counted among the calls in flight (which {@link #close} cancels). */
  private <T> T counted(Supplier<T> call) {
    CallsInFlight.Running running = inFlight.enter();
    try {
      return call.get();
    } finally {
      inFlight.exit(running);
    }
  }

  /**
   * {@link #call}, with the call's receipt (issue 14) as {@link #receiptMode} says: null when
   * receipts are off.
   */
  public Receipted callWithReceipt(CallRequest request) {
    return counted(() -> path.callWithReceipt(request));
  }

  /** The node's key, or null when the marketplace was built without one. */
  public ChainKey nodeKey() {
    return nodeKey;
  }

  /** What {@link #callWithReceipt} makes: {@code OFF} when no receipt issuer was given. */
  public Receipt.Mode receiptMode() {
    return receipts == null ? Receipt.Mode.OFF : receipts.mode();
  }

  /**
   * Records a call a surface refused before making it, like any refusal, and returns the error to
   * answer with.
   */
  public AgoraError refuse(CallRequest request, AgoraError why) {
    return path.refuse(request, why);
  }

  /**
   * Watches what {@code m} reads at {@code uri} for {@code caller} (an MCP resource subscription):
   * {@code updated} runs on each change while the caller may still call {@code m} — a policy
   * reloaded since then is obeyed — until the subscription is closed.
   *
   * @throws AgoraError SecurityViolation when the caller may not call {@code m}; a ProviderError
   *     when its provider cannot watch it
   */
  public Provider.Subscription subscribe(
      SecurityContext caller, CapabilityManifest m, String uri, Runnable updated) {
    if (!mayCall(caller, m)) {
      throw new AgoraError.SecurityViolation(
          m.id(), caller.identity(), "its context or the policy does not allow it");
    }
    Provider provider = providers.get(m.provider().type());
    if (provider == null) {
      throw new AgoraError.ProviderError(
          m.id(), "no provider of type '" + m.provider().type() + "' is installed", null);
    }
    return provider.subscribe(
        m,
        uri,
        () -> {
          if (mayCall(caller, m)) {
            updated.run();
          }
        });
  }

  /**
   * Runs an RTFS plan: every {@code call} in it goes through the call path as {@code caller}, and
   * the plan, its steps and its calls are recorded as nested events.
   */
  public PlanRunner.Outcome runPlan(
      String source, String name, SecurityContext caller, Limits limits) {
    return runPlan(source, name, caller, limits, System.out);
  }

  /**
   * {@link #runPlan(String, String, SecurityContext, Limits)} with the plan's {@code println} going
   * to {@code out}.
   */
  public PlanRunner.Outcome runPlan(
      String source, String name, SecurityContext caller, Limits limits, PrintStream out) {
    return runPlan(source, name, caller, limits, out, null);
  }

  /**
   * {@link #runPlan(String, String, SecurityContext, Limits, PrintStream)}, handing {@code
   * receipts} the receipt of each call the plan makes, in order (issue 14; null: none are made).
   */
  public PlanRunner.Outcome runPlan(
      String source,
      String name,
      SecurityContext caller,
      Limits limits,
      PrintStream out,
      Consumer<Receipt> receipts) {
    return new PlanRunner(this, sink, clock, ticker, log, receipts)
        .run(source, name, caller, limits, out);
  }

  /**
   * A session as {@code caller} whose definitions persist from one evaluation to the next (the
   * REPL); each evaluation is a plan, recorded and governed like {@link #runPlan}.
   */
  public PlanRunner.Session session(SecurityContext caller, Limits limits, PrintStream out) {
    return new PlanRunner(this, sink, clock, ticker, log, null).session(caller, limits, out);
  }

  // ---- Configuration ----

  /** The security context named {@code name}, or the default one for null. */
  public SecurityContext context(String name) {
    return config.context(name);
  }

  /**
   * Whether {@code caller} may call {@code m} as far as can be known before calling: the policy's
   * static allow/deny and the caller's context (level, allow list, effects, permissions). Time
   * windows and limits are checked at call time. What gateways list to a caller.
   */
  public boolean mayCall(SecurityContext caller, CapabilityManifest m) {
    return authorize.mayCall(caller, m);
  }

  /** What this node trusts (agora.yaml's {@code trust:} section, or as last set). */
  public TrustPolicy trust() {
    return trust.get();
  }

  /**
   * Replaces the trust policy and checks everything registered against it: what it refuses is
   * removed (and its refusal recorded). Returns how many were removed.
   */
  public int setTrust(TrustPolicy t) {
    trust.set(t);
    return registry.recheck();
  }

  /** The pinned definitions (agora.yaml's {@code trust.pinning}). */
  public Pins pins() {
    return pins.get();
  }

  /**
   * Reads the pin files again — another process may have approved or pinned — and registers what
   * they now admit. Returns how many were admitted.
   */
  public int reloadPins() {
    pins.set(loadPins());
    return registry.readmit();
  }

  /** The pins of the lock file and the node's own: in its store when it keeps them, else a file. */
  private Pins loadPins() {
    Pinning p = trust.get().pinning();
    return pinStore == null ? Pins.load(p, config.dataDirOrDefault()) : Pins.load(p, pinStore);
  }

  /**
   * Takes the pins of a {@code pins.lock} left in the data directory from before the store kept
   * them into the store (tofu), where its keys are not pinned yet, and says so: a definition pinned
   * then stays pinned, and quarantined if it changed, instead of being pinned afresh.
   */
  private void adoptPinFile() {
    if (pinStore == null || trust.get().pinning().mode() != Pinning.Mode.TOFU) {
      return;
    }
    int n = Pins.adopt(config.dataDirOrDefault(), pinStore);
    if (n > 0) {
      log.accept(
          "agora: the "
              + n
              + " pin(s) of "
              + config.dataDirOrDefault().resolve(Pins.NODE_FILE)
              + " are in "
              + pinStore.describe()
              + " (those it did not pin already); the file is no longer written");
    }
  }

  /**
   * Approves the quarantined definitions of {@code id}: pins them as they are now, records who
   * approved ({@code CapabilityApproved}), and registers them. Returns the approved versions; empty
   * when {@code id} has none in quarantine.
   */
  public List<String> approve(String id, String by) {
    List<String> approved = new ArrayList<>();
    for (Registry.Refused r : registry.refused(id)) {
      if (!r.refusal().quarantined()) {
        continue;
      }
      CapabilityManifest m = r.manifest();
      pins.get().approve(m);
      sink.accept(
          Event.of(EventIds.next(), EventType.CapabilityApproved, clock.instant(), null, null, by)
              .withCapability(m.id(), m.version())
              .withMetadata(
                  Dict.of(
                      Value.keyword("definition"),
                      Value.of(Pins.digest(m)),
                      Value.keyword("was"),
                      Value.of(r.refusal().why()))));
      approved.add(m.version());
    }
    registry.readmit();
    return approved;
  }

  /**
   * Writes the lock file with every definition this node has from elsewhere than its own code as it
   * is now: the registered ones and those refused only for not being pinned (a quarantined one
   * keeps its pin until approved; an untrusted one is not pinned). Returns how many pins it holds.
   */
  public int pinAll() {
    List<CapabilityManifest> all = new ArrayList<>();
    for (CapabilityManifest m : registry.all()) {
      if (!ownCode(m)) {
        all.add(m);
      }
    }
    for (Registry.Refused r : registry.refusals().values()) {
      CapabilityManifest m = r.manifest();
      if (!r.refusal().quarantined() && trust.get().refusal(m, false, clock.instant()) == null) {
        all.add(m);
      }
    }
    int n = pins.get().pinAll(all);
    registry.readmit();
    return n;
  }

  /**
   * The approvals calls wait for ({@code approval: required}, {@code action: require_approval}):
   * list, approve, deny.
   */
  public Approvals approvals() {
    return approvals;
  }

  /** Replaces the isolation policy; calls after this use it. */
  public void setPolicy(IsolationPolicy p) {
    policy.set(new PolicyEngine(p));
  }

  /**
   * The call metrics (see {@link CallMetrics} for names and tags). Add a registry to publish them —
   * {@code agora serve} adds a Prometheus one; meters made before it was added are published too.
   */
  public CompositeMeterRegistry meters() {
    return meters;
  }

  /**
   * The tracing of calls (docs/TELEMETRY.md): what a surface joins an incoming {@code traceparent}
   * with ({@link Telemetry#join}), and a provider adds to its upstream requests ({@link
   * Telemetry#inject}). {@link Telemetry#OFF} unless agora.yaml's {@code telemetry:} turns it on.
   */
  public Telemetry telemetry() {
    return telemetry;
  }

  /**
   * What {@code caller} has used, in the current windows, of each of {@code policy.quotas} that
   * counts its calls (for the REST API's {@code /api/v1/quotas}).
   */
  public List<Quotas.Usage> quotaUsage(SecurityContext caller) {
    return quotas.usage(policy.get().policy().quotas(), caller);
  }

  /** Replaces the resilience settings; guards are rebuilt for calls from now on. */
  public void setResilience(ResiliencePolicy r) {
    resilience.set(r);
  }

  public IsolationPolicy policy() {
    return policy.get().policy();
  }

  public Registry registry() {
    return registry;
  }

  public AgoraConfig config() {
    return config;
  }

  /**
   * How long {@link #close()} waits, at most, for the calls it cancelled to end and be recorded;
   * they end at once unless a provider ignores the interrupt (or the machine is very busy).
   */
  public static final Duration CANCELLING = Duration.ofSeconds(2);

  /** How many calls are running through the marketplace now. */
  public int callsInFlight() {
    return inFlight.size();
  }

  /**
   * Closes the marketplace: the calls still running are cancelled (their threads interrupted: each
   * fails and is recorded, and a provider's upstream is told), discovery stops, the providers close
   * (stopping the MCP servers they started), and then it waits, at most {@link #CANCELLING}, until
   * the cancelled calls have ended, so that the Causal Chain has them before it is closed. Last,
   * the spans still batched are exported and tracing stops.
   */
  @Override
  public void close() {
    int cancelled = inFlight.cancelAll();
    if (cancelled > 0) {
      log.accept("agora: closing; cancelled " + cancelled + " call(s) in flight");
    }
    watching.forEach(DiscoverySource::close);
    if (pinWatch != null) {
      pinWatch.shutdownNow();
    }
    providers.all().forEach(Provider::close);
    if (cancelled > 0 && !inFlight.awaitEnded(CANCELLING)) {
      log.accept(
          "agora: "
              + inFlight.size()
              + " call(s) still running "
              + CANCELLING.toMillis()
              + " ms after they were cancelled");
    }
    telemetry.close();
  }

  /** Assembles a marketplace; every part has a default. */
  public static final class Builder {
    private AgoraConfig config = AgoraConfig.defaults();
    private EventSink sink = EventSink.NONE;
    private Clock clock = Clock.systemUTC();
    private Consumer<String> log = line -> System.err.println(line);
    private final List<Provider> extraProviders = new ArrayList<>();
    private RegistryStore registryStore;
    private QuotaStore quotaStore;
    private PinStore pinStore;
    private Redactor secrets;
    private ApprovalStore approvalStore;
    private Approvals.Pause approvalPause = Thread::sleep;
    private ReceiptIssuer receipts;
    private ChainKey nodeKey;
    private Telemetry telemetry;

    private Builder() {}

    /**
     * The tracing of calls, instead of what the configuration's {@code telemetry:} section asks for
     * (a test's {@code Telemetry.exporting(settings, inMemoryExporter)}). The marketplace closes it
     * when it is closed.
     */
    public Builder telemetry(Telemetry t) {
      this.telemetry = Objects.requireNonNull(t);
      return this;
    }

    /**
     * The node's key (the one that signs its chain), for what the node signs besides: its A2A agent
     * card. Default: none — a server then signs with a key of its own, made when it starts.
     */
    public Builder nodeKey(ChainKey k) {
      this.nodeKey = k;
      return this;
    }

    /** Who signs the receipts of calls that ask for one (issue 14); default: none. */
    public Builder receipts(ReceiptIssuer r) {
      this.receipts = r;
      return this;
    }

    public Builder config(AgoraConfig c) {
      this.config = Objects.requireNonNull(c);
      return this;
    }

    /** Where events go (the Causal Chain); default: nowhere. */
    public Builder sink(EventSink s) {
      this.sink = Objects.requireNonNull(s);
      return this;
    }

    /**
     * Where quota counters are kept so that every node on a shared store counts together (issue
     * 18); null (the default): in this marketplace's memory.
     */
    public Builder quotaStore(QuotaStore s) {
      this.quotaStore = s;
      return this;
    }

    /**
     * Where the node keeps the pins it takes itself and its approvals ({@code trust.pinning} tofu),
     * so that every node on a shared store pins alike (issue 18); null (the default): the file
     * {@code pins.lock} in the data directory.
     */
    public Builder pinStore(PinStore s) {
      this.pinStore = s;
      return this;
    }

    /** Timestamps and time windows. */
    public Builder clock(Clock c) {
      this.clock = Objects.requireNonNull(c);
      return this;
    }

    /** Where log lines go (ccos.io.log, discovery progress); default: standard error. */
    public Builder log(Consumer<String> l) {
      this.log = Objects.requireNonNull(l);
      return this;
    }

    /** Where the registry is kept across restarts; default: nowhere (in memory only). */
    public Builder registryStore(RegistryStore s) {
      this.registryStore = s;
      return this;
    }

    /**
     * The secrets discovery problems are scrubbed of before they are logged or recorded; default:
     * the values of the environment variables whose names say they are secrets ({@link
     * Redactor#ofEnvironment}).
     */
    public Builder secrets(Redactor r) {
      this.secrets = Objects.requireNonNull(r);
      return this;
    }

    /**
     * Where approvals are kept, shared with the operators who decide them; default: in memory (this
     * process only).
     */
    public Builder approvalStore(ApprovalStore s) {
      this.approvalStore = s;
      return this;
    }

    /** How a call waiting for its approval waits between looks; default: {@code Thread.sleep}. */
    public Builder approvalPause(Approvals.Pause p) {
      this.approvalPause = Objects.requireNonNull(p);
      return this;
    }

    public Builder provider(Provider p) {
      extraProviders.add(p);
      return this;
    }

    public Marketplace build() {
      if (secrets == null) {
        secrets = Redactor.ofEnvironment(System.getenv());
      }
      return new Marketplace(this);
    }
  }
}
