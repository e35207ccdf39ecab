package dev.agora.server;

import dev.agora.a2a.A2a.Error;
import dev.agora.a2a.A2a.Failure;
import dev.agora.a2a.A2a.Message;
import dev.agora.a2a.A2a.PushConfig;
import dev.agora.a2a.A2a.State;
import dev.agora.a2a.A2a.Version;
import dev.agora.a2a.A2aCodec;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.json.Json;
import dev.agora.core.json.JsonException;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * Agora as an A2A agent (docs/A2A.md): the agent card at {@code /.well-known/agent-card.json} (and
 * the older {@code agent.json}), and at {@code /a2a} both bindings of both versions — JSON-RPC
 * (PascalCase 1.0 methods with {@code A2A-Version: 1.0}, slash-named 0.3 ones) and HTTP+JSON (1.0
 * routes such as {@code POST /a2a/message:send}; 0.3 ones under {@code /a2a/v1}). Every message is
 * a call on the one call path as the authenticated caller ({@link A2aTasks}). Errors are A2A's:
 * JSON-RPC errors with an {@code ErrorInfo} in {@code data}, or {@code google.rpc.Status} bodies
 * with the HTTP status of their kind.
 */
final class A2aServlet extends HttpServlet {

  static final String CARD = "/.well-known/agent-card.json";
  static final String OLD_CARD = "/.well-known/agent.json";

  private final transient A2aTasks tasks;
  private final transient A2aCard card;
  private final transient A2aPush push;
  private final transient ServerSettings.A2aSettings settings;

  A2aServlet(A2aTasks tasks, A2aCard card, A2aPush push, ServerSettings.A2aSettings settings) {
    this.tasks = tasks;
    this.card = card;
    this.push = push;
    this.settings = settings;
  }

  private static SecurityContext who(HttpServletRequest req) {
    return (SecurityContext) req.getAttribute(McpServlet.WHO);
  }

  private static String base(HttpServletRequest req) {
    return req.getScheme() + "://" + req.getHeader("Host");
  }

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
    String path = req.getServletPath();
    if (path.equals(CARD) || path.equals(OLD_CARD)) {
      res.setHeader("Cache-Control", "max-age=60");
      ReplyStream.json(res, 200, Rpc.bytes(card.card(who(req), base(req))));
      return;
    }
    rest(req, res);
  }

  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse res) throws IOException {
    String info = req.getPathInfo();
    if (info == null || info.equals("/")) {
      jsonRpc(req, res);
    } else {
      rest(req, res);
    }
  }

  @Override
  protected void doDelete(HttpServletRequest req, HttpServletResponse res) throws IOException {
    rest(req, res);
  }

  // ---- JSON-RPC ---------------------------------------------------------------------------

  private void jsonRpc(HttpServletRequest req, HttpServletResponse res) throws IOException {
    Value id = Value.NIL;
    try {
      Value parsed;
      try {
        parsed = Json.parse((byte[]) req.getAttribute(McpServlet.BODY));
      } catch (JsonException e) {
        throw new Failure(Error.PARSE_ERROR, "Parse error: " + e.getMessage());
      }
      if (!(parsed instanceof Dict msg)) {
        throw new Failure(Error.INVALID_REQUEST, "Invalid Request: not a JSON-RPC request object");
      }
      Value given = Rpc.field(msg, "id");
      id = given instanceof Value.Str || given instanceof Value.Int ? given : Value.NIL;
      String method = Rpc.text(msg, "method");
      if (!"2.0".equals(Rpc.text(msg, "jsonrpc")) || method == null) {
        throw new Failure(
            Error.INVALID_REQUEST, "Invalid Request: it needs jsonrpc \"2.0\" and a method");
      }
      Version v = version(req, method.contains("/") ? Version.V03 : Version.V10);
      Dict params = Rpc.object(msg, "params");
      Value rid = id;
      if (method.equals("SendStreamingMessage") || method.equals("message/stream")) {
        stream(res, e -> Rpc.result(rid, e), send -> streamMessage(who(req), params, v, send));
        return;
      }
      if (method.equals("SubscribeToTask") || method.equals("tasks/resubscribe")) {
        stream(
            res,
            e -> Rpc.result(rid, e),
            send -> subscribe(who(req), Rpc.text(params, "id"), v, send));
        return;
      }
      ReplyStream.json(res, 200, Rpc.bytes(Rpc.result(id, call(req, method, params, v))));
    } catch (Failure f) {
      ReplyStream.json(
          res, 200, Rpc.bytes(Rpc.error(id, f.error.code, f.getMessage(), errorInfo(f))));
    }
  }

  /** One non-streaming JSON-RPC method. */
  private Value call(HttpServletRequest req, String method, Dict params, Version v) {
    SecurityContext who = who(req);
    return switch (method) {
      case "SendMessage", "message/send" -> sendMessage(who, params, v);
      case "GetTask", "tasks/get" -> task(tasks.find(who, Rpc.text(params, "id")), params, v);
      case "ListTasks" -> list(who, params::get, v);
      case "CancelTask", "tasks/cancel" ->
          A2aCodec.write(tasks.cancel(who, Rpc.text(params, "id")).snapshot(), v, null, true);
      case "CreateTaskPushNotificationConfig", "tasks/pushNotificationConfig/set" ->
          createPush(who, params, Rpc.text(params, "taskId"), v);
      case "GetTaskPushNotificationConfig", "tasks/pushNotificationConfig/get" ->
          getPush(who, params, v);
      case "ListTaskPushNotificationConfigs", "tasks/pushNotificationConfig/list" ->
          listPush(who, v == Version.V10 ? Rpc.text(params, "taskId") : Rpc.text(params, "id"), v);
      case "DeleteTaskPushNotificationConfig", "tasks/pushNotificationConfig/delete" -> {
        deletePush(who, params, v);
        yield Value.NIL;
      }
      case "GetExtendedAgentCard", "agent/getAuthenticatedExtendedCard" ->
          card.card(who, base(req));
      default -> throw new Failure(Error.METHOD_NOT_FOUND, "Method not found: " + method);
    };
  }

  /**
   * The version a request speaks: its {@code A2A-Version} header (or query parameter), none meaning
   * 0.3; it must be the version of the method or route it uses.
   */
  private static Version version(HttpServletRequest req, Version of) {
    String header = req.getHeader("A2A-Version");
    if (header == null) {
      header = req.getParameter("A2A-Version");
    }
    Version v = Version.of(header);
    if (v == null) {
      throw new Failure(
          Error.VERSION_NOT_SUPPORTED,
          "A2A-Version '" + header + "' is not supported; this agent speaks 1.0 and 0.3");
    }
    if (v != of) {
      throw new Failure(
          Error.VERSION_NOT_SUPPORTED,
          of == Version.V10
              ? "1.0 methods and routes need the header A2A-Version: 1.0 (none means 0.3)"
              : "this is a 0.3 method or route, and the request says A2A-Version: " + header);
    }
    return v;
  }

  // ---- what the methods do, for both bindings ------------------------------------------------

  private Value sendMessage(SecurityContext who, Dict params, Version v) {
    Message m = A2aCodec.message(Rpc.field(params, "message"), v);
    Dict config = Rpc.object(params, "configuration");
    boolean immediately =
        v == Version.V10
            && Rpc.field(config, "returnImmediately") instanceof Value.Bool b
            && b.value();
    Object out = tasks.send(who, m, immediately);
    if (out instanceof A2aTasks.Run run) {
      boolean blocking =
          v == Version.V10
              ? !immediately
              : Rpc.field(config, "blocking") instanceof Value.Bool b && b.value();
      Dict pushConfig =
          Rpc.object(
              config,
              switch (v) {
                case V10 -> "taskPushNotificationConfig";
                case V03 -> "pushNotificationConfig";
                case V03_REST -> "pushNotification";
              });
      if (!pushConfig.isEmpty()) {
        addPush(
            run,
            A2aCodec.push(
                v == Version.V10 ? pushConfig : Rpc.obj("pushNotificationConfig", pushConfig),
                run.id,
                newId(),
                v));
      }
      if (blocking) {
        run.done.join();
      }
      return A2aCodec.sent(run.snapshot(), v);
    }
    return A2aCodec.sent((Message) out, v);
  }

  private static Value task(A2aTasks.Run run, Dict params, Version v) {
    Value h = Rpc.field(params, "historyLength");
    return A2aCodec.write(
        run.snapshot(), v, h instanceof Value.Int n ? (int) Math.max(0, n.value()) : null, true);
  }

  /** ListTasks (1.0): the caller's tasks, newest first, a page at a time. */
  private Value list(
      SecurityContext who, java.util.function.Function<String, Value> param, Version v) {
    String context = param.apply("contextId") instanceof Value.Str s ? s.value() : null;
    State state = null;
    if (param.apply("status") instanceof Value.Str s) {
      for (State st : State.values()) {
        if (st.wire(Version.V10).equals(s.value())) {
          state = st;
        }
      }
      if (state == null) {
        throw A2aCodec.invalid("status '" + s.value() + "' is not a task state");
      }
    }
    int size = (int) Math.min(100, Math.max(1, integer(param.apply("pageSize"), 50)));
    int from = (int) Math.max(0, integer(param.apply("pageToken"), 0));
    Integer history =
        param.apply("historyLength") == null
            ? null
            : (int) integer(param.apply("historyLength"), 0);
    boolean artifacts =
        param.apply("includeArtifacts") instanceof Value.Bool b
            ? b.value()
            : param.apply("includeArtifacts") instanceof Value.Str s && s.value().equals("true");
    List<A2aTasks.Run> all = tasks.list(who, context, state);
    List<Value> page = new ArrayList<>();
    for (int i = from; i < Math.min(all.size(), from + size); i++) {
      page.add(A2aCodec.write(all.get(i).snapshot(), v, history, artifacts));
    }
    int next = from + size;
    return Rpc.obj(
        "tasks",
        Vec.of(page),
        "nextPageToken",
        next < all.size() ? Integer.toString(next) : "",
        "pageSize",
        size,
        "totalSize",
        all.size());
  }

  /** An integer given as a number or as text (query parameters); {@code dflt} when absent. */
  private static long integer(Value v, long dflt) {
    return switch (v) {
      case Value.Int i -> i.value();
      case Value.Str s -> {
        try {
          yield Long.parseLong(s.value());
        } catch (NumberFormatException e) {
          throw A2aCodec.invalid("'" + s.value() + "' is not an integer");
        }
      }
      case null -> dflt;
      default -> throw A2aCodec.invalid("expected an integer, found " + Rpc.type(v));
    };
  }

  private static String newId() {
    return UUID.randomUUID().toString();
  }

  private Value createPush(SecurityContext who, Dict params, String taskId, Version v) {
    A2aTasks.Run run = tasks.find(who, taskId);
    PushConfig c = A2aCodec.push(params, run.id, newId(), v);
    addPush(run, c);
    return A2aCodec.write(c, v);
  }

  private void addPush(A2aTasks.Run run, PushConfig c) {
    if (!settings.push()) {
      throw new Failure(
          Error.PUSH_NOTIFICATION_NOT_SUPPORTED,
          "push notifications are off on this agent (server.a2a.push)");
    }
    push.check(c.url());
    run.pushes.put(c.id(), c);
  }

  private Value getPush(SecurityContext who, Dict params, Version v) {
    String taskId = v == Version.V10 ? Rpc.text(params, "taskId") : Rpc.text(params, "id");
    String id =
        v == Version.V10 ? Rpc.text(params, "id") : Rpc.text(params, "pushNotificationConfigId");
    A2aTasks.Run run = tasks.find(who, taskId);
    PushConfig c =
        id == null ? run.pushes.values().stream().findFirst().orElse(null) : run.pushes.get(id);
    if (c == null) {
      throw new Failure(
          Error.TASK_NOT_FOUND, "task " + taskId + " has no push config '" + id + "'");
    }
    return A2aCodec.write(c, v);
  }

  private Value listPush(SecurityContext who, String taskId, Version v) {
    A2aTasks.Run run = tasks.find(who, taskId);
    List<Value> configs =
        run.pushes.values().stream().map(c -> (Value) A2aCodec.write(c, v)).toList();
    return v == Version.V03
        ? Vec.of(configs)
        : Rpc.obj("configs", Vec.of(configs), "nextPageToken", "");
  }

  private void deletePush(SecurityContext who, Dict params, Version v) {
    String taskId = v == Version.V10 ? Rpc.text(params, "taskId") : Rpc.text(params, "id");
    String id =
        v == Version.V10 ? Rpc.text(params, "id") : Rpc.text(params, "pushNotificationConfigId");
    A2aTasks.Run run = tasks.find(who, taskId);
    if (id == null || run.pushes.remove(id) == null) {
      throw new Failure(
          Error.TASK_NOT_FOUND, "task " + taskId + " has no push config '" + id + "'");
    }
  }

  // ---- streams ----------------------------------------------------------------------------

  /** What a stream sends: each event's body, as the binding wraps it. */
  private interface Producer {
    void run(Consumer<Dict> send) throws IOException, InterruptedException;
  }

  /**
   * Answers with an event stream: {@code producer} sends events, each wrapped by {@code envelope}
   * (a JSON-RPC response, or nothing for HTTP+JSON). An error before the first event is the whole
   * (non-stream) answer; one after it ends the stream with an error event.
   */
  private void stream(
      HttpServletResponse res, java.util.function.UnaryOperator<Dict> envelope, Producer producer)
      throws IOException {
    OutputStream[] out = {null};
    try {
      producer.run(
          event -> {
            try {
              if (out[0] == null) {
                ReplyStream.events(res);
                out[0] = res.getOutputStream();
              }
              ReplyStream.event(out[0], Rpc.bytes(envelope.apply(event)));
              out[0].flush();
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          });
    } catch (java.io.UncheckedIOException e) {
      // the client went away: nothing to answer
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void streamMessage(SecurityContext who, Dict params, Version v, Consumer<Dict> send)
      throws InterruptedException {
    Message m = A2aCodec.message(Rpc.field(params, "message"), v);
    A2aTasks.Prepared p = tasks.prepare(who, m);
    BlockingQueue<A2aTasks.Event> events = new LinkedBlockingQueue<>();
    Consumer<A2aTasks.Event> listener = events::add;
    p.run().listeners.add(listener);
    tasks.start(p);
    Message quick = tasks.quick(p.run());
    if (quick != null) {
      p.run().listeners.remove(listener);
      send.accept(A2aCodec.sent(quick, v));
      return;
    }
    follow(p.run(), events, listener, v, send);
  }

  private void subscribe(SecurityContext who, String id, Version v, Consumer<Dict> send)
      throws InterruptedException {
    A2aTasks.Run run = tasks.find(who, id);
    BlockingQueue<A2aTasks.Event> events = new LinkedBlockingQueue<>();
    Consumer<A2aTasks.Event> listener = events::add;
    synchronized (run) {
      if (run.state.terminal()) {
        throw new Failure(
            Error.UNSUPPORTED_OPERATION,
            "task " + id + " is " + run.state.wire(v) + ": there is nothing left to subscribe to");
      }
      run.listeners.add(listener);
    }
    follow(run, events, listener, v, send);
  }

  /** Sends the task as it is, then its changes until it ends. */
  private static void follow(
      A2aTasks.Run run,
      BlockingQueue<A2aTasks.Event> events,
      Consumer<A2aTasks.Event> listener,
      Version v,
      Consumer<Dict> send)
      throws InterruptedException {
    try {
      send.accept(A2aCodec.sent(run.snapshot(), v));
      while (true) {
        A2aTasks.Event e = events.take();
        if (e instanceof A2aTasks.ArtifactAdded a) {
          send.accept(A2aCodec.artifactUpdate(a.task(), a.artifact(), v));
        } else {
          send.accept(A2aCodec.statusUpdate(e.task(), v));
          if (e.task().state().terminal()) {
            return;
          }
        }
      }
    } finally {
      run.listeners.remove(listener);
    }
  }

  // ---- HTTP+JSON --------------------------------------------------------------------------

  private void rest(HttpServletRequest req, HttpServletResponse res) throws IOException {
    String path = req.getPathInfo() == null ? "" : req.getPathInfo();
    Version of = Version.V10;
    if (path.startsWith("/v1/")) {
      of = Version.V03;
      path = path.substring(3);
    }
    try {
      Version v = version(req, of) == Version.V03 ? Version.V03_REST : Version.V10;
      SecurityContext who = who(req);
      String method = req.getMethod();
      Dict body = method.equals("POST") ? body(req) : Dict.EMPTY;
      Value answer = route(req, res, who, method, path, body, v);
      if (answer != null) {
        ReplyStream.json(res, 200, Rpc.bytes(answer));
      }
    } catch (Failure f) {
      ReplyStream.json(res, f.error.status, Rpc.bytes(status(f)));
    }
  }

  private static Dict body(HttpServletRequest req) {
    byte[] bytes = (byte[]) req.getAttribute(McpServlet.BODY);
    try {
      return bytes == null || bytes.length == 0
          ? Dict.EMPTY
          : Json.parse(bytes) instanceof Dict d ? d : Dict.EMPTY;
    } catch (JsonException e) {
      throw new Failure(Error.PARSE_ERROR, "the body is not JSON: " + e.getMessage());
    }
  }

  /** One HTTP+JSON route; null when it answered itself (a stream). */
  private Value route(
      HttpServletRequest req,
      HttpServletResponse res,
      SecurityContext who,
      String method,
      String path,
      Dict body,
      Version v)
      throws IOException {
    String[] seg = path.substring(path.isEmpty() ? 0 : 1).split("/", -1);
    String key = method + " " + (seg.length > 0 ? seg[0] : "");
    if (key.equals("POST message:send")) {
      return sendMessage(who, body, v);
    }
    if (key.equals("POST message:stream")) {
      stream(res, e -> e, send -> streamMessage(who, body, v, send));
      return null;
    }
    if (key.equals("GET card") && v == Version.V03_REST
        || key.equals("GET extendedAgentCard") && v == Version.V10) {
      return card.card(who, base(req));
    }
    if (seg[0].equals("tasks")) {
      if (seg.length == 1 && method.equals("GET") && v == Version.V10) {
        return list(
            who,
            name -> req.getParameter(name) == null ? null : Value.of(req.getParameter(name)),
            v);
      }
      if (seg.length >= 2) {
        String idPart = seg[1];
        int colon = idPart.indexOf(':');
        String id = colon < 0 ? idPart : idPart.substring(0, colon);
        String verb = colon < 0 ? "" : idPart.substring(colon + 1);
        if (seg.length == 2) {
          switch (method + " " + verb) {
            case "GET " -> {
              String h = req.getParameter("historyLength");
              return task(
                  tasks.find(who, id),
                  h == null ? Dict.EMPTY : Rpc.obj("historyLength", integer(Value.of(h), 0)),
                  v);
            }
            case "POST cancel" -> {
              return A2aCodec.write(tasks.cancel(who, id).snapshot(), v, null, true);
            }
            case "POST subscribe", "GET subscribe" -> {
              stream(res, e -> e, send -> subscribe(who, id, v, send));
              return null;
            }
            default -> {}
          }
        }
        if (seg.length >= 3 && seg[2].equals("pushNotificationConfigs") && verb.isEmpty()) {
          if (seg.length == 3 && method.equals("POST")) {
            return createPush(who, body, id, v);
          }
          if (seg.length == 3 && method.equals("GET")) {
            return listPush(who, id, v);
          }
          if (seg.length == 4) {
            Dict ids =
                v == Version.V10
                    ? Rpc.obj("taskId", id, "id", seg[3])
                    : Rpc.obj("id", id, "pushNotificationConfigId", seg[3]);
            if (method.equals("GET")) {
              return getPush(who, ids, v);
            }
            if (method.equals("DELETE")) {
              deletePush(who, ids, v);
              return Rpc.obj();
            }
          }
        }
      }
    }
    throw new Failure(
        Error.METHOD_NOT_FOUND,
        "no A2A route " + method + " /a2a" + (v == Version.V03_REST ? "/v1" : "") + path);
  }

  // ---- errors -----------------------------------------------------------------------------

  private static Vec errorInfo(Failure f) {
    return Vec.of(
        List.of(
            Rpc.obj(
                "@type",
                "type.googleapis.com/google.rpc.ErrorInfo",
                "reason",
                f.error.name(),
                "domain",
                "a2a-protocol.org")));
  }

  /** A {@code google.rpc.Status} body. */
  private static Dict status(Failure f) {
    String canonical =
        switch (f.error.status) {
          case 404 -> "NOT_FOUND";
          case 500 -> "INTERNAL";
          case 503 -> "UNAVAILABLE";
          default ->
              f.error == Error.TASK_NOT_CANCELABLE || f.error == Error.UNSUPPORTED_OPERATION
                  ? "FAILED_PRECONDITION"
                  : "INVALID_ARGUMENT";
        };
    return Rpc.obj(
        "error",
        Rpc.obj(
            "code",
            f.error.status,
            "status",
            canonical,
            "message",
            f.getMessage(),
            "details",
            errorInfo(f)));
  }
}
