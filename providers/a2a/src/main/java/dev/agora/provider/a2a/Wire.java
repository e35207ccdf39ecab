package dev.agora.provider.a2a;

import static dev.agora.core.json.JsonObjects.field;
import static dev.agora.core.json.JsonObjects.obj;
import static dev.agora.core.json.JsonObjects.object;
import static dev.agora.core.json.JsonObjects.text;

import dev.agora.a2a.A2a;
import dev.agora.a2a.A2a.Event;
import dev.agora.a2a.A2a.Message;
import dev.agora.a2a.A2a.Task;
import dev.agora.a2a.A2a.Version;
import dev.agora.a2a.A2aCodec;
import dev.agora.core.json.Json;
import dev.agora.core.json.JsonException;
import dev.agora.core.net.CappedBody;
import dev.agora.core.telemetry.Telemetry;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The four operations the client uses — send, stream, get, cancel — on one interface of an agent,
 * in its binding (JSON-RPC: one URL, methods by version; HTTP+JSON: routes, 0.3's under {@code
 * /v1}) and version. Answers are read into {@link A2a}'s model; what goes wrong is an {@link
 * Failure} that says whether trying again could help.
 */
final class Wire {

  /** A failed exchange: {@code transientFailure} when the agent may answer another time. */
  static final class Failure extends Exception {
    final boolean transientFailure;

    Failure(String message, boolean transientFailure) {
      super(message, null, false, false);
      this.transientFailure = transientFailure;
    }
  }

  private static final AtomicLong IDS = new AtomicLong();

  private final HttpClient http;
  private final AgentCard.Interface iface;
  private final Map<String, String> headers;
  private final long maxBytes;

  /** The interface's URL without a trailing slash; with HTTP+JSON 0.3, its {@code /v1} prefix. */
  private final String base;

  Wire(HttpClient http, AgentCard.Interface iface, Map<String, String> headers, long maxBytes) {
    this.http = http;
    this.iface = iface;
    this.headers = Map.copyOf(headers);
    this.maxBytes = maxBytes;
    String url = iface.url().toString().replaceAll("/+$", "");
    this.base = iface.rest() && iface.version() == Version.V03_REST ? url + "/v1" : url;
  }

  AgentCard.Interface iface() {
    return iface;
  }

  private Version v() {
    return iface.version();
  }

  private boolean v10() {
    return v() == Version.V10;
  }

  /** SendMessage, blocking until the task ends or needs input (the agent may answer sooner). */
  Event send(Message m, Duration within) throws Failure, InterruptedException, TimeoutException {
    Dict params = sendParams(m);
    Value answer =
        iface.rest()
            ? rest("POST", "/message:send", params, within)
            : rpc(v10() ? "SendMessage" : "message/send", params, within);
    return read(() -> A2aCodec.event(answer, v()));
  }

  /** SendStreamingMessage: the open stream of its events. */
  Sse stream(Message m, Duration within) throws Failure, InterruptedException, TimeoutException {
    Dict params = sendParams(m);
    HttpRequest request =
        iface.rest()
            ? request("POST", "/message:stream", params, "text/event-stream")
            : request(
                "POST",
                "",
                envelope(v10() ? "SendStreamingMessage" : "message/stream", params),
                "text/event-stream");
    return Sse.open(http, request, within, maxBytes, this);
  }

  /** An event of the stream, its JSON read (JSON-RPC streams wrap each in a response). */
  Event event(Value data) throws Failure {
    Value result = iface.rest() ? data : unwrap(data);
    return read(() -> A2aCodec.event(result, v()));
  }

  /** GetTask, without history. */
  Task get(String taskId, Duration within) throws Failure, InterruptedException, TimeoutException {
    Value answer =
        iface.rest()
            ? rest("GET", "/tasks/" + enc(taskId) + "?historyLength=0", null, within)
            : rpc(v10() ? "GetTask" : "tasks/get", obj("id", taskId, "historyLength", 0), within);
    return read(() -> A2aCodec.task(answer, v()));
  }

  /** CancelTask. */
  Task cancel(String taskId, Duration within)
      throws Failure, InterruptedException, TimeoutException {
    Value answer =
        iface.rest()
            ? rest("POST", "/tasks/" + enc(taskId) + ":cancel", obj("id", taskId), within)
            : rpc(v10() ? "CancelTask" : "tasks/cancel", obj("id", taskId), within);
    return read(() -> A2aCodec.task(answer, v()));
  }

  private Dict sendParams(Message m) {
    // 1.0 blocks unless told to return at once; 0.3 returns at once unless told to block
    return obj(
        "message",
        A2aCodec.write(m, v()),
        "configuration",
        obj(
            "acceptedOutputModes",
            Json.fromJava(java.util.List.of("text/plain", "application/json")),
            "blocking",
            v10() ? null : Boolean.TRUE));
  }

  private interface Reading<T> {
    T read();
  }

  private static <T> T read(Reading<T> r) throws Failure {
    try {
      return r.read();
    } catch (A2a.Failure e) {
      throw new Failure("the agent's answer is not valid A2A: " + e.getMessage(), false);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private Dict envelope(String method, Dict params) {
    return obj("jsonrpc", "2.0", "id", IDS.incrementAndGet(), "method", method, "params", params);
  }

  private Value rpc(String method, Dict params, Duration within)
      throws Failure, InterruptedException, TimeoutException {
    return unwrap(
        exchange(request("POST", "", envelope(method, params), "application/json"), within));
  }

  /** A JSON-RPC response's result, or its error as a Failure. */
  Value unwrap(Value response) throws Failure {
    if (!(response instanceof Dict d)) {
      throw new Failure("the agent's answer is not a JSON-RPC response", false);
    }
    if (field(d, "error") instanceof Dict e) {
      long code = field(e, "code") instanceof Value.Int i ? i.value() : 0;
      String message = text(e, "message");
      throw new Failure(
          "the agent answered error " + code + (message == null ? "" : ": " + message),
          code == -32000 || code == -32603);
    }
    Value result = field(d, "result");
    if (result == null) {
      throw new Failure("the agent's JSON-RPC response has neither result nor error", false);
    }
    return result;
  }

  private Value rest(String method, String path, Dict body, Duration within)
      throws Failure, InterruptedException, TimeoutException {
    return exchange(request(method, path, body, "application/json"), within);
  }

  HttpRequest request(String method, String path, Dict body, String accept) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(iface.rest() ? base + path : base))
            .header("Accept", accept);
    if (v10()) {
      b.header("A2A-Version", "1.0");
    }
    headers.forEach(b::header);
    Telemetry.propagate(b::header); // the traced call's traceparent, when tracing is on
    if (body == null) {
      b.GET();
    } else {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(Json.write(body)));
    }
    return b.build();
  }

  /** One request and its JSON answer, within {@code within}. */
  private Value exchange(HttpRequest request, Duration within)
      throws Failure, InterruptedException, TimeoutException {
    CompletableFuture<HttpResponse<byte[]>> f =
        http.sendAsync(request, CappedBody.handler(maxBytes));
    HttpResponse<byte[]> r;
    try {
      r = f.get(Math.max(1, within.toNanos()), TimeUnit.NANOSECONDS);
    } catch (ExecutionException x) {
      Throwable c = x.getCause();
      if (c instanceof CappedBody.TooLarge) {
        throw tooLarge();
      }
      throw new Failure(
          request.method() + " " + where(request) + ": " + describe(c), c instanceof IOException);
    } catch (TimeoutException | InterruptedException x) {
      f.cancel(true);
      throw x;
    }
    if (r.body() == null) {
      throw tooLarge();
    }
    String body = new String(r.body(), StandardCharsets.UTF_8);
    int status = r.statusCode();
    if (status / 100 != 2) {
      throw new Failure(
          "HTTP " + status + " from " + where(request) + restError(body), transientStatus(status));
    }
    try {
      return Json.parse(body);
    } catch (JsonException e) {
      throw new Failure("the agent's answer is not JSON: " + e.getMessage(), false);
    }
  }

  private Failure tooLarge() {
    return new Failure(
        "the agent's answer is larger than " + maxBytes + " bytes (max_bytes)", false);
  }

  /**
   * The message of an HTTP+JSON error body ({@code {"error": {"message": …}}} or {@code
   * {"message"}}).
   */
  private static String restError(String body) {
    try {
      Value v = Json.parse(body);
      if (v instanceof Dict d) {
        String m = text(object(d, "error"), "message");
        m = m != null ? m : text(d, "message");
        if (m != null) {
          return ": " + m;
        }
      }
    } catch (JsonException e) {
      // not JSON: the status says enough
    }
    return "";
  }

  /** Whether an HTTP status says the agent may answer another time. */
  static boolean transientStatus(int status) {
    return status == 408 || status == 429 || status >= 500;
  }

  /** An exception's class and message, for errors. */
  static String describe(Throwable c) {
    return c.getClass().getSimpleName()
        + (c.getMessage() == null ? "" : " (" + c.getMessage() + ")");
  }

  /** {@code host:port/path} — never the query. */
  static String where(HttpRequest r) {
    URI u = r.uri();
    return u.getScheme() + "://" + u.getAuthority() + u.getPath();
  }
}
