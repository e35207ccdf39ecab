package dev.agora.server;

import dev.agora.core.error.AgoraError;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * 2026-07-28 calls that ask their client something while they run. That generation has no requests
 * from server to client: a call whose upstream asks (elicitation, sampling, roots) is answered
 * {@code input_required} with the question and a {@code requestState}, and the client sends the
 * request again with its answer in {@code inputResponses} and the same {@code requestState}
 * (multi-round-trip requests). Agora keeps the call running meanwhile — one call on the call path,
 * recorded once — and each retry hands it the answer and waits for what it says next: another
 * question, or its result.
 *
 * <p>Only a client that declared what can be asked gets a round (its call runs on a thread of its
 * own); any other is answered on the request's thread, as before. A {@code requestState} is 128
 * random bits, good only for the caller, method and target (tool, prompt or URI) it was issued for,
 * and only while its call runs; at most {@link #MAX_OPEN} rounds are open at once, {@link
 * #MAX_PER_CALLER} of them one caller's (beyond that, a call runs without one and its questions are
 * refused).
 */
final class InputRounds {

  static final int MAX_OPEN = 1024;

  /** At most this many of them one caller's: one caller cannot take every round. */
  static final int MAX_PER_CALLER = 64;

  private final Map<String, Round> open = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();

  /** Whether a request of {@code method} may be answered {@code input_required}. */
  static boolean multiRound(String method) {
    return switch (method) {
      case "tools/call", "prompts/get", "resources/read" -> true;
      default -> false;
    };
  }

  /** What a request is about: the tool or prompt name, or the URI. */
  private static String target(Rpc.Request request) {
    return Rpc.text(request.params(), request.method().equals("resources/read") ? "uri" : "name");
  }

  /** What a call says to the request waiting for it. */
  private sealed interface Said permits Asked, Done {}

  /** A question of the call, put to the client as an input request under {@code key}. */
  private record Asked(String key, String method, Value params) implements Said {}

  /** The call's end: its result, or the failure it ended with. */
  private record Done(Value result, RuntimeException failure) implements Said {}

  /**
   * One call that may ask its client: where its progress goes (the stream of the request waiting
   * for it now), what it has said, and the answer it waits for.
   */
  final class Round implements Channel {
    private final String state;
    private final String caller;
    private final String method;
    private final String target;
    private final LinkedBlockingQueue<Said> said = new LinkedBlockingQueue<>();
    private final AtomicInteger questions = new AtomicInteger();
    private volatile Channel current = Channel.NONE;

    /** The progress token of the request waiting now (progress is told with it), or null. */
    volatile Value token;

    private Thread thread;
    private String key; // the question outstanding, and where its answer goes; under this
    private CompletableFuture<Value> answer;

    private Round(String state, String caller, String method, String target) {
      this.state = state;
      this.caller = caller;
      this.method = method;
      this.target = target;
    }

    @Override
    public boolean send(Dict message) {
      return current.send(message);
    }

    /**
     * Puts {@code question} to the client (the request waiting now is answered {@code
     * input_required}) and waits, at most {@code timeout}, for the retry that answers it.
     */
    Value ask(String question, Value params, Duration timeout) {
      String k = "q" + questions.incrementAndGet();
      CompletableFuture<Value> a = new CompletableFuture<>();
      synchronized (this) {
        key = k;
        answer = a;
      }
      said.add(new Asked(k, question, params));
      try {
        return a.get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw new AgoraError.ProviderError(
            "downstream",
            "the client did not send its answer to " + question + " within " + timeout,
            null);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AgoraError.ProviderError("downstream", question + " was cancelled", null);
      } catch (ExecutionException e) {
        throw new AgoraError.ProviderError("downstream", question + " got no answer", null);
      } finally {
        synchronized (this) {
          key = null;
          answer = null;
        }
      }
    }
  }

  /**
   * Runs {@code call} on a thread of its own, with a round its questions go to, and answers with
   * what it says first: its result, or {@code input_required}. With {@link #MAX_OPEN} rounds open,
   * or {@link #MAX_PER_CALLER} of this caller's, it runs here, without one.
   */
  Value start(Peer peer, Rpc.Request request, Channel reply, Function<Round, Value> call) {
    String caller = peer.caller.identity();
    if (open.size() >= MAX_OPEN
        || open.values().stream().filter(r -> r.caller.equals(caller)).count() >= MAX_PER_CALLER) {
      return call.apply(null);
    }
    byte[] bits = new byte[16];
    random.nextBytes(bits);
    Round r =
        new Round(
            Base64.getUrlEncoder().withoutPadding().encodeToString(bits),
            peer.caller.identity(),
            request.method(),
            target(request));
    open.put(r.state, r);
    r.current = reply;
    r.token = Rpc.field(Rpc.object(request.params(), "_meta"), "progressToken");
    r.thread =
        Thread.ofVirtual()
            .name("agora-mcp-round")
            .start(
                () -> {
                  Done end;
                  try {
                    end = new Done(call.apply(r), null);
                  } catch (RuntimeException e) {
                    end = new Done(null, e);
                  } catch (Throwable t) { // the request waiting must hear of it, whatever it is
                    end = new Done(null, new IllegalStateException("the call failed: " + t, t));
                  }
                  open.remove(r.state, r); // before the end is told: its state is spent by then
                  r.said.add(end);
                });
    return next(r);
  }

  /**
   * A retry: hands the answer in its {@code inputResponses} to the call its {@code requestState}
   * names, and answers with what the call says next. An unknown, ended or foreign state, or a retry
   * that does not answer the question, is {@code -32602}.
   */
  Value resume(Peer peer, Rpc.Request request, Channel reply) {
    String state = Rpc.text(request.params(), "requestState");
    Round r = state == null ? null : open.get(state);
    if (r == null
        || !r.caller.equals(peer.caller.identity())
        || !r.method.equals(request.method())
        || !Objects.equals(r.target, target(request))) {
      throw new Rpc.Failure(
          Rpc.INVALID_PARAMS,
          "Invalid params: requestState is unknown, or its call has ended, or it is not this"
              + " request's");
    }
    CompletableFuture<Value> a;
    synchronized (r) { // the answer is claimed: of two retries with one state, one is refused
      Value response =
          r.key == null ? null : Rpc.field(Rpc.object(request.params(), "inputResponses"), r.key);
      if (r.answer == null || !(response instanceof Dict)) {
        throw new Rpc.Failure(
            Rpc.INVALID_PARAMS,
            "Invalid params: inputResponses must answer "
                + (r.key == null
                    ? "the question asked (none is outstanding)"
                    : "'" + r.key + "' (an object)"));
      }
      a = r.answer;
      r.answer = null;
      r.current = reply;
      r.token = Rpc.field(Rpc.object(request.params(), "_meta"), "progressToken");
      a.complete(response);
    }
    return next(r);
  }

  /** Waits for what the call says next: a question (answered input_required), or its end. */
  private Value next(Round r) {
    Said said;
    try {
      said = r.said.take();
    } catch (InterruptedException e) { // the request was cancelled: so is the call
      r.thread.interrupt();
      Thread.currentThread().interrupt();
      throw new Rpc.Failure(Rpc.REQUEST_CANCELLED, "Request cancelled");
    }
    return switch (said) {
      case Asked q ->
          Rpc.obj(
              "resultType",
              "input_required",
              "inputRequests",
              Rpc.obj(q.key(), Rpc.obj("method", q.method(), "params", q.params())),
              "requestState",
              r.state);
      case Done d when d.failure() != null -> throw d.failure();
      case Done d -> d.result();
    };
  }

  /** How many rounds are open (tests). */
  int open() {
    return open.size();
  }
}
