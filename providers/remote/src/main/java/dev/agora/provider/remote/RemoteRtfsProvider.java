package dev.agora.provider.remote;

import dev.agora.chain.ChainFormatException;
import dev.agora.chain.VerifierKey;
import dev.agora.core.cluster.RemoteRtfs;
import dev.agora.core.cluster.RemoteRtfsException;
import dev.agora.core.error.AgoraError;
import dev.agora.core.local.LocalProvider;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.core.net.CappedBody;
import dev.agora.core.spi.CallContext;
import dev.agora.core.spi.Cluster;
import dev.agora.core.spi.NodeStore;
import dev.agora.core.spi.Provider;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The {@code remote-rtfs} provider (issue 18): a capability whose RTFS implementation runs on a
 * peer Agora node. The call — capability, input, the caller's security context, the call's id and
 * deadline — is signed with this node's key and sent to the node the {@link Balancer} chooses among
 * those that are up ({@code nodes: cluster}) or listed ({@code nodes: [url …]}). The peer runs it
 * under the caller's context and its own policy, records its own calls as children of this call,
 * and answers, signed with its key; the answer's node and children are noted on this call's result
 * in the Causal Chain.
 *
 * <p>A node that refuses the connection, or answers that it cannot take the call (it does not offer
 * the capability, or is stopping), is passed over for the next: nothing ran there. A call that
 * reached a node is not sent again by this provider — the call path's resilience policy decides
 * whether to retry it, as for any provider.
 */
public final class RemoteRtfsProvider implements Provider {

  /** The largest answer read from a node. */
  static final long MAX_REPLY = 64L * 1024 * 1024;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Balancer balancer;
  private final long maxReply;
  private volatile Cluster cluster;

  public RemoteRtfsProvider() {
    this(Clock.systemUTC());
  }

  RemoteRtfsProvider(Clock clock) {
    this(clock, MAX_REPLY);
  }

  RemoteRtfsProvider(Clock clock, long maxReply) {
    this.balancer = new Balancer(clock);
    this.maxReply = maxReply;
  }

  @Override
  public String type() {
    return "remote-rtfs";
  }

  @Override
  public void cluster(Cluster cluster) {
    this.cluster = cluster;
  }

  /** Requests time out at the deadline. */
  @Override
  public boolean keepsDeadline(CapabilityManifest manifest) {
    return true;
  }

  @Override
  public Value execute(CapabilityManifest m, Value input, CallContext call) throws Exception {
    Cluster c = cluster;
    if (c == null) {
      throw AgoraError.ProviderError.refused(
          m.id(),
          "a remote-rtfs capability runs on a peer node: call it on a node started with"
              + " 'agora serve' (it signs the request with its key)",
          null);
    }
    ProviderSpec.RemoteRtfs spec = (ProviderSpec.RemoteRtfs) m.provider();
    RemoteRtfs.Transfer transfer = transfer(m);
    List<Balancer.Target> targets = targets(c, spec, m, call);
    if (targets.isEmpty()) {
      throw AgoraError.ProviderError.transientFailure(
          m.id(), "no peer node is on the node list to run it (agora nodes lists them)", null);
    }
    String hash =
        m.provenance() == null || m.provenance().contentHash() == null
            ? ""
            : m.provenance().contentHash();
    int depth = LocalProvider.depth(); // how deep this node already is in implementations
    List<String> passedOver = new ArrayList<>();
    for (Balancer.Target target : balancer.order(targets)) {
      Duration left = call.remaining();
      if (left.isNegative() || left.isZero()) {
        throw new AgoraError.Timeout(m.id(), call.timeout());
      }
      if (target.id() == null) { // a listed URL no node on the node list has
        passedOver.add(target.url() + ": no node on the node list is at this URL");
        continue;
      }
      // signed for this node and this attempt: it cannot be replayed to another node, or twice
      RemoteRtfs.Request request =
          new RemoteRtfs.Request(
              target.id(),
              nonce(),
              m.id(),
              m.version(),
              hash,
              input,
              call.caller(),
              call.callId(),
              call.planId(),
              left,
              Instant.now(),
              depth);
      byte[] body = transfer.encode(request.toValue());
      String signature =
          Base64.getEncoder().encodeToString(c.sign(RemoteRtfs.requestSigned(c.self(), body)));
      HttpRequest post =
          HttpRequest.newBuilder(target.url().resolve(RemoteRtfs.PATH))
              .timeout(left)
              .header("Content-Type", transfer.mediaType())
              .header("Accept", transfer.mediaType())
              .header(RemoteRtfs.NODE_HEADER, c.self())
              .header(RemoteRtfs.SIGNATURE_HEADER, signature)
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build();
      HttpResponse<byte[]> response;
      try (Balancer.Lease lease = balancer.lease(target.url())) {
        response = http.send(post, CappedBody.handler(maxReply));
      } catch (ConnectException | HttpConnectTimeoutException e) { // nothing reached it: next
        balancer.failed(target.url());
        passedOver.add(target.id() + ": " + describe(e));
        continue;
      } catch (HttpTimeoutException e) {
        throw new AgoraError.Timeout(m.id(), call.timeout());
      } catch (IOException e) {
        if (e.getCause() instanceof CappedBody.TooLarge) {
          throw tooLarge(m, target, maxReply, e);
        }
        balancer.failed(target.url());
        throw AgoraError.ProviderError.transientFailure(
            m.id(), "node " + target.id() + " did not answer: " + describe(e), e);
      }
      if (response.body() == null) { // its length said more than the cap: not read
        throw tooLarge(m, target, maxReply, null);
      }
      int status = response.statusCode();
      if (status == 503 || status == 404 || status == 409) { // it did not run the call
        balancer.failed(target.url());
        passedOver.add(target.id() + ": " + status + " " + text(response.body()));
        continue;
      }
      if (status >= 500) {
        balancer.failed(target.url()); // it took the call and failed: it rests
      }
      if (status != 200) {
        throw (status >= 500
            ? AgoraError.ProviderError.transientFailure(
                m.id(),
                "node " + target.id() + " answered " + status + ": " + text(response.body()),
                null)
            : AgoraError.ProviderError.refused(
                m.id(),
                "node " + target.id() + " refused: " + status + " " + text(response.body()),
                null));
      }
      balancer.succeeded(target.url());
      return answer(m, c, target, call, transfer, response);
    }
    throw AgoraError.ProviderError.transientFailure(
        m.id(), "no node could take it: " + String.join("; ", passedOver), null);
  }

  /**
   * The result of a reply, once its signature and call are checked; its node and children noted.
   */
  private static Value answer(
      CapabilityManifest m,
      Cluster c,
      Balancer.Target target,
      CallContext call,
      RemoteRtfs.Transfer transfer,
      HttpResponse<byte[]> response) {
    String peer = response.headers().firstValue(RemoteRtfs.NODE_HEADER).orElse(null);
    String signature = response.headers().firstValue(RemoteRtfs.SIGNATURE_HEADER).orElse("");
    if (!target.id().equals(peer)) { // sent only to nodes known by id: it must answer as itself
      throw bad(m, target, "it answered as node '" + peer + "'");
    }
    NodeStore.Node known = c.node(peer);
    if (known == null || known.key() == null) {
      throw bad(m, target, "node '" + peer + "' has no key on the node list to check its answer");
    }
    byte[] body = response.body();
    try {
      byte[] sig = Base64.getDecoder().decode(signature);
      if (!VerifierKey.parse(known.key())
          .verify(RemoteRtfs.replySigned(peer, call.callId(), body), sig)) {
        throw bad(m, target, "its answer's signature does not check with its key");
      }
    } catch (IllegalArgumentException | ChainFormatException e) {
      throw bad(m, target, "its answer's signature does not read: " + e.getMessage());
    }
    RemoteRtfs.Reply reply;
    try {
      reply = RemoteRtfs.Reply.from(transfer.decode(body));
    } catch (RemoteRtfsException e) {
      throw bad(m, target, "its answer does not read: " + e.getMessage());
    }
    if (!reply.callId().equals(call.callId())) {
      throw bad(m, target, "it answered call " + reply.callId());
    }
    call.note("node", Value.of(peer));
    call.note(
        "remote",
        Dict.builder()
            .put("node", Value.of(peer))
            .put("children", Vec.of(reply.children().stream().map(Value::of).toList()))
            .build());
    RemoteRtfs.Failure f = reply.failure();
    if (f == null) {
      return reply.result();
    }
    String message = "on node " + peer + ": " + f.message();
    if (f.kind().equals("Timeout")) {
      throw new AgoraError.Timeout(m.id(), call.timeout());
    }
    if (f.callerFault()) {
      throw AgoraError.ProviderError.refused(m.id(), message, null);
    }
    throw f.isTransient()
        ? AgoraError.ProviderError.transientFailure(m.id(), message, null)
        : new AgoraError.ProviderError(m.id(), message, null);
  }

  /**
   * The nodes it may run on: the peers that are up, or the URLs listed (through the egress guard).
   */
  private static List<Balancer.Target> targets(
      Cluster c, ProviderSpec.RemoteRtfs spec, CapabilityManifest m, CallContext call) {
    List<Balancer.Target> out = new ArrayList<>();
    if (spec.nodes().isEmpty()) {
      for (NodeStore.Node n : c.peers()) {
        out.add(new Balancer.Target(n.id(), URI.create(n.url()), n.inFlight(), c.up(n)));
      }
      return out;
    }
    for (URI url : spec.nodes()) {
      call.egress().check(m.id(), url);
      NodeStore.Node listed =
          c.peers().stream().filter(n -> sameUrl(n.url(), url)).findFirst().orElse(null);
      out.add(
          listed == null
              ? new Balancer.Target(null, url, 0, true)
              : new Balancer.Target(listed.id(), url, listed.inFlight(), c.up(listed)));
    }
    return out;
  }

  private static boolean sameUrl(String listed, URI url) {
    return URI.create(listed).normalize().equals(url.normalize());
  }

  private static String nonce() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return java.util.HexFormat.of().formatHex(b);
  }

  private static RemoteRtfs.Transfer transfer(CapabilityManifest m) {
    Value v = m.provider().options().get("transfer");
    if (v == null) {
      return RemoteRtfs.Transfer.BINARY;
    }
    RemoteRtfs.Transfer t =
        RemoteRtfs.Transfer.named(
            switch (v) {
              case Value.Str s -> s.value();
              case Value.Keyword k -> k.name();
              default -> v.toString();
            });
    if (t == null) {
      throw AgoraError.ProviderError.refused(
          m.id(), "unknown transfer " + v + "; use binary, rtfs or json", null);
    }
    return t;
  }

  @Override
  public void close() {
    http.close();
  }

  private static AgoraError tooLarge(
      CapabilityManifest m, Balancer.Target target, long max, Throwable cause) {
    return new AgoraError.ProviderError(
        m.id(), "node " + target.id() + " answered more than " + max + " bytes", cause);
  }

  private static AgoraError bad(CapabilityManifest m, Balancer.Target target, String why) {
    return new AgoraError.ProviderError(m.id(), "node " + target.id() + ": " + why, null);
  }

  private static String describe(IOException e) {
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  /** The start of a refusal's body, as text, for the error message. */
  private static String text(byte[] body) {
    String s = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8).strip();
    return s.isEmpty() ? "(no body)" : s;
  }
}
