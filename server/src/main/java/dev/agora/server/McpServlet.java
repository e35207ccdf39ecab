package dev.agora.server;

import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.spi.StoreException;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * MCP over HTTP at {@code /mcp}, both generations on the one endpoint. A POST whose request names a
 * protocol version in {@code _meta} is 2026-07-28: it stands alone, its {@code Mcp-Method} and
 * {@code Mcp-Name} headers must agree with its body, and errors carry the HTTP status that protocol
 * gives them. Anything else is 2025-11-25 Streamable HTTP: {@code initialize} opens a session
 * ({@code Mcp-Session-Id}), later messages name it, GET opens its event stream, DELETE ends it.
 *
 * <p>The guard in front ({@link AgoraServer}) has already identified the caller, checked its limits
 * and session, and read the body; each request is answered on the thread that received it.
 */
final class McpServlet extends HttpServlet {

  static final String BODY = "agora.body";
  static final String WHO = "agora.who";
  static final String SESSION = "Mcp-Session-Id";

  /** Put on a session's event stream to end it (the session is over). */
  private static final Dict END_OF_STREAM = Rpc.obj("end", true);

  private final transient McpGateway gateway;
  private final transient Map<String, Peer> sessions = new ConcurrentHashMap<>();

  /** Where sessions are shared with the other nodes; null: this node's own. */
  private transient volatile SharedSessions shared;

  /** The open 2026-07-28 {@code subscriptions/listen} streams. */
  private final transient Set<Peer> listeners = ConcurrentHashMap.newKeySet();

  private final Duration keepAlive;
  private final int maxInFlight;
  private final Duration sessionIdle;
  private final int maxSessions;

  McpServlet(McpGateway gateway, ServerSettings settings) {
    this.gateway = gateway;
    this.keepAlive = settings.keepAlive();
    this.maxInFlight = settings.maxInFlight();
    this.sessionIdle = settings.sessionIdle();
    this.maxSessions = settings.maxSessions();
  }

  /**
   * From now on, sessions are kept in the store the nodes share, and one this node does not hold is
   * taken up from there (issue 18).
   */
  void share(SharedSessions shared) {
    this.shared = shared;
  }

  /** What a request naming a session finds of it: the caller's, none, or no room to hold it. */
  enum Claim {
    OWN,
    NONE,
    FULL
  }

  /**
   * Whether session {@code id} exists and was opened by {@code who}'s caller — taken up from the
   * store the nodes share when it was opened on another node; {@link Claim#FULL} when it could be
   * taken up but {@code server.max_sessions} are held here, none of which can be let go.
   */
  Claim claim(String id, SecurityContext who) {
    Peer p = sessions.get(id);
    if (p != null && !p.caller.identity().equals(who.identity())) {
      return Claim.NONE; // another caller's: not even kept alive by this request
    }
    if (live(p) != null) {
      return Claim.OWN;
    }
    SharedSessions s = shared;
    Peer taken = s == null ? null : s.adopt(id, who, maxInFlight); // for who's caller only
    if (taken == null) {
      return Claim.NONE;
    }
    Peer held = hold(id, taken);
    if (held == null) {
      return Claim.FULL;
    }
    // the copy another request took up first: the same session, so the same caller
    return held.caller.identity().equals(who.identity()) ? Claim.OWN : Claim.NONE;
  }

  /**
   * Session {@code id}, or null when there is none — or it was idle longer than {@code
   * server.session_idle}, in which case it ends now and its client, told 404, starts a new one; or
   * it was ended on another node.
   */
  private Peer live(String id) {
    return live(sessions.get(id));
  }

  /** {@link #live(String)} of session {@code p} found already (null: none). */
  private Peer live(Peer p) {
    if (p != null && p.idle(System.nanoTime(), sessionIdle)) {
      end(p);
      return null;
    }
    return p == null || stillShared(p) ? p : null;
  }

  /**
   * Whether session {@code p}, in use, is still kept where the nodes share it (saying that it is in
   * use, now and then); when it was ended on another node, it ends here too.
   */
  private boolean stillShared(Peer p) {
    SharedSessions s = shared;
    if (s == null || s.heard(p)) {
      return true;
    }
    end(p);
    return false;
  }

  /**
   * Holds {@code taken}, session {@code id} taken up from the store; the session held here already
   * when another request took it up first, or null when there is no room.
   */
  private Peer hold(String id, Peer taken) {
    gateway.join(taken); // before anyone can find it, so that ending it always finds it joined
    synchronized (this) { // two requests of one client taking it up at once: one session
      Peer there = sessions.get(id);
      if (there == null && admit(id, taken)) {
        return taken;
      }
      gateway.leave(taken);
      return there;
    }
  }

  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse res) throws IOException {
    String type = req.getContentType();
    if (type == null || !type.toLowerCase().startsWith("application/json")) {
      fail(res, 415, Value.NIL, Rpc.INVALID_REQUEST, "Content-Type must be application/json");
      return;
    }
    byte[] body =
        req.getAttribute(BODY) instanceof byte[] b ? b : req.getInputStream().readAllBytes();
    SecurityContext who = (SecurityContext) req.getAttribute(WHO);
    Rpc.Message message;
    try {
      message = Rpc.parse(body);
    } catch (Rpc.Invalid e) {
      fail(res, 400, e.id, e.code, e.getMessage());
      return;
    }
    String sessionId = req.getHeader(SESSION);
    switch (message) {
      case Rpc.Request r when McpGateway.stateless(r) -> stateless(req, res, who, r);
      case Rpc.Request r when r.method().equals("initialize") -> open(req, res, who, r);
      case Rpc.Request r -> {
        Peer peer = session(res, sessionId);
        if (peer != null && accepts(req, res)) {
          answer(peer, r, res, 200);
        }
      }
      case Rpc.Notification n -> {
        Peer peer = sessionId == null ? null : live(sessionId);
        if (peer != null) {
          peer.seen();
          gateway.notice(peer, n);
        }
        res.setStatus(202);
      }
      case Rpc.Response r -> {
        Peer peer = sessionId == null ? null : live(sessionId);
        if (peer != null) {
          peer.seen();
          peer.answered(r);
        }
        res.setStatus(202);
      }
    }
  }

  /** {@code initialize}: a new session, the caller's. */
  private void open(
      HttpServletRequest req, HttpServletResponse res, SecurityContext who, Rpc.Request r)
      throws IOException {
    if (!accepts(req, res)) {
      return;
    }
    String id = UUID.randomUUID().toString();
    Peer peer = new Peer(who, id, maxInFlight);
    if (!admit(id, peer)) {
      fail(
          res,
          503,
          r.id(),
          Rpc.SERVER_ERROR,
          "too many MCP sessions: at most "
              + maxSessions
              + " at once (server.max_sessions); end one (DELETE), or retry when an idle one has"
              + " expired (server.session_idle: "
              + sessionIdle
              + ")");
      return;
    }
    SharedSessions s = shared;
    if (s != null) { // kept before the client learns the id: its next request may go elsewhere
      s.opened(peer, McpGateway.sessionVersion(r.params()), Rpc.object(r.params(), "capabilities"));
    }
    gateway.join(peer);
    res.setHeader(SESSION, id);
    answer(peer, r, res, 200);
  }

  /** A 2026-07-28 request: its headers checked against its body, answered on its own. */
  private void stateless(
      HttpServletRequest req, HttpServletResponse res, SecurityContext who, Rpc.Request r)
      throws IOException {
    String mismatch = headerMismatch(req, r);
    if (mismatch != null) {
      fail(res, 400, r.id(), Rpc.HEADER_MISMATCH, "Header mismatch: " + mismatch);
    } else if (r.method().equals("subscriptions/listen")) {
      listen(res, who, r);
    } else {
      answer(new Peer(who, null, 1), r, res, 0);
    }
  }

  /** What disagrees between a 2026-07-28 request's headers and its body, or null. */
  static String headerMismatch(HttpServletRequest req, Rpc.Request r) {
    Value version = Rpc.field(Rpc.object(r.params(), "_meta"), McpGateway.META_VERSION);
    String header = req.getHeader("MCP-Protocol-Version");
    if (header == null || !Value.of(header).equals(version)) {
      return "MCP-Protocol-Version is " + header + ", the request's _meta says " + version;
    }
    String method = decoded(req.getHeader("Mcp-Method"));
    if (!r.method().equals(method)) {
      return "Mcp-Method is " + method + ", the request's method " + r.method();
    }
    String nameField =
        switch (r.method()) {
          case "tools/call", "prompts/get" -> "name";
          case "resources/read" -> "uri";
          default -> null;
        };
    if (nameField != null) {
      String name = decoded(req.getHeader("Mcp-Name"));
      String inBody = Rpc.text(r.params(), nameField);
      if (name == null || !name.equals(inBody)) {
        return "Mcp-Name is " + name + ", the request's " + nameField + " " + inBody;
      }
    }
    return null;
  }

  /** A header value, decoded when sent as {@code =?base64?…?=}. */
  static String decoded(String value) {
    if (value != null && value.startsWith("=?base64?") && value.endsWith("?=")) {
      try {
        return new String(
            Base64.getDecoder().decode(value.substring(9, value.length() - 2)),
            StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    return value;
  }

  /**
   * Answers {@code r} on this thread. {@code status} 0: the 2026-07-28 rule, the status follows the
   * error's code.
   */
  private void answer(Peer peer, Rpc.Request r, HttpServletResponse res, int status)
      throws IOException {
    ReplyStream reply = new ReplyStream(res);
    Peer.Running running = peer.start(r.id());
    if (running == null) {
      reply.finish(
          Rpc.error(
              r.id(),
              Rpc.SERVER_ERROR,
              "too many requests in flight: at most "
                  + peer.maxInFlight()
                  + " at once on one session; this one was refused, retry when answers come"),
          200);
      return;
    }
    Dict answer;
    // a 2026-07-28 client cancels by closing the stream: noticed by writing to it
    Hangups.Watch watch =
        status == 0 && InputRounds.multiRound(r.method())
            ? Hangups.watch(reply, () -> peer.cancel(r.id()))
            : null;
    try {
      answer = gateway.answer(peer, r, reply);
      Thread.interrupted(); // a cancellation has done its work; the answer is still written
      if (running.cancelled) {
        answer = McpGateway.cancelled(r.id());
      }
    } finally {
      if (watch != null) {
        Hangups.forget(watch);
      }
      peer.finish(r.id(), running);
    }
    reply.finish(answer, status != 0 ? status : statusOf(answer));
  }

  /** The 2026-07-28 HTTP status of an answer. */
  private static int statusOf(Dict answer) {
    if (!(Rpc.field(answer, "error") instanceof Dict error)
        || !(Rpc.field(error, "code") instanceof Value.Int code)) {
      return 200;
    }
    int c = (int) code.value();
    return c == Rpc.METHOD_NOT_FOUND
        ? 404
        : c == Rpc.PARSE_ERROR
                || c == Rpc.INVALID_REQUEST
                || c == Rpc.INVALID_PARAMS
                || (c <= Rpc.HEADER_MISMATCH && c >= -32099)
            ? 400
            : 200;
  }

  /**
   * Opens session {@code id} — the caller's before the client can learn the id — unless {@code
   * server.max_sessions} are open and none of them has been idle long enough to end (or, where
   * sessions are shared, is quiet and kept in the store).
   */
  private synchronized boolean admit(String id, Peer peer) {
    if (sessions.size() >= maxSessions) {
      long now = System.nanoTime();
      sessions.values().stream().filter(p -> p.idle(now, sessionIdle)).toList().forEach(this::end);
      if (sessions.size() >= maxSessions && shared != null) {
        // a session the store keeps, with nothing running and no stream, is let go here: its next
        // request takes it up again (from this node or another)
        sessions.values().stream()
            .filter(p -> p.stored && p.quiet())
            .min(Comparator.comparingLong(Peer::lastSeen))
            .ifPresent(this::end);
      }
      if (sessions.size() >= maxSessions) {
        return false;
      }
    }
    sessions.put(id, peer);
    return true;
  }

  /** The session a request names, or null after answering 400 (none named) or 404 (unknown). */
  private Peer session(HttpServletResponse res, String id) throws IOException {
    if (id == null) {
      fail(res, 400, Value.NIL, Rpc.INVALID_REQUEST, "Bad Request: Session ID required");
      return null;
    }
    Peer peer = live(id);
    if (peer == null) {
      fail(res, 404, Value.NIL, Rpc.INVALID_REQUEST, "Session not found: re-initialize");
      return null;
    }
    peer.seen();
    return peer;
  }

  /** A 2025-11-25 POST must accept both answers: JSON and an event stream. */
  private static boolean accepts(HttpServletRequest req, HttpServletResponse res)
      throws IOException {
    String accept = req.getHeader("Accept");
    if (accept == null
        || !accept.contains("text/event-stream")
        || !accept.contains("application/json")) {
      fail(
          res,
          400,
          Value.NIL,
          Rpc.INVALID_REQUEST,
          "Bad Request: application/json and text/event-stream required in Accept header");
      return false;
    }
    return true;
  }

  /** GET: the session's event stream — notices not tied to a request — kept alive. */
  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
    if (McpGateway.STATELESS_VERSION.equals(req.getHeader("MCP-Protocol-Version"))) {
      fail(res, 405, Value.NIL, Rpc.INVALID_REQUEST, "GET is not part of 2026-07-28");
      return;
    }
    Peer peer = session(res, req.getHeader(SESSION));
    if (peer == null) {
      return;
    }
    String accept = req.getHeader("Accept");
    if (accept == null || !accept.contains("text/event-stream")) {
      fail(
          res,
          400,
          Value.NIL,
          Rpc.INVALID_REQUEST,
          "Bad Request: Accept must allow text/event-stream");
      return;
    }
    BlockingQueue<Dict> queue = new ArrayBlockingQueue<>(256);
    Channel notices = queue::offer; // a client that does not read loses notices, never blocks us
    peer.notices = notices;
    ReplyStream.events(res);
    res.setStatus(200);
    res.flushBuffer();
    gateway.caughtUp(peer);
    try {
      // each keep-alive also says to the store that the session is in use
      stream(
          res,
          queue,
          () ->
              sessions.get(peer.sessionId) == peer && peer.notices == notices && stillShared(peer));
    } finally {
      if (peer.notices == notices) {
        peer.notices = Channel.NONE;
      }
      peer.seen(); // idle from the end of its stream
    }
  }

  /**
   * Writes what comes in {@code queue} as events while {@code open} holds, with a keep-alive when
   * nothing came for {@code server.keep_alive}. True when the server ended it ({@link
   * #END_OF_STREAM}), false when the client went away or it was closed.
   */
  private boolean stream(HttpServletResponse res, BlockingQueue<Dict> queue, BooleanSupplier open) {
    try {
      OutputStream out = res.getOutputStream();
      while (open.getAsBoolean()) {
        Dict next = queue.poll(keepAlive.toMillis(), TimeUnit.MILLISECONDS);
        if (next == END_OF_STREAM) {
          return true;
        } else if (next == null) {
          out.write(":\n\n".getBytes(StandardCharsets.UTF_8)); // keep-alive
        } else {
          ReplyStream.event(out, Rpc.bytes(next));
        }
        res.flushBuffer();
      }
    } catch (IOException | InterruptedException e) {
      // the client went away, or the server is stopping
    }
    return false;
  }

  /**
   * A 2026-07-28 {@code subscriptions/listen}: an event stream that starts with {@code
   * notifications/subscriptions/acknowledged} (what is honoured), then carries the list changes and
   * resource updates asked for, each with the subscription's id in its {@code _meta}, until the
   * client closes it — or the server stops, which ends it with a {@code complete} result.
   */
  private void listen(HttpServletResponse res, SecurityContext who, Rpc.Request r)
      throws IOException {
    if (listeners.size() >= maxSessions) { // each stream holds what a session holds
      fail(
          res,
          503,
          r.id(),
          Rpc.SERVER_ERROR,
          "too many subscriptions/listen streams: at most "
              + maxSessions
              + " at once (server.max_sessions); close one, or retry later");
      return;
    }
    Peer peer = new Peer(who, null, 1);
    Dict meta = McpGateway.subscription(r.id());
    BlockingQueue<Dict> queue = new ArrayBlockingQueue<>(256);
    Channel notices = m -> queue.offer(McpGateway.tagged(m, meta));
    peer.notices = notices; // what comes while it subscribes waits here, behind the acknowledgement
    try {
      Dict honoured;
      try {
        honoured = gateway.listenStatelessly(peer, r);
      } catch (Rpc.Failure f) {
        Dict error = Rpc.error(r.id(), f.code, f.getMessage(), f.data);
        ReplyStream.json(res, statusOf(error), Rpc.bytes(error));
        return;
      }
      listeners.add(peer);
      ReplyStream.events(res);
      res.setStatus(200);
      ReplyStream.event(
          res.getOutputStream(), Rpc.bytes(McpGateway.acknowledgement(honoured, meta)));
      res.flushBuffer();
      if (stream(res, queue, () -> peer.notices == notices)) {
        ReplyStream.event(
            res.getOutputStream(),
            Rpc.bytes(Rpc.result(r.id(), Rpc.obj("resultType", "complete"))));
        res.flushBuffer();
      }
    } catch (IOException e) {
      // the client went away: what it subscribed to ends below
    } finally {
      listeners.remove(peer);
      gateway.leave(peer); // whatever happened, nothing it subscribed to stays open
    }
  }

  /** DELETE: the session ends; what it has running is cancelled. */
  @Override
  protected void doDelete(HttpServletRequest req, HttpServletResponse res) throws IOException {
    Peer peer = session(res, req.getHeader(SESSION));
    if (peer != null) {
      SharedSessions s = shared;
      if (s != null) { // ended where every node sees it first: nothing can take it up afterwards
        try {
          s.ended(peer.sessionId);
        } catch (StoreException e) {
          fail(
              res,
              503,
              Value.NIL,
              Rpc.SERVER_ERROR,
              "the session could not be ended on every node (the store failed); it goes on:"
                  + " retry the DELETE");
          return;
        }
      }
      end(peer);
      res.setStatus(200);
    }
  }

  /** A JSON-RPC error as the whole answer. */
  static void fail(HttpServletResponse res, int status, Value id, int code, String message)
      throws IOException {
    ReplyStream.json(res, status, Rpc.bytes(Rpc.error(id, code, message)));
  }

  /**
   * Ends every session and listening stream (the server is stopping). Sessions kept in the store
   * stay there: their clients go on with another node.
   */
  void closeAll() {
    sessions.values().forEach(this::end);
    listeners.forEach(p -> p.notices.send(END_OF_STREAM));
  }

  /** Ends a session: forgotten, its event stream closed, what it runs cancelled. */
  private void end(Peer peer) {
    sessions.remove(peer.sessionId, peer); // not another copy taken up since
    Channel stream = peer.notices;
    peer.notices = Channel.NONE;
    stream.send(END_OF_STREAM);
    gateway.leave(peer);
  }
}
