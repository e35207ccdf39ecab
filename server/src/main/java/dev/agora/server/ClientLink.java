package dev.agora.server;

import dev.agora.core.error.AgoraError;
import dev.agora.core.spi.Downstream;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The MCP client that made one call, as the call's providers see it: progress goes to it as {@code
 * notifications/progress} with its own token, and an upstream's sampling or elicitation request is
 * put to it on {@code channel} — the stream of that very request — and its answer awaited. A
 * 2026-07-28 client is asked through its call's {@link InputRounds.Round} (an {@code
 * input_required} answer, then its retry), when it has one.
 */
final class ClientLink implements Downstream {

  private final Peer peer;
  private final Channel channel;
  private final Value progressToken;
  private final boolean stateless;
  private final InputRounds.Round round;

  ClientLink(Peer peer, Channel channel, Value progressToken, boolean stateless) {
    this(peer, channel, progressToken, stateless, null);
  }

  /**
   * @param round where a 2026-07-28 call's questions go (null: it has none, and is asked nothing);
   *     its progress goes there too, to the request waiting for the call now
   */
  ClientLink(
      Peer peer, Channel channel, Value progressToken, boolean stateless, InputRounds.Round round) {
    this.peer = peer;
    this.channel = round == null ? channel : round;
    this.progressToken = progressToken;
    this.stateless = stateless;
    this.round = round;
  }

  @Override
  public void progress(double progress, Double total, String message) {
    // in rounds, progress belongs to the request waiting now, with its own token
    Value progressToken = round == null ? this.progressToken : round.token;
    if (progressToken != null) {
      channel.send(
          Rpc.notification(
              "notifications/progress",
              Rpc.obj(
                  "progressToken",
                  progressToken,
                  "progress",
                  progress,
                  "total",
                  total,
                  "message",
                  message)));
    }
  }

  /** The client is the peer: one session, or one {@code agora mcp} process. */
  @Override
  public Object client() {
    return peer;
  }

  @Override
  public boolean supports(String capability) {
    return (stateless ? round != null : channel != Channel.NONE) && peer.declared(capability);
  }

  @Override
  public Value request(String method, Value params, Duration timeout) {
    String needs = needs(method);
    if (needs == null || !supports(needs)) {
      throw new AgoraError.ProviderError(
          "downstream",
          method
              + (stateless && round == null
                  ? " cannot be put to a 2026-07-28 client during a call"
                  : needs == null
                      ? " is not a request Agora passes to its clients"
                      : " needs a client that declared '" + needs + "', and this one did not"),
          null);
    }
    if (stateless) {
      return round.ask(method, params, timeout);
    }
    Peer.Question q = peer.ask();
    if (!channel.send(Rpc.request(q.id(), method, params))) {
      q.answer().cancel(false);
      throw new AgoraError.ProviderError(
          "downstream", method + " could not be sent: the client is gone", null);
    }
    try {
      Rpc.Response r = q.answer().get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
      if (r.error() != null) {
        throw new AgoraError.ProviderError(
            "downstream",
            "the client refused "
                + method
                + ": "
                + (Rpc.text(r.error(), "message") == null ? "" : Rpc.text(r.error(), "message")),
            null);
      }
      return r.result() == null ? Dict.EMPTY : r.result();
    } catch (TimeoutException e) {
      throw new AgoraError.ProviderError(
          "downstream", "the client did not answer " + method + " within " + timeout, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AgoraError.ProviderError("downstream", method + " was cancelled", null);
    } catch (ExecutionException | CancellationException e) {
      throw new AgoraError.ProviderError(
          "downstream", method + " got no answer: the client's session ended", null);
    } finally {
      q.answer().cancel(false);
    }
  }

  /** The client capability a request needs, or null for one Agora does not pass on. */
  private static String needs(String method) {
    return switch (method) {
      case "sampling/createMessage" -> "sampling";
      case "elicitation/create" -> "elicitation";
      case "roots/list" -> "roots";
      default -> null;
    };
  }
}
