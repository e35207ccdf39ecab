package dev.agora.server;

import dev.agora.core.Marketplace;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.json.Json;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.registry.Query;
import dev.agora.core.registry.Registry;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The marketplace as an MCP server, whatever carries the messages (HTTP or stdio) and whichever
 * protocol generation the client speaks: 2025-11-25 with {@code initialize} and sessions, or the
 * stateless 2026-07-28, told apart per request (a protocol version in the request's {@code _meta}
 * means 2026-07-28). Every capability is a tool ({@link Tools}); capabilities that stand for an
 * upstream server's resources and prompts are also its resources and prompts ({@link Catalog}).
 * Every call — {@code tools/call}, {@code resources/read}, {@code prompts/get} — goes through the
 * one governed call path as the caller, with the client attached ({@link ClientLink}) so that
 * progress and the upstream's questions reach it. Lists show a caller only what it may call; the
 * tool list follows the registry ({@code notifications/tools/list_changed}).
 *
 * <p>Each message is parsed once, into RTFS values ({@link Rpc}); a request is answered on the
 * thread that received it, blocking — no reactive plumbing.
 */
public final class McpGateway implements AutoCloseable {

  /** The 2025-11-25 generation's versions this server speaks, newest first. */
  static final List<String> SESSION_VERSIONS =
      List.of("2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05");

  /** The stateless generation's version. */
  static final String STATELESS_VERSION = "2026-07-28";

  static final String META_VERSION = "io.modelcontextprotocol/protocolVersion";
  static final String META_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
  static final String META_SERVER_INFO = "io.modelcontextprotocol/serverInfo";

  private static final Dict SERVER_INFO = Rpc.obj("name", "agora", "version", "0.1.0");
  private static final String INSTRUCTIONS =
      "Agora: a governed capability marketplace. Every tool call is checked against policy and "
          + "the caller's rights, validated, limited and recorded in a verifiable log.";

  private final Marketplace marketplace;
  private final Tools tools;
  private final Catalog catalog;
  private final InputRounds rounds = new InputRounds();

  /** How often the tool list has changed (counted before clients are told). */
  private final AtomicLong changes = new AtomicLong();

  /** The clients to tell of changes: stdio sessions and HTTP sessions. */
  private final Set<Peer> peers = ConcurrentHashMap.newKeySet();

  public McpGateway(Marketplace marketplace) {
    this.marketplace = marketplace;
    this.tools = new Tools(marketplace);
    this.catalog = new Catalog(marketplace, tools);
    marketplace
        .registry()
        .listen(
            new Registry.Listener() {
              @Override
              public void registered(CapabilityManifest manifest, Registry.Change change) {
                if (change != Registry.Change.UNCHANGED) {
                  changed(manifest);
                }
              }

              @Override
              public void removed(CapabilityManifest manifest) {
                changed(manifest);
              }
            });
    marketplace
        .registry()
        .search(new Query(null, null, null, null, Integer.MAX_VALUE))
        .forEach(m -> tools.publish(m.id()));
  }

  private void changed(CapabilityManifest manifest) {
    tools.publish(manifest.id());
    changes.incrementAndGet();
    String list = Catalog.listOf(manifest);
    for (Peer p : peers) {
      tell(p, list);
    }
  }

  /**
   * Tells {@code peer} that the tool list (and {@code list}, when not null) changed — what of it it
   * listens for, when it is a 2026-07-28 {@code subscriptions/listen} stream.
   */
  private void tell(Peer peer, String list) {
    if (peer.protocolVersion == null) {
      return; // not initialized: it lists what is there when it asks
    }
    long now = changes.get();
    if (peer.wants("tools")
        && peer.notices.send(Rpc.notification("notifications/tools/list_changed", Dict.EMPTY))) {
      peer.toolChangesSeen = now;
    }
    if (list != null && peer.wants(list)) {
      peer.notices.send(Rpc.notification("notifications/" + list + "/list_changed", Dict.EMPTY));
    }
  }

  /**
   * A 2026-07-28 {@code subscriptions/listen}: {@code peer} (its stream) hears from now on of the
   * list changes it asked for, and of updates of the resources it named that its caller may read.
   * Returns what is honoured — the acknowledgement's {@code notifications}: the list changes asked
   * for, and the resources that could be subscribed to.
   */
  Dict listen(Peer peer, Rpc.Request request) {
    if (!(Rpc.field(request.params(), "notifications") instanceof Dict wanted)) {
      throw new Rpc.Failure(
          Rpc.INVALID_PARAMS, "Invalid params: params.notifications is required (an object)");
    }
    Dict.Builder lists = Dict.builder();
    for (String kind : List.of("tools", "prompts", "resources")) {
      if (Value.TRUE.equals(Rpc.field(wanted, kind + "ListChanged"))) {
        lists.put(Json.key(kind + "ListChanged"), Value.TRUE);
      }
    }
    Dict honoured = lists.build();
    peer.listening = honoured;
    if (Rpc.field(wanted, "resourceSubscriptions") instanceof Seq uris) {
      List<Value> subscribed = new ArrayList<>();
      for (Value uri : uris.items()) {
        try {
          catalog.subscribe(peer.caller, Rpc.obj("uri", uri), peer);
          subscribed.add(uri);
        } catch (Rpc.Failure refused) {
          // not honoured: the acknowledgement leaves it out, which tells the client
        }
      }
      honoured = honoured.assoc(Json.key("resourceSubscriptions"), Vec.of(subscribed));
    }
    join(peer);
    return honoured;
  }

  /** A client to tell of list changes from now on. */
  void join(Peer peer) {
    peer.toolChangesSeen = changes.get();
    peers.add(peer);
  }

  void leave(Peer peer) {
    peers.remove(peer);
    peer.cancelAll();
    peer.unwatchAll();
  }

  /** A client's notice stream just opened: it hears of a change it missed meanwhile. */
  void caughtUp(Peer peer) {
    if (peer.toolChangesSeen != changes.get()) {
      tell(peer, null);
    }
  }

  /** Whether a request is of the stateless generation: its {@code _meta} names a version. */
  static boolean stateless(Rpc.Request request) {
    return Rpc.field(Rpc.object(request.params(), "_meta"), META_VERSION) != null;
  }

  /**
   * The answer to {@code request} from {@code peer}; {@code reply} carries what must reach the
   * client before the answer (progress, the upstream's questions). Never throws: a failure is a
   * JSON-RPC error.
   */
  Dict answer(Peer peer, Rpc.Request request, Channel reply) {
    boolean stateless = stateless(request);
    try {
      Value result =
          stateless
              ? statelessly(peer, request, reply)
              : dispatch(peer, request, reply, false, null);
      return Rpc.result(request.id(), result);
    } catch (Rpc.Failure f) {
      return Rpc.error(request.id(), f.code, f.getMessage(), f.data);
    } catch (RuntimeException e) {
      return Rpc.error(
          request.id(), Rpc.INTERNAL_ERROR, "Internal error: " + e.getClass().getSimpleName());
    }
  }

  /** A 2026-07-28 request: its version and capabilities checked, its result marked complete. */
  private Value statelessly(Peer session, Rpc.Request request, Channel reply) {
    // a request of its own: what it declares is not its connection's (stdio carries both eras)
    Peer peer = new Peer(session.caller, null, 1);
    admit(peer, request);
    Value result;
    if (Rpc.field(request.params(), "requestState") != null) {
      result = rounds.resume(peer, request, reply);
    } else if (InputRounds.multiRound(request.method())
        && (peer.declared("elicitation") || peer.declared("sampling") || peer.declared("roots"))) {
      result = rounds.start(peer, request, reply, r -> dispatch(peer, request, reply, true, r));
    } else {
      result = dispatch(peer, request, reply, true, null);
    }
    if (!(result instanceof Dict d)) {
      return result;
    }
    Value kind = d.get(Json.key("resultType"));
    return d.assoc(Json.key("resultType"), kind == null ? Value.of("complete") : kind)
        .assoc(Json.key("_meta"), Rpc.obj(META_SERVER_INFO, SERVER_INFO));
  }

  /**
   * Checks a 2026-07-28 request's {@code _meta} — its version, its client's capabilities — and
   * takes them for {@code peer}.
   */
  private static void admit(Peer peer, Rpc.Request request) {
    Dict meta = Rpc.object(request.params(), "_meta");
    Value version = Rpc.field(meta, META_VERSION);
    if (!Value.of(STATELESS_VERSION).equals(version)) {
      throw new Rpc.Failure(
          Rpc.UNSUPPORTED_VERSION,
          "Unsupported protocol version " + version,
          Rpc.obj("supported", Vec.of(Value.of(STATELESS_VERSION)), "requested", version));
    }
    if (!(Rpc.field(meta, META_CAPABILITIES) instanceof Dict caps)) {
      throw new Rpc.Failure(
          Rpc.INVALID_PARAMS,
          "Invalid params: _meta[\"" + META_CAPABILITIES + "\"] is required (an object)");
    }
    peer.capabilities = caps;
    peer.protocolVersion = STATELESS_VERSION;
  }

  /** The {@code _meta} of every message of listen request {@code id}'s stream. */
  static Dict subscription(Value id) {
    return Rpc.obj("io.modelcontextprotocol/subscriptionId", id);
  }

  /** A listen stream's first message: what is honoured ({@link #listen}). */
  static Dict acknowledgement(Dict honoured, Dict meta) {
    return Rpc.notification(
        "notifications/subscriptions/acknowledged",
        Rpc.obj("notifications", honoured, "_meta", meta));
  }

  /** A notification with {@code meta} as its params' {@code _meta}; anything else as it is. */
  static Dict tagged(Dict message, Dict meta) {
    return Rpc.field(message, "params") instanceof Dict params
        ? message.assoc(Json.key("params"), params.assoc(Json.key("_meta"), meta))
        : message;
  }

  /**
   * A 2026-07-28 {@code subscriptions/listen}, checked as any request of that generation, then
   * {@link #listen}: what is honoured.
   */
  Dict listenStatelessly(Peer peer, Rpc.Request request) {
    admit(peer, request);
    return listen(peer, request);
  }

  /** Answers {@code request}; {@code round}: where a 2026-07-28 call's questions go, or null. */
  private Value dispatch(
      Peer peer, Rpc.Request request, Channel reply, boolean stateless, InputRounds.Round round) {
    Dict params = request.params();
    SecurityContext who = peer.caller;
    return switch (request.method()) {
      case "initialize" -> initialize(peer, params);
      case "ping" -> Dict.EMPTY;
      case "server/discover" -> discover();
      case "logging/setLevel" -> Dict.EMPTY;
      case "tools/list" -> Rpc.obj("tools", tools.list(who));
      case "tools/call" -> tools.call(who, params, link(peer, params, reply, stateless, round));
      case "resources/list" -> catalog.resources(who);
      case "resources/templates/list" -> catalog.templates(who);
      case "resources/read" ->
          catalog.read(who, params, link(peer, params, reply, stateless, round));
      case "resources/subscribe" ->
          catalog.subscribe(who, params, session(peer, request, stateless));
      case "resources/unsubscribe" ->
          catalog.unsubscribe(params, session(peer, request, stateless));
      case "prompts/list" -> catalog.prompts(who);
      case "prompts/get" ->
          catalog.prompt(who, params, link(peer, params, reply, stateless, round));
      default ->
          throw new Rpc.Failure(Rpc.METHOD_NOT_FOUND, "Method not found: " + request.method());
    };
  }

  /**
   * The peer, when it is a session's: 2026-07-28 has no sessions, and no {@code
   * resources/subscribe} (its clients name resources in {@code subscriptions/listen}).
   */
  private static Peer session(Peer peer, Rpc.Request request, boolean stateless) {
    if (stateless) {
      throw new Rpc.Failure(
          Rpc.METHOD_NOT_FOUND,
          "Method not found: "
              + request.method()
              + " needs a 2025-11-25 session (MCP 2026-07-28 clients name the resources to"
              + " watch in subscriptions/listen)");
    }
    return peer;
  }

  private static ClientLink link(
      Peer peer, Dict params, Channel reply, boolean stateless, InputRounds.Round round) {
    Value token = Rpc.field(Rpc.object(params, "_meta"), "progressToken");
    return new ClientLink(peer, reply, token, stateless, round);
  }

  /** The 2025-11-25 protocol version agreed to at {@code initialize} with {@code params}. */
  static String sessionVersion(Dict params) {
    String asked = Rpc.text(params, "protocolVersion");
    return SESSION_VERSIONS.contains(asked) ? asked : SESSION_VERSIONS.getFirst();
  }

  private Dict initialize(Peer peer, Dict params) {
    String version = sessionVersion(params);
    peer.capabilities = Rpc.object(params, "capabilities");
    peer.protocolVersion = version;
    return Rpc.obj(
        "protocolVersion",
        version,
        "capabilities",
        capabilities(true),
        "serverInfo",
        SERVER_INFO,
        "instructions",
        INSTRUCTIONS);
  }

  private Dict discover() {
    List<Value> versions = new ArrayList<>();
    versions.add(Value.of(STATELESS_VERSION));
    SESSION_VERSIONS.forEach(v -> versions.add(Value.of(v)));
    return Rpc.obj(
        "supportedVersions",
        Vec.of(versions),
        "capabilities",
        capabilities(false),
        "instructions",
        INSTRUCTIONS,
        "ttlMs",
        0,
        "cacheScope",
        "private");
  }

  /** What the server offers; {@code sessions}: to a 2025-11-25 session, which may subscribe. */
  private static Dict capabilities(boolean sessions) {
    Dict listChanged = Rpc.obj("listChanged", true);
    return Rpc.obj(
        "tools",
        listChanged,
        "resources",
        sessions ? Rpc.obj("listChanged", true, "subscribe", true) : listChanged,
        "prompts",
        listChanged,
        "logging",
        Dict.EMPTY);
  }

  /** A notification from {@code peer}: a cancellation is acted on; the rest need nothing. */
  void notice(Peer peer, Rpc.Notification n) {
    if (n.method().equals("notifications/cancelled")) {
      Value id = Rpc.field(n.params(), "requestId");
      if (id != null) {
        peer.cancel(id);
      }
    }
  }

  /** The tools a caller would see, by name (for start-up messages and tests). */
  public List<String> toolsFor(SecurityContext who) {
    List<String> names = new ArrayList<>();
    for (Value t : tools.list(who).items()) {
      names.add(Rpc.text((Dict) t, "name"));
    }
    names.sort(Comparator.naturalOrder());
    return names;
  }

  /** What a request's answer is when the request was cancelled while it ran. */
  static Dict cancelled(Value id) {
    return Rpc.error(id, Rpc.REQUEST_CANCELLED, "Request cancelled");
  }

  @Override
  public void close() {
    peers.forEach(Peer::cancelAll);
    peers.forEach(Peer::unwatchAll);
    peers.clear();
  }
}
