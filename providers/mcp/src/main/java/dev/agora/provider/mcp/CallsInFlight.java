package dev.agora.provider.mcp;

import dev.agora.core.json.Json;
import dev.agora.core.spi.CallContext;
import dev.agora.core.spi.Downstream;
import dev.agora.core.spi.Redactor;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The calls in flight on one MCP connection, so that what the upstream sends during a call reaches
 * the client that made it ({@link CallContext#downstream()}) and no other:
 *
 * <ul>
 *   <li><b>Progress.</b> Each request carries the call's id as its {@code progressToken}; a {@code
 *       notifications/progress} is passed on to the downstream of the call with that token, and
 *       dropped when no call has it (a late one, after the call ended).
 *   <li><b>Sampling and elicitation.</b> The SDK hands these requests over without saying which
 *       request of ours they belong to, and over stdio nothing says so. Agora forwards one only
 *       while every call in flight on the connection comes from one client — then that client made
 *       it, whichever call it is for (it is noted on the oldest) — and refuses it with a JSON-RPC
 *       error when none is in flight or they come from several clients, rather than guess and ask
 *       another client. It is refused, too, when that call's client did not declare the capability
 *       ({@code sampling}, {@code elicitation}). Every such request is noted on the call's result
 *       in the Causal Chain: {@code :mcp-requests [{:method "sampling/createMessage" :outcome
 *       :answered} …]} (outcomes {@code :answered}, {@code :refused}, {@code :failed}).
 * </ul>
 */
final class CallsInFlight {

  /** The key of the note on the call's result. */
  static final String NOTE = "mcp-requests";

  /** Waiting for the downstream client's answer must not hold the SDK's threads. */
  private static final Scheduler WAITING =
      Schedulers.fromExecutorService(
          Executors.newThreadPerTaskExecutor(
              Thread.ofVirtual().name("agora-mcp-downstream-", 0).factory()),
          "agora-mcp-downstream");

  private static final McpJsonMapper JSON = McpJsonDefaults.getMapper();

  private final String server;
  private final Redactor secrets;
  private final Map<Object, InFlight> calls = new ConcurrentHashMap<>();
  private final AtomicLong order = new AtomicLong();

  /**
   * @param secrets what the server was given: redacted from what it sends the client (a progress
   *     message, a request's params may echo it)
   */
  CallsInFlight(String server, Redactor secrets) {
    this.server = server;
    this.secrets = secrets;
  }

  /** One call in flight; closing it ends it and notes what the upstream asked of its client. */
  final class InFlight implements AutoCloseable {
    private final CallContext call;
    private final long opened = order.incrementAndGet();
    private final List<Value> requests = new ArrayList<>();

    private InFlight(CallContext call) {
      this.call = call;
    }

    private synchronized void record(String method, String outcome) {
      requests.add(
          Dict.builder()
              .put("method", Value.of(method))
              .put("outcome", Value.keyword(outcome))
              .build());
    }

    @Override
    public void close() {
      calls.remove(call.callId(), this);
      synchronized (this) {
        if (!requests.isEmpty()) {
          call.note(NOTE, Vec.of(List.copyOf(requests)));
        }
      }
    }
  }

  /** Starts tracking {@code call}, whose requests carry its id as their progress token. */
  InFlight open(CallContext call) {
    InFlight f = new InFlight(call);
    calls.put(call.callId(), f);
    return f;
  }

  /** How many calls are in flight. */
  int size() {
    return calls.size();
  }

  /**
   * Declares the sampling and elicitation capabilities on a client being built, and routes
   * progress, sampling and elicitation to the calls in flight.
   */
  McpClient.AsyncSpec wire(McpClient.AsyncSpec spec, McpSchema.ClientCapabilities.Builder caps) {
    return spec.capabilities(caps.sampling().elicitation().build())
        .progressConsumer(this::progress)
        .sampling(
            r ->
                forward(
                    McpSchema.METHOD_SAMPLING_CREATE_MESSAGE,
                    "sampling",
                    r,
                    McpSchema.CreateMessageResult.class))
        .elicitation(
            r ->
                forward(
                    McpSchema.METHOD_ELICITATION_CREATE,
                    "elicitation",
                    form(r),
                    McpSchema.ElicitResult.class));
  }

  /**
   * A form elicitation's params as JSON: built by hand, since the SDK's mapper cannot write its
   * request type on its own (its {@code mode} is both a property and a type id).
   */
  static Map<String, Object> form(McpSchema.ElicitFormRequest r) {
    return form(r.message(), r.requestedSchema(), r.meta());
  }

  /** A form elicitation's params, of either protocol generation ({@code meta} may be null). */
  static Map<String, Object> form(
      String message, Map<String, Object> requestedSchema, Map<String, Object> meta) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("mode", "form");
    params.put("message", message);
    params.put("requestedSchema", requestedSchema);
    if (meta != null) {
      params.put("_meta", meta);
    }
    return params;
  }

  /** Passes a progress notification on to the downstream of the call whose token it carries. */
  Mono<Void> progress(McpSchema.ProgressNotification n) {
    // the SDK refuses a notification without a token
    progress(n.progressToken(), n.progress(), n.total(), n.message());
    return Mono.empty();
  }

  /**
   * Passes progress on to the downstream of the call with id {@code call}, if it is still in flight
   * (a late notification, after the call ended, is dropped).
   */
  void progress(Object call, double progress, Double total, String message) {
    InFlight f = calls.get(call);
    if (f != null) {
      f.call.downstream().progress(progress, total, secrets.redact(message));
    }
  }

  /** Forwards a request of the upstream to the client of the one call in flight, or refuses it. */
  <R> Mono<R> forward(String method, String capability, Object params, Class<R> type) {
    return Mono.fromCallable(() -> answer(method, capability, params, type)).subscribeOn(WAITING);
  }

  private <R> R answer(String method, String capability, Object params, Class<R> type) {
    List<InFlight> now = List.copyOf(calls.values());
    if (now.isEmpty()
        || now.stream().map(f -> f.call.downstream().client()).distinct().count() > 1) {
      throw refusal(
          method
              + " from MCP server '"
              + server
              + "' is refused: Agora passes it on only while the calls in flight on the"
              + " connection all come from one client (so that it reaches the client that made"
              + " the call), and "
              + (now.isEmpty()
                  ? "none is in flight"
                  : now.size() + " are, from different clients"));
    }
    // one client made them all: it is asked, and the request noted on the oldest of its calls
    InFlight oldest = now.stream().min(Comparator.comparingLong(f -> f.opened)).orElseThrow();
    return answer(oldest, method, capability, params, type);
  }

  /**
   * Whether the client of call {@code tag} declared {@code capability}: a 2026-07-28 request says
   * per request what its client can answer, so Agora offers only what the call's client can.
   */
  boolean supports(Object tag, String capability) {
    InFlight f = tag == null ? null : calls.get(tag);
    return f != null && f.call.downstream().supports(capability);
  }

  /**
   * Passes a question the server asked about call {@code tag} on to that call's client, and returns
   * its answer: a 2026-07-28 server asks inside the answer to the call's own request, so there is
   * no doubt whose call it is, however many are in flight.
   *
   * @throws McpError when the call has ended, its client did not declare {@code capability}, or it
   *     failed to answer
   */
  <R> R ask(Object tag, String method, String capability, Object params, Class<R> type) {
    InFlight f = tag == null ? null : calls.get(tag);
    if (f == null) {
      throw refusal(
          method + " from MCP server '" + server + "' is refused: its call is no longer in flight");
    }
    return answer(f, method, capability, params, type);
  }

  private <R> R answer(InFlight f, String method, String capability, Object params, Class<R> type) {
    Downstream client = f.call.downstream();
    if (!client.supports(capability)) {
      f.record(method, "refused");
      throw refusal(
          method
              + " from MCP server '"
              + server
              + "' is refused: the client that made call "
              + f.call.callId()
              + " did not declare the '"
              + capability
              + "' capability");
    }
    Duration left = f.call.remaining();
    try {
      Value answer =
          client.request(
              method, secrets.redact(Json.fromJava(JSON.convertValue(params, Map.class))), left);
      R result = JSON.convertValue(Json.toJava(answer), type);
      f.record(method, "answered");
      return result;
    } catch (RuntimeException e) { // the client refused or failed, or answered nonsense
      f.record(method, "failed");
      throw McpError.builder(McpSchema.ErrorCodes.INTERNAL_ERROR)
          .message(
              method
                  + " from MCP server '"
                  + server
                  + "' was passed on to the client that made call "
                  + f.call.callId()
                  + ", and failed: "
                  + e.getMessage())
          .build();
    }
  }

  private static McpError refusal(String message) {
    return McpError.builder(McpSchema.ErrorCodes.INVALID_REQUEST).message(message).build();
  }
}
