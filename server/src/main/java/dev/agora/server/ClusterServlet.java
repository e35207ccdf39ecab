package dev.agora.server;

import dev.agora.chain.ChainFormatException;
import dev.agora.chain.ChainKey;
import dev.agora.chain.VerifierKey;
import dev.agora.core.AgoraNode;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.cluster.RemoteRtfs;
import dev.agora.core.cluster.RemoteRtfsException;
import dev.agora.core.error.AgoraError;
import dev.agora.core.error.Fault;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.core.spi.CallContext;
import dev.agora.core.spi.Cluster;
import dev.agora.core.spi.NodeStore;
import dev.agora.rtfs.Value;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The peer side of the remote-rtfs provider (issue 18), at {@code /cluster/v1/rtfs}: runs a {@code
 * remote-rtfs} capability's implementation for another node on the same store, under the caller's
 * security context and this node's policy, and answers signed with this node's key.
 *
 * <p>A request is taken only when it names a node on the node list with a key — checked before its
 * body is read — is signed by that key, was signed for this node, was sent within {@link
 * RemoteRtfs#SKEW} of this node's clock, and carries a nonce not seen before; only a capability
 * this node offers itself, with the same content, is run. What it refuses before running — 404 not
 * offered, 409 different or already taken, 503 stopping or busy — tells the caller to try another
 * node; 400, 401, 403, 413 and 415 are the caller's to mend. Once a run has happened the answer is
 * always a signed reply (a failure included), never a status that would make the caller run it
 * again elsewhere.
 */
final class ClusterServlet extends HttpServlet {

  /** The largest request body taken. */
  static final int MAX_BODY = 16 * 1024 * 1024;

  /** The longest a run may take here, whatever the caller's deadline. */
  static final Duration MAX_TIME = Duration.ofMinutes(10);

  /** Requests taken at once; more are answered 503 (busy: try another node). */
  static final int MAX_AT_ONCE = 256;

  private final transient AgoraNode node;
  private final transient ChainKey key;
  private final transient Clock clock;
  private transient volatile Cluster cluster;
  private final transient Map<String, Instant> taken = new ConcurrentHashMap<>();
  private final Throttle pruning = new Throttle(1_000);
  private final transient Semaphore admitted = new Semaphore(MAX_AT_ONCE);
  private final transient Object idle = new Object();
  private int running; // guarded by idle
  private volatile boolean stopping;

  ClusterServlet(AgoraNode node, ChainKey key, Clock clock) {
    this.node = node;
    this.key = key;
    this.clock = clock;
  }

  /** Takes requests from the nodes of {@code c} from now on (before, it answers 503). */
  void serve(Cluster c) {
    this.cluster = c;
  }

  /** The requests under way (counted with the node's calls in flight). */
  int running() {
    synchronized (idle) {
      return running;
    }
  }

  /** Refuses new runs with 503 from now on. */
  void stop() {
    stopping = true;
  }

  /**
   * Refuses new runs, and waits up to {@code within} for those under way to answer; true if they
   * all did.
   */
  boolean drain(Duration within) throws InterruptedException {
    stop();
    long until = System.nanoTime() + within.toNanos();
    synchronized (idle) {
      while (running > 0) {
        long left = until - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(idle, left);
      }
    }
    return true;
  }

  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse res) throws IOException {
    Cluster cluster = this.cluster;
    if (cluster == null) {
      refuse(res, 503, "this node keeps no node list (its store has none) or has not joined yet");
      return;
    }
    RemoteRtfs.Transfer transfer = RemoteRtfs.Transfer.ofMediaType(req.getContentType());
    if (transfer == null) {
      refuse(res, 415, "send " + RemoteRtfs.Transfer.BINARY.mediaType() + ", rtfs or json");
      return;
    }
    // who it says it is, before reading anything it sent
    String sender = req.getHeader(RemoteRtfs.NODE_HEADER);
    String signature = req.getHeader(RemoteRtfs.SIGNATURE_HEADER);
    if (sender == null || signature == null) {
      refuse(
          res, 401, "a request must name its node (" + RemoteRtfs.NODE_HEADER + ") and be signed");
      return;
    }
    NodeStore.Node known = cluster.node(sender);
    if (known == null || known.key() == null) {
      refuse(res, 401, "node '" + sender + "' is not on the node list with a key");
      return;
    }
    if (!admitted.tryAcquire()) {
      refuse(res, 503, "node " + cluster.self() + " is busy: " + MAX_AT_ONCE + " requests at once");
      return;
    }
    synchronized (idle) {
      running++;
    }
    try {
      take(cluster, transfer, sender, known, signature, req, res);
    } finally {
      synchronized (idle) {
        if (--running == 0) {
          idle.notifyAll();
        }
      }
      admitted.release();
    }
  }

  private void take(
      Cluster cluster,
      RemoteRtfs.Transfer transfer,
      String sender,
      NodeStore.Node known,
      String signature,
      HttpServletRequest req,
      HttpServletResponse res)
      throws IOException {
    if (stopping) { // after counting it: drain waits for what got past this
      refuse(res, 503, "node " + cluster.self() + " is stopping");
      return;
    }
    byte[] body = req.getContentLengthLong() > MAX_BODY ? null : read(req.getInputStream());
    if (body == null) { // refused unread when its length says so, else once it grows past
      refuse(res, 413, "the request is larger than " + MAX_BODY + " bytes");
      return;
    }
    String problem = signatureProblem(sender, known, signature, body);
    if (problem != null) {
      refuse(res, 401, problem);
      return;
    }
    RemoteRtfs.Request request;
    try {
      request = RemoteRtfs.Request.from(transfer.decode(body));
    } catch (RemoteRtfsException e) {
      refuse(res, 400, "the request does not read: " + e.getMessage());
      return;
    }
    if (!request.node().equals(cluster.self())) {
      refuse(res, 401, "the request was signed for node '" + request.node() + "', not this one");
      return;
    }
    Instant now = clock.instant();
    if (Duration.between(request.sent(), now).abs().compareTo(RemoteRtfs.SKEW) > 0) {
      refuse(res, 401, "the request was sent at " + request.sent() + ", too far from " + now);
      return;
    }
    CapabilityManifest m =
        node.marketplace().registry().get(request.capability(), request.version());
    if (m == null) {
      refuse(res, 404, "node " + cluster.self() + " does not offer " + request.capability());
      return;
    }
    String hash = m.provenance() == null ? "" : m.provenance().contentHash();
    if (!(m.provider() instanceof ProviderSpec.RemoteRtfs) || !hash.equals(request.hash())) {
      refuse(
          res,
          409,
          "node " + cluster.self() + " offers another definition of " + request.capability());
      return;
    }
    if (!node.marketplace().mayCall(request.caller(), m)) { // its context and this node's policy
      refuse(
          res,
          403,
          "node "
              + cluster.self()
              + "'s policy does not let '"
              + request.caller().identity()
              + "' call "
              + m.id());
      return;
    }
    forget(now);
    if (taken.putIfAbsent(request.nonce(), now) != null) {
      refuse(res, 409, "request " + request.nonce() + " was taken here before");
      return;
    }
    byte[] out = answer(cluster, transfer, run(cluster, m, request));
    res.setStatus(200);
    res.setContentType(transfer.mediaType());
    res.setHeader(RemoteRtfs.NODE_HEADER, cluster.self());
    res.setHeader(
        RemoteRtfs.SIGNATURE_HEADER,
        Base64.getEncoder()
            .encodeToString(
                key.sign(RemoteRtfs.replySigned(cluster.self(), request.callId(), out))));
    res.getOutputStream().write(out);
  }

  /** The reply as bytes; a result that cannot travel becomes a failure that can. */
  private static byte[] answer(Cluster cluster, RemoteRtfs.Transfer t, RemoteRtfs.Reply reply) {
    try {
      return t.encode(reply.toValue());
    } catch (RuntimeException e) {
      RemoteRtfs.Failure cannot =
          new RemoteRtfs.Failure(
              "ProviderError",
              "its result cannot be sent back from node " + cluster.self() + ": " + e.getMessage(),
              false,
              false);
      return t.encode(
          new RemoteRtfs.Reply(reply.node(), reply.callId(), null, cannot, reply.children())
              .toValue());
    }
  }

  /** Runs the implementation, and lists what this node recorded under the call. */
  private RemoteRtfs.Reply run(Cluster cluster, CapabilityManifest m, RemoteRtfs.Request request) {
    Instant deadline = clock.instant().plus(min(request.timeout(), MAX_TIME));
    CallContext call = new PeerCall(request, deadline, clock);
    Value result = null;
    RemoteRtfs.Failure failure = null;
    try {
      result = node.marketplace().runRemote(m, request.input(), call, request.depth());
    } catch (AgoraError e) { // the caller's error says which capability failed
      String prefix = "capability '" + m.id() + "' failed: ";
      String message =
          e.getMessage().startsWith(prefix)
              ? e.getMessage().substring(prefix.length())
              : e.getMessage();
      failure =
          new RemoteRtfs.Failure(
              e.kind().name(),
              message,
              e.fault() == Fault.CALLER,
              e instanceof AgoraError.ProviderError p && p.isTransient());
    } catch (RuntimeException e) {
      failure =
          new RemoteRtfs.Failure("ProviderError", String.valueOf(e.getMessage()), false, false);
    }
    List<String> children;
    try {
      children =
          node.chain().children(request.callId()).stream()
              .map(e -> e.columns().actionId())
              .toList();
    } catch (RuntimeException e) { // the run happened: answer it, without the list
      children = List.of();
    }
    return new RemoteRtfs.Reply(cluster.self(), request.callId(), result, failure, children);
  }

  /** Null if {@code signature} is {@code known}'s over {@code body}, else why not. */
  private static String signatureProblem(
      String sender, NodeStore.Node known, String signature, byte[] body) {
    try {
      boolean ok =
          VerifierKey.parse(known.key())
              .verify(
                  RemoteRtfs.requestSigned(sender, body), Base64.getDecoder().decode(signature));
      return ok ? null : "the signature does not check with node '" + sender + "''s key";
    } catch (IllegalArgumentException | ChainFormatException e) {
      return "the signature does not read: " + e.getMessage();
    }
  }

  /**
   * Forgets, at most once a second, the requests taken longer ago than a request may be late (those
   * could not be taken again anyway).
   */
  private void forget(Instant now) {
    if (pruning.due(now.toEpochMilli())) {
      Instant before = now.minus(RemoteRtfs.SKEW.multipliedBy(2));
      taken.values().removeIf(at -> at.isBefore(before));
    }
  }

  private static byte[] read(InputStream in) throws IOException {
    byte[] body = in.readNBytes(MAX_BODY + 1);
    return body.length > MAX_BODY ? null : body;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) < 0 ? a : b;
  }

  private static void refuse(HttpServletResponse res, int status, String message)
      throws IOException {
    res.setStatus(status);
    res.setContentType("text/plain; charset=utf-8");
    res.getOutputStream().write(message.getBytes(StandardCharsets.UTF_8));
  }

  /** The call as the peer's implementation sees it: the caller's id, context, plan and deadline. */
  private record PeerCall(RemoteRtfs.Request request, Instant deadline, Clock clock)
      implements CallContext {
    @Override
    public String callId() {
      return request.callId();
    }

    @Override
    public String capabilityId() {
      return request.capability();
    }

    @Override
    public SecurityContext caller() {
      return request.caller();
    }

    @Override
    public String planId() {
      return request.planId();
    }

    @Override
    public Duration remaining() {
      return Duration.between(clock.instant(), deadline);
    }

    @Override
    public Duration timeout() {
      return request.timeout();
    }
  }
}
