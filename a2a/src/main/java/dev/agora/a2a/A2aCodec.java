package dev.agora.a2a;

import static dev.agora.core.json.JsonObjects.field;
import static dev.agora.core.json.JsonObjects.obj;
import static dev.agora.core.json.JsonObjects.object;
import static dev.agora.core.json.JsonObjects.text;
import static dev.agora.core.json.JsonObjects.type;

import dev.agora.a2a.A2a.Artifact;
import dev.agora.a2a.A2a.Data;
import dev.agora.a2a.A2a.File;
import dev.agora.a2a.A2a.Message;
import dev.agora.a2a.A2a.Part;
import dev.agora.a2a.A2a.PushConfig;
import dev.agora.a2a.A2a.Task;
import dev.agora.a2a.A2a.Text;
import dev.agora.a2a.A2a.Version;
import dev.agora.core.json.Json;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.util.ArrayList;
import java.util.List;

/**
 * A2A's JSON in both versions, read into and written from {@link A2a}'s one model (protocols.md
 * §1.4, §1.8, §1.9): 1.0 discriminates parts by the member present and wraps results ({@code
 * {"task": …}}); 0.3 says {@code kind} everywhere and answers bare objects. What cannot be read is
 * an {@link A2a.Failure} with {@code INVALID_PARAMS} saying where.
 */
public final class A2aCodec {

  private A2aCodec() {}

  public static Message message(Value v, Version version) {
    if (!(v instanceof Dict d)) {
      throw invalid("params.message must be an object, found " + type(v));
    }
    String role = text(d, "role");
    boolean agent =
        switch (role == null ? "" : role) {
          case "ROLE_USER", "user" -> false;
          case "ROLE_AGENT", "agent" -> true;
          default ->
              throw invalid(
                  "message.role must be "
                      + (version == Version.V10 ? "ROLE_USER or ROLE_AGENT" : "user or agent")
                      + ", found "
                      + (role == null ? type(field(d, "role")) : "'" + role + "'"));
        };
    String id = text(d, "messageId");
    if (id == null || id.isBlank()) {
      throw invalid("message.messageId must be a non-empty string");
    }
    String key = version == Version.V03_REST ? "content" : "parts";
    if (!(field(d, key) instanceof Vec parts) || parts.size() == 0) {
      throw invalid("message." + key + " must be a non-empty array");
    }
    List<Part> read = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      read.add(part(parts.get(i), "message." + key + "[" + i + "]", version));
    }
    return new Message(
        id, agent, read, text(d, "contextId"), text(d, "taskId"), object(d, "metadata"));
  }

  /**
   * A part: {@code kind} (0.3) or the member present (1.0, 0.3 REST, where data is wrapped once
   * more and files are {@code fileWithUri}/{@code fileWithBytes}) says which.
   */
  public static Part part(Value v, String where, Version version) {
    if (!(v instanceof Dict p)) {
      throw invalid(where + " must be an object, found " + type(v));
    }
    String kind = text(p, "kind");
    if (field(p, "text") instanceof Value.Str s && (kind == null || kind.equals("text"))) {
      return new Text(s.value());
    }
    Value data = field(p, "data");
    if (data != null && (kind == null || kind.equals("data"))) {
      return new Data(
          version == Version.V03_REST && data instanceof Dict wrapped
              ? field(wrapped, "data")
              : data);
    }
    if (version == Version.V03_REST && field(p, "file") instanceof Dict f) {
      return new File(text(f, "fileWithUri"), text(f, "fileWithBytes"), text(f, "mimeType"), null);
    }
    if (kind != null && kind.equals("file") && field(p, "file") instanceof Dict f) {
      return new File(text(f, "uri"), text(f, "bytes"), text(f, "mimeType"), text(f, "name"));
    }
    String url = text(p, "url");
    String raw = text(p, "raw");
    if (kind == null && (url != null || raw != null)) {
      return new File(url, raw, text(p, "mediaType"), text(p, "filename"));
    }
    throw invalid(
        where + " is no part: it needs one of text, data, url or raw (1.0), or a kind (0.3)");
  }

  public static Dict write(Message m, Version v) {
    return obj(
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

  public static Vec parts(List<Part> parts, Version v) {
    List<Value> out = new ArrayList<>();
    for (Part p : parts) {
      out.add(
          switch (p) {
            case Text t -> obj("kind", v == Version.V03 ? "text" : null, "text", t.text());
            case Data d -> data(d.data(), v);
            case File f -> file(f, v);
          });
    }
    return Vec.of(out);
  }

  /** A data part: any JSON in 1.0; an object in 0.3 (other values as {@code {"result": v}}). */
  private static Dict data(Value data, Version v) {
    Value object = data instanceof Dict ? data : obj("result", data);
    return switch (v) {
      case V10 -> obj("data", data);
      case V03 -> obj("kind", "data", "data", object);
      case V03_REST -> obj("data", obj("data", object));
    };
  }

  private static Dict file(File f, Version v) {
    return switch (v) {
      case V10 ->
          obj("url", f.url(), "raw", f.bytes(), "mediaType", f.mediaType(), "filename", f.name());
      case V03 ->
          obj(
              "kind",
              "file",
              "file",
              obj("uri", f.url(), "bytes", f.bytes(), "mimeType", f.mediaType(), "name", f.name()));
      case V03_REST ->
          obj(
              "file",
              obj("fileWithUri", f.url(), "fileWithBytes", f.bytes(), "mimeType", f.mediaType()));
    };
  }

  public static Dict write(Artifact a, Version v) {
    return obj("artifactId", a.artifactId(), "name", a.name(), "parts", parts(a.parts(), v));
  }

  /**
   * A task: its last {@code historyLength} messages (null: all, 0: none) and its artifacts unless
   * left out.
   */
  public static Dict write(Task t, Version v, Integer historyLength, boolean artifacts) {
    List<Value> history = new ArrayList<>();
    int from = historyLength == null ? 0 : Math.max(0, t.history().size() - historyLength);
    for (int i = from; i < t.history().size(); i++) {
      history.add(write(t.history().get(i), v));
    }
    List<Value> arts = new ArrayList<>();
    if (artifacts) {
      t.artifacts().forEach(a -> arts.add(write(a, v)));
    }
    return obj(
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
    return obj(
        "state",
        t.state().wire(v),
        "message",
        t.status() == null ? null : write(t.status(), v),
        "timestamp",
        t.timestamp());
  }

  /** What SendMessage answers: 1.0 wraps it ({@code {"task": …}}), 0.3 does not. */
  public static Dict sent(A2a.Event taskOrMessage, Version v) {
    Dict body =
        taskOrMessage instanceof Task t
            ? write(t, v, null, true)
            : write((Message) taskOrMessage, v);
    if (v == Version.V03) {
      return body;
    }
    return obj(taskOrMessage instanceof Task ? "task" : "message", body);
  }

  /** A status-update stream event; 0.3 marks the last one {@code final}. */
  public static Dict statusUpdate(Task t, Version v) {
    Dict body =
        obj(
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
    return v == Version.V03 ? body : obj("statusUpdate", body);
  }

  /** An artifact-update stream event. */
  public static Dict artifactUpdate(Task t, Artifact a, Version v) {
    Dict body =
        obj(
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
    return v == Version.V03 ? body : obj("artifactUpdate", body);
  }

  /** A push configuration as the version shows it. */
  public static Dict write(PushConfig c, Version v) {
    Dict auth =
        c.scheme() == null
            ? null
            : v == Version.V10
                ? obj("scheme", c.scheme())
                : obj("schemes", Vec.of(List.of(Value.of(c.scheme()))));
    Dict config = obj("id", c.id(), "url", c.url(), "token", c.token(), "authentication", auth);
    if (v == Version.V03) {
      return obj("taskId", c.taskId(), "pushNotificationConfig", config);
    }
    if (v == Version.V03_REST) {
      return obj(
          "name",
          "tasks/" + c.taskId() + "/pushNotificationConfigs/" + c.id(),
          "pushNotificationConfig",
          config);
    }
    return config.assoc(Json.key("taskId"), Value.of(c.taskId())); // 1.0: one flat object
  }

  /** A push configuration from a request ({@code id} given when the request does not name one). */
  public static PushConfig push(Dict params, String taskId, String id, Version v) {
    Dict c =
        switch (v) {
          case V10 -> params;
          case V03 -> object(params, "pushNotificationConfig");
          case V03_REST ->
              object(
                  params.containsKey(Json.key("config")) ? object(params, "config") : params,
                  "pushNotificationConfig");
        };
    String url = text(c, "url");
    if (url == null) {
      throw invalid("a push notification config needs a url");
    }
    Dict auth = object(c, "authentication");
    String scheme = text(auth, "scheme");
    if (scheme == null && field(auth, "schemes") instanceof Vec s && s.size() > 0) {
      scheme = s.get(0) instanceof Value.Str str ? str.value() : null;
    }
    String given = text(c, "id");
    return new PushConfig(
        given == null ? id : given,
        taskId,
        url,
        text(c, "token"),
        scheme,
        text(auth, "credentials"),
        v);
  }

  // ---- what agents answer (the client side) ----

  /**
   * A Task, Message or update, as SendMessage answers (1.0 and 0.3 REST: wrapped, {@code {"task":
   * …}}; 0.3: bare, with its {@code kind}) or a stream sends.
   */
  public static A2a.Event event(Value v, Version version) {
    if (!(v instanceof Dict d)) {
      throw invalid("an answer must be an object, found " + type(v));
    }
    String kind = text(d, "kind");
    if (kind != null) {
      return switch (kind) {
        case "task" -> task(d, version);
        case "message" -> message(d, version);
        case "status-update" -> statusUpdate(d, version);
        case "artifact-update" -> artifactUpdate(d, version);
        default -> throw invalid("an answer of unknown kind '" + kind + "'");
      };
    }
    if (field(d, "task") instanceof Dict t) {
      return task(t, version);
    }
    if (field(d, "message") instanceof Dict m) {
      return message(m, version);
    }
    if (field(d, "statusUpdate") instanceof Dict u) {
      return statusUpdate(u, version);
    }
    if (field(d, "artifactUpdate") instanceof Dict u) {
      return artifactUpdate(u, version);
    }
    throw invalid(
        "an answer must be a task, message, statusUpdate or artifactUpdate; found members "
            + d.asMap().keySet().stream().map(Json::keyName).toList());
  }

  /** A task as GetTask, CancelTask and SendMessage answer it (its history is left out). */
  public static Task task(Value v, Version version) {
    if (!(v instanceof Dict d)) {
      throw invalid("a task must be an object, found " + type(v));
    }
    String id = text(d, "id");
    if (id == null || id.isBlank()) {
      throw invalid("a task needs an id");
    }
    Dict status = object(d, "status");
    List<Artifact> artifacts = new ArrayList<>();
    if (field(d, "artifacts") instanceof Vec as) {
      for (int i = 0; i < as.size(); i++) {
        artifacts.add(artifact(as.get(i), "task.artifacts[" + i + "]", version));
      }
    }
    return new Task(
        id,
        text(d, "contextId"),
        state(status, "task " + id),
        statusMessage(status, version),
        text(status, "timestamp"),
        artifacts,
        List.of());
  }

  private static A2a.StatusUpdate statusUpdate(Dict d, Version version) {
    Dict status = object(d, "status");
    String taskId = text(d, "taskId");
    return new A2a.StatusUpdate(
        taskId,
        text(d, "contextId"),
        state(status, "the status update of task " + taskId),
        statusMessage(status, version),
        field(d, "final") instanceof Value.Bool b && b.value());
  }

  private static A2a.ArtifactUpdate artifactUpdate(Dict d, Version version) {
    return new A2a.ArtifactUpdate(
        text(d, "taskId"),
        text(d, "contextId"),
        artifact(field(d, "artifact"), "artifactUpdate.artifact", version),
        field(d, "append") instanceof Value.Bool b && b.value());
  }

  private static A2a.State state(Dict status, String whose) {
    String wire = text(status, "state");
    A2a.State s = A2a.State.read(wire);
    if (s == null) {
      throw invalid(
          whose
              + " has "
              + (wire == null ? "no status.state" : "the unknown state '" + wire + "'"));
    }
    return s;
  }

  private static Message statusMessage(Dict status, Version version) {
    Value m = field(status, "message");
    return m instanceof Dict ? message(m, version) : null;
  }

  /** An artifact: its parts are {@code parts} in every version. */
  public static Artifact artifact(Value v, String where, Version version) {
    if (!(v instanceof Dict d)) {
      throw invalid(where + " must be an object, found " + type(v));
    }
    List<Part> parts = new ArrayList<>();
    if (field(d, "parts") instanceof Vec ps) {
      for (int i = 0; i < ps.size(); i++) {
        parts.add(part(ps.get(i), where + ".parts[" + i + "]", version));
      }
    }
    return new Artifact(text(d, "artifactId"), text(d, "name"), parts);
  }

  public static A2a.Failure invalid(String message) {
    return new A2a.Failure(A2a.Error.INVALID_PARAMS, "Invalid params: " + message);
  }
}
