package dev.agora.server;

import dev.agora.core.json.Json;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import dev.agora.server.A2a.Artifact;
import dev.agora.server.A2a.Data;
import dev.agora.server.A2a.File;
import dev.agora.server.A2a.Message;
import dev.agora.server.A2a.Part;
import dev.agora.server.A2a.PushConfig;
import dev.agora.server.A2a.Task;
import dev.agora.server.A2a.Text;
import dev.agora.server.A2a.Version;
import java.util.ArrayList;
import java.util.List;

/**
 * A2A's JSON in both versions, read into and written from {@link A2a}'s one model (protocols.md
 * §1.4, §1.8, §1.9): 1.0 discriminates parts by the member present and wraps results ({@code
 * {"task": …}}); 0.3 says {@code kind} everywhere and answers bare objects. What cannot be read is
 * an {@link A2a.Failure} with {@code INVALID_PARAMS} saying where.
 */
final class A2aCodec {

  private A2aCodec() {}

  static Message message(Value v, Version version) {
    if (!(v instanceof Dict d)) {
      throw invalid("params.message must be an object, found " + Rpc.type(v));
    }
    String role = Rpc.text(d, "role");
    boolean agent =
        switch (role == null ? "" : role) {
          case "ROLE_USER", "user" -> false;
          case "ROLE_AGENT", "agent" -> true;
          default ->
              throw invalid(
                  "message.role must be "
                      + (version == Version.V10 ? "ROLE_USER or ROLE_AGENT" : "user or agent")
                      + ", found "
                      + (role == null ? Rpc.type(Rpc.field(d, "role")) : "'" + role + "'"));
        };
    String id = Rpc.text(d, "messageId");
    if (id == null || id.isBlank()) {
      throw invalid("message.messageId must be a non-empty string");
    }
    String key = version == Version.V03_REST ? "content" : "parts";
    if (!(Rpc.field(d, key) instanceof Vec parts) || parts.size() == 0) {
      throw invalid("message." + key + " must be a non-empty array");
    }
    List<Part> read = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      read.add(part(parts.get(i), "message." + key + "[" + i + "]", version));
    }
    return new Message(
        id,
        agent,
        read,
        Rpc.text(d, "contextId"),
        Rpc.text(d, "taskId"),
        Rpc.object(d, "metadata"));
  }

  /**
   * A part: {@code kind} (0.3) or the member present (1.0, 0.3 REST, where data is wrapped once
   * more and files are {@code fileWithUri}/{@code fileWithBytes}) says which.
   */
  static Part part(Value v, String where, Version version) {
    if (!(v instanceof Dict p)) {
      throw invalid(where + " must be an object, found " + Rpc.type(v));
    }
    String kind = Rpc.text(p, "kind");
    if (Rpc.field(p, "text") instanceof Value.Str s && (kind == null || kind.equals("text"))) {
      return new Text(s.value());
    }
    Value data = Rpc.field(p, "data");
    if (data != null && (kind == null || kind.equals("data"))) {
      return new Data(
          version == Version.V03_REST && data instanceof Dict wrapped
              ? Rpc.field(wrapped, "data")
              : data);
    }
    if (version == Version.V03_REST && Rpc.field(p, "file") instanceof Dict f) {
      return new File(
          Rpc.text(f, "fileWithUri"), Rpc.text(f, "fileWithBytes"), Rpc.text(f, "mimeType"), null);
    }
    if (kind != null && kind.equals("file") && Rpc.field(p, "file") instanceof Dict f) {
      return new File(
          Rpc.text(f, "uri"), Rpc.text(f, "bytes"), Rpc.text(f, "mimeType"), Rpc.text(f, "name"));
    }
    String url = Rpc.text(p, "url");
    String raw = Rpc.text(p, "raw");
    if (kind == null && (url != null || raw != null)) {
      return new File(url, raw, Rpc.text(p, "mediaType"), Rpc.text(p, "filename"));
    }
    throw invalid(
        where + " is no part: it needs one of text, data, url or raw (1.0), or a kind (0.3)");
  }

  static Dict write(Message m, Version v) {
    return Rpc.obj(
        "kind",
        v == Version.V03 ? "message" : null,
        "messageId",
        m.messageId(),
        "role",
        v == Version.V03
            ? (m.fromAgent() ? "agent" : "user")
            : m.fromAgent() ? "ROLE_AGENT" : "ROLE_USER",
        v == Version.V03_REST ? "content" : "parts",
        parts(m.parts(), v),
        "contextId",
        m.contextId(),
        "taskId",
        m.taskId(),
        "metadata",
        m.metadata().isEmpty() ? null : m.metadata());
  }

  static Vec parts(List<Part> parts, Version v) {
    List<Value> out = new ArrayList<>();
    for (Part p : parts) {
      out.add(
          switch (p) {
            case Text t -> Rpc.obj("kind", v == Version.V03 ? "text" : null, "text", t.text());
            case Data d -> data(d.data(), v);
            case File f -> file(f, v);
          });
    }
    return Vec.of(out);
  }

  /** A data part: any JSON in 1.0; an object in 0.3 (other values as {@code {"result": v}}). */
  private static Dict data(Value data, Version v) {
    Value object = data instanceof Dict ? data : Rpc.obj("result", data);
    return switch (v) {
      case V10 -> Rpc.obj("data", data);
      case V03 -> Rpc.obj("kind", "data", "data", object);
      case V03_REST -> Rpc.obj("data", Rpc.obj("data", object));
    };
  }

  private static Dict file(File f, Version v) {
    return switch (v) {
      case V10 ->
          Rpc.obj(
              "url", f.url(), "raw", f.bytes(), "mediaType", f.mediaType(), "filename", f.name());
      case V03 ->
          Rpc.obj(
              "kind",
              "file",
              "file",
              Rpc.obj(
                  "uri", f.url(), "bytes", f.bytes(), "mimeType", f.mediaType(), "name", f.name()));
      case V03_REST ->
          Rpc.obj(
              "file",
              Rpc.obj(
                  "fileWithUri", f.url(), "fileWithBytes", f.bytes(), "mimeType", f.mediaType()));
    };
  }

  static Dict write(Artifact a, Version v) {
    return Rpc.obj("artifactId", a.artifactId(), "name", a.name(), "parts", parts(a.parts(), v));
  }

  /**
   * A task: its last {@code historyLength} messages (null: all, 0: none) and its artifacts unless
   * left out.
   */
  static Dict write(Task t, Version v, Integer historyLength, boolean artifacts) {
    List<Value> history = new ArrayList<>();
    int from = historyLength == null ? 0 : Math.max(0, t.history().size() - historyLength);
    for (int i = from; i < t.history().size(); i++) {
      history.add(write(t.history().get(i), v));
    }
    List<Value> arts = new ArrayList<>();
    if (artifacts) {
      t.artifacts().forEach(a -> arts.add(write(a, v)));
    }
    return Rpc.obj(
        "kind",
        v == Version.V03 ? "task" : null,
        "id",
        t.id(),
        "contextId",
        t.contextId(),
        "status",
        status(t, v),
        "artifacts",
        arts.isEmpty() ? null : Vec.of(arts),
        "history",
        history.isEmpty() ? null : Vec.of(history));
  }

  private static Dict status(Task t, Version v) {
    return Rpc.obj(
        "state",
        t.state().wire(v),
        "message",
        t.status() == null ? null : write(t.status(), v),
        "timestamp",
        t.timestamp());
  }

  /** What SendMessage answers: 1.0 wraps it ({@code {"task": …}}), 0.3 does not. */
  static Dict sent(Object taskOrMessage, Version v) {
    Dict body =
        taskOrMessage instanceof Task t
            ? write(t, v, null, true)
            : write((Message) taskOrMessage, v);
    if (v == Version.V03) {
      return body;
    }
    return Rpc.obj(taskOrMessage instanceof Task ? "task" : "message", body);
  }

  /** A status-update stream event; 0.3 marks the last one {@code final}. */
  static Dict statusUpdate(Task t, Version v) {
    Dict body =
        Rpc.obj(
            "kind",
            v == Version.V03 ? "status-update" : null,
            "taskId",
            t.id(),
            "contextId",
            t.contextId(),
            "status",
            status(t, v),
            "final",
            v == Version.V10 ? null : t.state().terminal());
    return v == Version.V03 ? body : Rpc.obj("statusUpdate", body);
  }

  /** An artifact-update stream event. */
  static Dict artifactUpdate(Task t, Artifact a, Version v) {
    Dict body =
        Rpc.obj(
            "kind",
            v == Version.V03 ? "artifact-update" : null,
            "taskId",
            t.id(),
            "contextId",
            t.contextId(),
            "artifact",
            write(a, v),
            "lastChunk",
            true);
    return v == Version.V03 ? body : Rpc.obj("artifactUpdate", body);
  }

  /** A push configuration as the version shows it. */
  static Dict write(PushConfig c, Version v) {
    Dict auth =
        c.scheme() == null
            ? null
            : v == Version.V10
                ? Rpc.obj("scheme", c.scheme())
                : Rpc.obj("schemes", Vec.of(List.of(Value.of(c.scheme()))));
    Dict config = Rpc.obj("id", c.id(), "url", c.url(), "token", c.token(), "authentication", auth);
    if (v == Version.V03) {
      return Rpc.obj("taskId", c.taskId(), "pushNotificationConfig", config);
    }
    if (v == Version.V03_REST) {
      return Rpc.obj(
          "name",
          "tasks/" + c.taskId() + "/pushNotificationConfigs/" + c.id(),
          "pushNotificationConfig",
          config);
    }
    return config.assoc(Json.key("taskId"), Value.of(c.taskId())); // 1.0: one flat object
  }

  /** A push configuration from a request ({@code id} given when the request does not name one). */
  static PushConfig push(Dict params, String taskId, String id, Version v) {
    Dict c =
        switch (v) {
          case V10 -> params;
          case V03 -> Rpc.object(params, "pushNotificationConfig");
          case V03_REST ->
              Rpc.object(
                  params.containsKey(Json.key("config")) ? Rpc.object(params, "config") : params,
                  "pushNotificationConfig");
        };
    String url = Rpc.text(c, "url");
    if (url == null) {
      throw invalid("a push notification config needs a url");
    }
    Dict auth = Rpc.object(c, "authentication");
    String scheme = Rpc.text(auth, "scheme");
    if (scheme == null && Rpc.field(auth, "schemes") instanceof Vec s && s.size() > 0) {
      scheme = s.get(0) instanceof Value.Str str ? str.value() : null;
    }
    String given = Rpc.text(c, "id");
    return new PushConfig(
        given == null ? id : given,
        taskId,
        url,
        Rpc.text(c, "token"),
        scheme,
        Rpc.text(auth, "credentials"),
        v);
  }

  static A2a.Failure invalid(String message) {
    return new A2a.Failure(A2a.Error.INVALID_PARAMS, "Invalid params: " + message);
  }
}
